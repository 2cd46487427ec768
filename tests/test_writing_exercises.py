"""docs/writing-exercises.md, followed to the letter: its console commands, run in order outside the checkout.

Then the pack it made is graded once more with a submission that tries to read the pack's
hidden suite from inside the worker: the sandbox must hide it, and show the probes beside it.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "writing-exercises.md"


def console_commands(text: str) -> list[str]:
    """Each `$ ` command of the ```console blocks, with the here-document lines that follow it."""
    commands: list[str] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                commands.append(line[2:])
            elif commands:
                commands[-1] += line
    return commands


@pytest.fixture(scope="module")
def followed():
    with tempfile.TemporaryDirectory(prefix="course-", dir="/tmp") as folder:
        root = Path(folder)
        assert not root.is_relative_to(ROOT)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        outputs = []
        for command in console_commands(DOC.read_text(encoding="utf-8")):
            completed = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=300)
            assert completed.returncode == 0, (command, completed.stdout, completed.stderr)
            outputs.append((command, completed.stdout + completed.stderr))
        yield root, env, outputs


def test_the_tutorial_grades_the_solution_at_full_marks_and_the_stub_at_zero(followed):
    _, _, outputs = followed
    graded = [out for command, out in outputs if command.startswith("grade --pack course ") and "assign" not in command]
    assert "full marks" in graded[0] and "scaler                 5/5" in graded[0], graded[0]
    assert "scaler                 0/5" in graded[1], graded[1]
    assert "scaler                 7/7" in graded[2], graded[2]  # the check added in step 3, on cpu and meta
    assert any("broken pack" in out and "pack.toml:" in out for _, out in outputs)


def test_a_worker_cannot_read_the_suite_of_the_tutorials_pack(followed):
    root, env, _ = followed
    suite = root / "course" / "scaler" / "suite.py"
    beside = root / "course" / "scaler" / "probes.py"  # in the same folder, and the worker's to read
    spy = root / "spy"
    spy.mkdir()
    solution = (root / "course" / "scaler" / "solution.py").read_text()
    probe = (f"\n\ndef _can_read(path):\n    try:\n        open(path).read()\n        return True\n    except OSError:\n        return False\n\n\n"
             f"SUITE_READABLE = _can_read({str(suite)!r})\nBESIDE_READABLE = _can_read({str(beside)!r})\n")
    spied = solution.replace("        self.factor = factor\n", "        self.factor = factor if (BESIDE_READABLE and not SUITE_READABLE) else -1.0\n")
    (spy / "scaler.py").write_text(spied + probe)
    report = root / "spy.json"
    completed = subprocess.run(["grade", "--pack", "course", "spy", "--json", str(report)], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    data = json.loads(report.read_text())
    assert data["isolation"]["mode"] == "auto"
    if not data["isolation"].get("used", {}).get("landlock_abi"):
        pytest.skip("no Landlock on this machine: nothing hides the suite from a worker")
    assert completed.returncode == 0, completed.stdout  # full marks: the probes were readable, the suite was not
