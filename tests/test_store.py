"""The result store: one atomic record per submission, safe names for any id, duplicates ignored, faults retried."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from grader.executors import ExecutorSpec, ExecutorSpecError, Lost
from grader.executors.retry import BatchRun, SANDBOX_FAILED, is_grader_fault
from grader.results import GRADER_FAULT, CheckResult, ExerciseResult, SubmissionResult
from grader.session import describe_exit
from grader.store import MAX_NAME, Record, ResultStore, escape_id
from grader.submission import Submission

ODD_IDS = ["alice", "Alice", "bob\\xff", "\udcff", ".hidden", "..", ".", "a%41", "%41", "é", "x" * 300, "x" * 299 + "y",
           "=HYPERLINK()", "line\\nbreak", "\u202eevil", "con", "a b", "~"]


def result(id_: str, score: bool = True, category: str = "", message: str = "") -> SubmissionResult:
    check = CheckResult(id="my_linear.forward[cpu]", title="forward", status="passed" if score else "failed", max_score=2.0,
                        category=category, message=message)
    return SubmissionResult(id=id_, path=f"/class/{id_}", exercises=[ExerciseResult(name="my_linear", checks=[check])], fingerprint="f1")


def record(id_: str, run: str = "run1", fingerprint: str = "f1", **kw) -> Record:
    r = result(id_, **kw)
    r.fingerprint = fingerprint
    return Record(id=id_, fingerprint=fingerprint, result=r, run=run)


def test_every_id_gets_its_own_safe_file_name():
    names = [escape_id(i) for i in ODD_IDS]
    assert len(set(names)) == len(names)
    assert len({n.lower() for n in names}) == len(names), "case-insensitive file systems would merge two"
    for name in names:
        assert "/" not in name and "\0" not in name and not name.startswith(".")
        assert len(name.encode()) <= MAX_NAME + 1 and name.isascii()


def test_records_round_trip_for_any_id(tmp_path):
    store = ResultStore(tmp_path / "s")
    for id_ in ODD_IDS:
        assert store.put(record(id_))
    assert {r.id for r in store.records()} == set(ODD_IDS)
    assert store.get("\udcff").result.path == "/class/\udcff"
    assert store.problems == []


def test_a_duplicate_of_the_same_run_is_ignored_a_later_run_replaces(tmp_path):
    store = ResultStore(tmp_path / "s")
    assert store.put(record("a", score=True))
    assert not store.put(record("a", score=False)), "a retried task's second result is a duplicate"
    assert store.get("a").result.score == 2.0
    assert store.put(record("a", run="run2", score=False))
    assert store.get("a").result.score == 0.0
    assert store.put(record("a", run="run2", fingerprint="f2"))


def test_a_fault_never_replaces_a_grade_of_the_same_run_and_a_grade_replaces_a_fault(tmp_path):
    store = ResultStore(tmp_path / "s")
    fault = record("a", score=False)
    fault.fault = True
    assert store.put(fault)
    assert store.put(record("a"))
    assert not store.get("a").fault
    again = record("a", score=False)
    again.fault = True
    assert not store.put(again)


def test_a_write_killed_before_its_rename_leaves_the_old_record(tmp_path, monkeypatch):
    store = ResultStore(tmp_path / "s")
    store.put(record("a"))
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        store.put(record("a", run="run2", score=False))
    monkeypatch.undo()
    assert store.get("a").result.score == 2.0
    assert [p.name for p in store.records_dir.iterdir()] == [f"{escape_id('a')}.json"], "the temp file is removed"


def test_torn_and_foreign_files_are_skipped_and_named(tmp_path):
    store = ResultStore(tmp_path / "s")
    store.put(record("a"))
    store.put(record("b"))
    path = store.path_for("b")
    path.write_bytes(path.read_bytes()[:100])
    (store.records_dir / "c.json").write_text(json.dumps(record("a").to_dict()))
    (store.records_dir / ".tmp-1-2-d.json").write_text("{")
    assert [r.id for r in store.records()] == ["a"]
    assert sorted(p.path.name for p in store.problems) == ["b.json", "c.json"]


def test_only_stale_temp_files_are_cleaned(tmp_path):
    store = ResultStore(tmp_path / "s")
    old, fresh = store.records_dir / ".tmp-1-1-a.json", store.records_dir / ".tmp-1-2-b.json"
    old.write_text("{")
    fresh.write_text("{")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    ResultStore(tmp_path / "s")
    assert not old.exists() and fresh.exists(), "another process may be writing the fresh one now"


def test_executor_specs():
    assert ExecutorSpec.parse("local") == ExecutorSpec("local")
    assert ExecutorSpec.parse("dask://127.0.0.1:8786") == ExecutorSpec("dask", "tcp://127.0.0.1:8786")
    assert ExecutorSpec.parse("slurm").kind == "slurm"
    for bad in ("dask://nohost", "dask://:1", "ray", "dask://h:port"):
        with pytest.raises(ExecutorSpecError):
            ExecutorSpec.parse(bad)


class FlakyExecutor:
    """Fails each submission `failures` times (lost, or a grader fault), then grades it."""

    def __init__(self, failures: int, how: str):
        self.failures, self.how, self.calls = failures, how, []

    def places(self):
        return []

    def grade(self, jobs):
        self.calls.append([i for i, _ in jobs])
        for index, submission in jobs:
            if len(self.calls) <= self.failures:
                if self.how == "lost":
                    yield index, Lost("node lost")
                else:
                    yield index, result(submission.id, score=False, message=f"{SANDBOX_FAILED} for your code (tell your instructor)")
            else:
                yield index, result(submission.id)

    def stop(self):
        return []

    def signal_judges(self):
        pass

    def close(self):
        pass


def test_the_sandbox_failure_phrase_is_the_sessions():
    assert SANDBOX_FAILED in describe_exit(70)


@pytest.mark.parametrize("how", ["lost", "sandbox"])
def test_grader_faults_are_retried_and_each_submission_comes_back_once(how):
    subs = [Submission(f"s{i}", Path(f"/class/s{i}")) for i in range(3)]
    executor = FlakyExecutor(2, how)
    batch = BatchRun(executor, subs, [], lambda s: None, retries=2)
    out = list(batch)
    assert sorted(i for i, _ in out) == [0, 1, 2]
    assert all(r.score == 2.0 for _, r in out) and not any(batch.fault(i) for i in range(3))
    assert executor.calls == [[0, 1, 2]] * 3 and batch.tries(0) == 3


def test_after_its_retries_a_fault_is_stored_as_the_graders_never_as_a_grade():
    subs = [Submission("s0", Path("/class/s0"))]
    batch = BatchRun(FlakyExecutor(5, "sandbox"), subs, [], lambda s: None, retries=1)
    [(index, final)] = list(batch)
    assert batch.fault(0) and batch.tries(0) == 2
    check = final.exercises[0].checks[0]
    assert check.category == GRADER_FAULT and not check.counted and is_grader_fault(final)
    assert final.max_score == 0, "a check the grader could not run counts toward neither score nor maximum"


def test_a_lost_submission_after_its_retries_is_a_grader_fault_for_every_check():
    from grader.exercises import BY_NAME

    subs = [Submission("s0", Path("/class/s0"))]
    batch = BatchRun(FlakyExecutor(5, "lost"), subs, [BY_NAME["my_linear"]], lambda s: None, retries=0)
    [(index, final)] = list(batch)
    checks = final.exercises[0].checks
    assert checks and all(c.grader_fault for c in checks) and "node lost" in checks[0].message
