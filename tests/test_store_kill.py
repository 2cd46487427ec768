"""`kill -9` of grade in the middle of a batch: no torn record, and --resume continues from the store."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.store import ResultStore

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups as on Linux")


def make_class(root: Path, count: int) -> Path:
    course = root / "class"
    for i in range(count):
        (course / f"learner{i}").mkdir(parents=True)
        for path in (ROOT / "solutions").glob("*.py"):
            shutil.copyfile(path, course / f"learner{i}" / path.name)
    return course


def start(*args: str) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen([sys.executable, "-m", "grader", *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
    return process, lines


def test_kill_9_mid_batch_leaves_whole_records_and_resume_finishes(tmp_path):
    course = make_class(tmp_path, 6)
    out = tmp_path / "r.json"
    args = [str(course), "-q", "-j", "2", "--exercise", "my_linear", "--json", str(out)]
    process, lines = start(*args)
    deadline = time.monotonic() + 240
    store_dir = tmp_path / "r.json.store" / "records"
    try:
        while not any(line.startswith("graded 2/6") for line in lines):
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)  # the whole run: grade, its judges, templates and workers
        process.wait(10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    store = ResultStore(tmp_path / "r.json.store")
    records = list(store.records())
    assert store.problems == [], store.problems
    assert 2 <= len(records) < 6, "the run was not interrupted mid-batch: the test proves nothing"
    for path in store_dir.glob("*.json"):
        json.loads(path.read_text())  # each record whole
    done = subprocess.run([sys.executable, "-m", "grader", *args, "--resume"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("(unchanged, kept)") == len(records), done.stderr
    data = json.loads(out.read_text())
    assert sorted(s["id"] for s in data["submissions"]) == [f"learner{i}" for i in range(6)]
    assert all(s["score"] == s["max_score"] > 0 for s in data["submissions"])
    assert len(list(store_dir.glob("*.json"))) == 6
