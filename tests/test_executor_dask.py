"""--executor dask://: the same scores as a local run, also when a worker is killed in the middle of a batch.

A LocalCluster of two worker processes with one thread each, as the README starts a cluster.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXERCISES, make_submission, mutate

distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")

from grader.exercises import BY_NAME  # noqa: E402
from grader.executors.dask import DaskExecutor  # noqa: E402
from grader.executors.recording import Recorder  # noqa: E402
from grader.executors.retry import BatchRun  # noqa: E402
from grader.session import WorkerLimits  # noqa: E402
from grader.store import ResultStore  # noqa: E402
from grader.submission import find_submissions  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker sandbox is Linux's")
EXERCISE_NAMES = ["my_linear", "custom_dataset"]  # two of three: the test is about the executor, not the checks


def run_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=600)


def verdicts(data: dict) -> dict:
    return {s["id"]: (s["score"], s["max_score"], [(c["id"], c["status"]) for e in s["exercises"] for c in e["checks"]]) for s in data["submissions"]}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    make_submission(root / "a_correct")
    make_submission(root / "b_stubs", base=EXERCISES)
    make_submission(root / "c_keys", {"custom_dataset.py": mutate("custom_dataset", '{"Text": self.data[idx]', '{"text": self.data[idx]')})
    make_submission(root / "d_sign", {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y - self.bias")})
    for i in range(4):
        make_submission(root / f"e_correct{i}")
    return root


@pytest.fixture(scope="module")
def local_run(course, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "r.json"
    done = run_grade(str(course), "-q", "-j", "2", *sum((["--exercise", n] for n in EXERCISE_NAMES), []), "--json", str(out))
    assert done.returncode == 1, done.stderr
    return verdicts(json.loads(out.read_text()))


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, host="127.0.0.1") as cluster:
        yield cluster


def test_grade_with_the_dask_executor_gives_the_local_scores(course, local_run, cluster, tmp_path):
    out = tmp_path / "r.json"
    address = cluster.scheduler_address.removeprefix("tcp://")
    done = run_grade(str(course), "-q", *sum((["--exercise", n] for n in EXERCISE_NAMES), []), "--executor", f"dask://{address}", "--json", str(out))
    assert done.returncode == 1, done.stderr
    data = json.loads(out.read_text())
    assert verdicts(data) == local_run
    assert "graded 8/8" in done.stderr
    records = list(ResultStore(tmp_path / "r.json.store").records())
    assert sorted(r.id for r in records) == sorted(local_run) and not any(r.fault for r in records)
    assert all(r.graded_on.get("isolation", {}).get("tier") for r in records), "the tier the worker achieved is in every record"

    again = run_grade(str(course), "-q", *sum((["--exercise", n] for n in EXERCISE_NAMES), []), "--executor", f"dask://{address}",
                      "--json", str(out), "--resume")
    assert again.stderr.count("(unchanged, kept)") == 8, again.stderr


def test_a_worker_killed_mid_batch_costs_nothing(course, local_run, cluster, tmp_path):
    from distributed import Client

    submissions = find_submissions([course])
    exercises = [BY_NAME[n] for n in EXERCISE_NAMES]
    executor = DaskExecutor(cluster.scheduler_address, exercises, WorkerLimits(), "auto", chunk=1)
    store = ResultStore(tmp_path / "store")
    batch = BatchRun(executor, submissions, exercises, lambda s: None, retries=2)
    recorder = Recorder(store, "run-killed")
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    seen: list[int] = []
    killed = None
    for index, result in batch:
        recorder.record(batch, index, result, False)
        seen.append(index)
        if killed is None:  # one worker is busy with its next chunk now: kill it
            killed = next(iter(pids.values()))
            os.kill(killed, signal.SIGKILL)
    executor.close()
    assert killed is not None
    assert sorted(seen) == list(range(len(submissions))), "every submission exactly once"
    records = {r.id: r for r in store.records()}
    assert sorted(records) == sorted(local_run)
    assert not any(r.fault for r in records.values())
    got = {i: (r.result.score, r.result.max_score, [(c.id, c.status) for e in r.result.exercises for c in e.checks]) for i, r in records.items()}
    assert got == local_run
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(cluster.scheduler_info["workers"]) < 2:
        time.sleep(0.5)  # the nanny restarts the killed worker: leave the cluster as we found it
