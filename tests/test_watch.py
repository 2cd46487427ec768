"""`grade --watch`: a subprocess on a copy of exercises/, edited as a learner saves, stopped with Ctrl-C."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS
from grader import watch
from grader.exercises import BY_NAME

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups as on Linux")


class Watching:
    """`grade --watch` in its own session (a terminal's foreground group), its stdout read as it comes."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", "--watch", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def next_block(self, start: int, marker: str, timeout: float) -> list[str]:
        """The lines after `start` once one holds `marker` (each regrade is printed in one write)."""
        deadline = time.monotonic() + timeout
        while not any(marker in line for line in self.lines[start:]):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s:\n{''.join(self.lines)}"
            time.sleep(0.05)
        time.sleep(0.5)
        return self.lines[start:]


def buggy(old: str, new: str) -> str:
    source = (SOLUTIONS / "my_linear.py").read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


def test_watch_regrades_on_save_prints_only_changed_checks_and_ctrl_c_exits_130(tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(EXERCISES, folder)
    run = Watching(str(folder), "--exercise", "my_linear")
    try:
        first = run.next_block(0, "grade: watching", timeout=300)
        assert any("not implemented yet" in line for line in first), "".join(first)

        (folder / "my_linear.py").write_text(buggy("y = y + self.bias", "y = y + 0 * self.bias"), encoding="utf-8")
        second = "".join(run.next_block(len(first), "(was 0/", timeout=120))
        assert "FAIL forward(x) computes x @ weights + bias [cpu]" in second
        assert "PASS MyLinear keeps in_features and out_features" in second  # was "not implemented yet"

        start = len(run.lines)
        (folder / "my_linear.py").write_text((SOLUTIONS / "my_linear.py").read_text(encoding="utf-8"), encoding="utf-8")
        third = "".join(run.next_block(start, "(was ", timeout=120))
        assert "24/24 (was 16/24): 6 checks changed" in third, third
        assert "PASS forward(x) computes x @ weights + bias [cpu]" in third
        assert "MyLinear keeps in_features" not in third, "an unchanged check was printed again"
        assert "[meta]" not in third, "the meta checks passed before and after"

        os.killpg(run.process.pid, signal.SIGINT)
        began = time.monotonic()
        rc = run.process.wait(timeout=30)
        stopped_s = time.monotonic() - began
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    assert rc == 130, "".join(run.lines)
    assert stopped_s < 5, stopped_s
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-s", str(run.process.pid)], capture_output=True, text=True).stdout.split()
    assert [pid for pid in left if _running(pid)] == [], "the template or a worker outlived --watch"


def _running(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def test_a_save_of_an_exercise_file_regrades_that_exercise_only(tmp_path):
    exercises = [BY_NAME["my_linear"], BY_NAME["custom_dataset"]]
    (tmp_path / "my_linear.py").write_text("x = 1\n")
    (tmp_path / "custom_dataset.py").write_text("y = 1\n")
    before = watch.snapshot(tmp_path, exercises)
    assert watch.changed(before, watch.snapshot(tmp_path, exercises), exercises) == []
    (tmp_path / "my_linear.py").write_text("x = 22\n")
    (tmp_path / ".my_linear.py.swp").write_text("editor state")
    assert watch.changed(before, watch.snapshot(tmp_path, exercises), exercises) == [BY_NAME["my_linear"]]
    (tmp_path / "helpers.py").write_text("z = 1\n")  # not an exercise's file: everything may depend on it
    assert watch.changed(before, watch.snapshot(tmp_path, exercises), exercises) == exercises


def test_watch_refuses_outputs_and_batches(tmp_path):
    completed = subprocess.run([sys.executable, "-m", "grader", "--watch", str(SOLUTIONS), "--json", str(tmp_path / "r.json")],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2 and "--watch prints to the terminal only" in completed.stderr
