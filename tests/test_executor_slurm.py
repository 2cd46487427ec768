"""--executor slurm: shards as array tasks into the shared store, a render job, --resume after a cancelled task.

Two ways: `tests/fakes/sbatch` first on PATH, which runs each array task here as a local
process (the same scripts, manifest and store; always runs), and, where `sinfo` answers,
the real Slurm (a single-node cluster: `.ci/slurm-single-node.sh`).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXERCISES, make_submission, mutate

FAKES = Path(__file__).resolve().parent / "fakes"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker sandbox is Linux's")


def slurm_runs() -> bool:
    if shutil.which("sinfo") is None:
        return False
    done = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    return done.returncode == 0 and any(s in done.stdout for s in ("idle", "mixed", "allocated"))


def run_grade(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=600, env=env)


def verdicts(data: dict) -> dict:
    return {s["id"]: (s["score"], s["max_score"]) for s in data["submissions"]}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    make_submission(root / "a_correct")
    make_submission(root / "b_stubs", base=EXERCISES)
    make_submission(root / "c_sign", {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y - self.bias")})
    make_submission(root / "d_correct")
    make_submission(root / "e_correct")
    return root


EXPECTED = {"a_correct": (24.0, 24.0), "b_stubs": (0.0, 24.0), "c_sign": None, "d_correct": (24.0, 24.0), "e_correct": (24.0, 24.0)}


def check_scores(data: dict) -> None:
    got = verdicts(data)
    assert sorted(got) == sorted(EXPECTED)
    assert all(got[k] == v for k, v in EXPECTED.items() if v is not None), got
    assert got["c_sign"][0] < got["c_sign"][1]


def folder_of(stdout: str) -> Path:
    return Path(re.search(r"logs: (\S+)/logs", stdout).group(1))


def test_shards_run_as_array_tasks_and_the_render_job_merges_them(course, tmp_path):
    env = {**os.environ, "PATH": f"{FAKES}{os.pathsep}{os.environ['PATH']}", "FAKE_SBATCH_CANCEL": "1", "FAKE_SBATCH_LOG": str(tmp_path / "sbatch.log")}
    args = [str(course), "--exercise", "my_linear", "--executor", "slurm", "--shard-size", "2", "--json", str(tmp_path / "r.json"),
            "--csv", str(tmp_path / "g.csv"), "--slurm-arg=--partition=debug", "--slurm-arg=--gres=gpu:1"]
    first = run_grade(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert "5 submissions in 3 tasks" in first.stdout
    folder = folder_of(first.stdout)
    calls = (tmp_path / "sbatch.log").read_text().splitlines()
    assert calls[0].startswith("--parsable --partition=debug --gres=gpu:1 ") and calls[0].endswith("task.sh")
    assert calls[1] == f"--parsable --partition=debug --dependency=afterany:4242 {folder}/render.sh", "the render job needs no GPU"
    assert (folder / "rendered").read_text().strip() == "3", "task 1 was cancelled: two submissions have no result"
    render_log = (folder / "logs" / "render.out").read_text()
    assert "2 submission(s) have no result in the store" in render_log and "--resume" in render_log
    assert len(json.loads((tmp_path / "r.json").read_text())["submissions"]) == 3

    env.pop("FAKE_SBATCH_CANCEL")
    again = run_grade(*args, "--resume", env=env)
    assert again.returncode == 0, again.stderr
    assert "2 submissions in 1 tasks, 3 kept from the store" in again.stdout, again.stdout
    folder = folder_of(again.stdout)
    assert (folder / "rendered").read_text().strip() == "1"  # not full marks for all: exit 1, like a local run
    check_scores(json.loads((tmp_path / "r.json").read_text()))
    assert "graded 2/2" in (folder / "logs" / "task-0.out").read_text()


def test_slurm_needs_a_store():
    done = run_grade(".", "--executor", "slurm")
    assert done.returncode == 2 and "--store" in done.stderr


@pytest.mark.skipif(not slurm_runs(), reason="no Slurm cluster answers here (.ci/slurm-single-node.sh starts one as root)")
def test_on_a_real_slurm_cluster_a_cancelled_task_is_graded_by_resume(course, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    args = [str(course), "--exercise", "my_linear", "--executor", "slurm", "--shard-size", "1", "--store", str(shared / "store"),
            "--json", str(shared / "r.json"), "--slurm-arg=--cpus-per-task=1", "--slurm-arg=--hold"]
    first = run_grade(*args)
    assert first.returncode == 0, first.stderr
    array = re.search(r"job array (\d+)", first.stdout).group(1)
    subprocess.run(["scancel", f"{array}_4"], check=True)  # held, so never started: cancelled as a pending task
    subprocess.run(["scontrol", "release", array], check=True)
    folder = folder_of(first.stdout)
    wait_for(folder / "rendered", 420)
    assert (folder / "rendered").read_text().strip() == "3"
    assert len(json.loads((shared / "r.json").read_text())["submissions"]) == 4

    again = run_grade(*args[:-1], "--resume")
    assert "1 submissions in 1 tasks, 4 kept from the store" in again.stdout, again.stdout
    folder = folder_of(again.stdout)
    wait_for(folder / "rendered", 300)
    check_scores(json.loads((shared / "r.json").read_text()))


def wait_for(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} not written within {timeout} s: {subprocess.run(['squeue'], capture_output=True, text=True).stdout}"
        time.sleep(1)
