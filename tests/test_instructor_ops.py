"""What an instructor does around a batch: Ctrl-C, --resume over some submissions, output folders, --memory.

These run `grade` as a subprocess, as from a shell: Ctrl-C is SIGINT to the whole
foreground process group, which is what `os.killpg` sends here.
"""
from __future__ import annotations

import csv
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

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and pgrep as on Linux")


def learner_rows(handle) -> list[dict]:
    """The CSV's learner rows: Canvas's "Points Possible" row is the gradebook's, not a learner's."""
    return [row for row in csv.DictReader(handle) if row["Student"] != "Points Possible"]


def make_class(root: Path, names: list[str]) -> Path:
    course = root / "class"
    for name in names:
        (course / name).mkdir(parents=True)
        for path in SOLUTIONS.glob("*.py"):
            shutil.copyfile(path, course / name / path.name)
    return course


def run_grade(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


class Batch:
    """`grade` in its own session (a terminal's foreground group), its stderr read as it comes."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, prefix: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(line.startswith(prefix) for line in self.lines):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, f"no {prefix!r} line within {timeout} s: {''.join(self.lines)}"
            time.sleep(0.05)

    def graded(self) -> set[str]:
        return {line.split(": ", 1)[1].rsplit(" ", 3)[0] for line in self.lines if line.startswith("graded ") and ": " in line}

    def ctrl_c(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)

    def left(self) -> list[str]:
        """Processes still running in the batch's session (its judge processes, templates and workers).

        A zombie is not running: one whose parent died waits for PID 1 (in a container, maybe forever)."""
        out = subprocess.run(["pgrep", "-s", str(self.process.pid)], capture_output=True, text=True).stdout
        return [pid for pid in out.split() if _state(pid) not in ("Z", "X", "")]


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


@pytest.fixture
def batch_dir(tmp_path):
    return make_class(tmp_path, [f"learner{i}" for i in range(6)])


def test_ctrl_c_stops_a_batch_within_2_s_writes_every_finished_result_and_exits_130(tmp_path, batch_dir):
    out = tmp_path / "out"
    batch = Batch(str(batch_dir), "-j", "2", "--json", str(out / "r.json"), "--csv", str(out / "g.csv"), "--junit", str(out / "j.xml"),
                  "--html", str(out / "pages"))
    try:
        batch.wait_for("graded 1/6", timeout=240)
        batch.ctrl_c()
        began = time.monotonic()
        rc = batch.process.wait(timeout=30)
        stopped_s = time.monotonic() - began
        time.sleep(0.5)
        left = batch.left()
    finally:
        if batch.process.poll() is None:
            os.killpg(batch.process.pid, signal.SIGKILL)
    assert rc == 130, "".join(batch.lines)
    assert stopped_s < 2.0, stopped_s
    assert left == [], f"processes outlived the run: {left}"
    graded = batch.graded()
    data = json.loads((out / "r.json").read_text())
    ids = {s["id"] for s in data["submissions"]}
    assert graded and graded <= ids, (graded, ids)
    assert ids < {f"learner{i}" for i in range(6)}, "the run was not interrupted before the end: the test proves nothing"
    with open(out / "g.csv", newline="") as handle:
        assert {row["Student"] for row in learner_rows(handle)} == ids
    assert (out / "j.xml").is_file() and len(list((out / "pages").glob("*.html"))) >= len(ids)
    assert any("interrupted" in line for line in batch.lines)


def test_a_second_ctrl_c_quits_at_once(tmp_path, batch_dir):
    batch = Batch(str(batch_dir), "-j", "2", "--json", str(tmp_path / "r.json"))
    try:
        batch.wait_for("graded 1/6", timeout=240)
        batch.ctrl_c()
        time.sleep(0.02)
        batch.ctrl_c()
        began = time.monotonic()
        rc = batch.process.wait(timeout=30)
        assert time.monotonic() - began < 2.0
    finally:
        if batch.process.poll() is None:
            os.killpg(batch.process.pid, signal.SIGKILL)
    assert rc == 130
    time.sleep(1.5)  # a judge process stopped by the first Ctrl-C is gone within its grace period
    assert batch.left() == []


def test_resume_with_a_subset_updates_those_entries_and_keeps_the_rest(tmp_path):
    course = make_class(tmp_path, ["alice", "bob", "dave"])
    results = tmp_path / "r.json"
    assert run_grade(str(course), "-q", "--exercise", "my_linear", "--json", str(results)).returncode == 0
    first = {s["id"]: s for s in json.loads(results.read_text())["submissions"]}
    (course / "dave" / "my_linear.py").write_text("raise ImportError('broken on purpose')\n")
    done = run_grade(str(course / "dave"), "-q", "--exercise", "my_linear", "--json", str(results), "--resume")
    assert done.returncode == 1, done.stderr
    after = {s["id"]: s for s in json.loads(results.read_text())["submissions"]}
    assert list(after) == ["alice", "bob", "dave"]
    assert after["alice"] == first["alice"] and after["bob"] == first["bob"]
    assert after["dave"]["score"] == 0 and after["dave"]["fingerprint"] != first["dave"]["fingerprint"]


def test_an_empty_folder_named_on_the_command_line_appears_in_every_report(tmp_path):
    course = make_class(tmp_path, ["alice"])
    (course / "empty").mkdir()
    done = run_grade(str(course / "alice"), str(course / "empty"), "-q", "--exercise", "my_linear", "--csv", str(tmp_path / "g.csv"),
                     "--json", str(tmp_path / "r.json"))
    assert done.returncode == 1, done.stderr
    with open(tmp_path / "g.csv", newline="") as handle:
        assert [row["Student"] for row in learner_rows(handle)] == ["alice", "empty"]
    empty = next(s for s in json.loads((tmp_path / "r.json").read_text())["submissions"] if s["id"] == "empty")
    assert "file not found" in empty["exercises"][0]["error"]


def test_output_folders_are_made_before_grading(tmp_path):
    course = make_class(tmp_path, ["alice"])
    done = run_grade(str(course / "alice"), "-q", "--exercise", "my_linear", "--json", str(tmp_path / "new" / "deep" / "r.json"),
                     "--csv", str(tmp_path / "other" / "g.csv"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / "deep" / "r.json").is_file() and (tmp_path / "other" / "g.csv").is_file()


def test_an_output_folder_that_cannot_be_made_is_refused_before_grading(tmp_path):
    course = make_class(tmp_path, ["alice"])
    (tmp_path / "afile").write_text("not a folder")
    began = time.monotonic()
    done = run_grade(str(course / "alice"), "--json", str(tmp_path / "afile" / "r.json"))
    assert done.returncode == 2 and "cannot create the folder" in done.stderr, done.stderr
    assert "internal error" not in done.stderr
    assert time.monotonic() - began < 30  # refused at once, not after grading


def test_memory_below_what_torch_needs_is_refused_with_the_figure(tmp_path):
    course = make_class(tmp_path, ["alice"])
    done = run_grade(str(course / "alice"), "--memory", "0.5")
    assert done.returncode == 2
    assert "--memory 0.5" in done.stderr and "at least 1 GiB" in done.stderr, done.stderr
