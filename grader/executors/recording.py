"""What every executor's coordinator does around a batch: choose, resume, record.

`grade` (grader.cli) and a Slurm array task (`slurm.py`) both grade through these, so that
`--resume`, the fingerprints and the store behave the same wherever the judges run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from grader.exercises import Exercise
from grader.executors import Executor, ExecutorSpec
from grader.executors.place import Place, here
from grader.executors.retry import BatchRun
from grader.results import SubmissionResult
from grader.session import WorkerLimits
from grader.store import Record, ResultStore
from grader.submission import Submission

SYNC_EVERY_S = 2.0  # the store's folder is fsync'd this often: a power cut loses at most that many renames (graded again)


def make_executor(spec: ExecutorSpec, exercises: list[Exercise], limits: WorkerLimits, jobs: int, isolation: str,
                  isolation_report: dict | None = None) -> Executor:
    if spec.kind == "dask":
        from grader.executors.dask import DaskExecutor

        return DaskExecutor(spec.address, exercises, limits, isolation)
    from grader.executors.local import LocalExecutor

    return LocalExecutor(exercises, limits, jobs, isolation, isolation_report)


def expected_fingerprints(submissions: list[Submission], exercises: list[Exercise], limits: WorkerLimits,
                          places: list[Place]) -> dict[str, list[str]]:
    """Each submission's fingerprint as each place that may grade it now would compute it."""
    from grader.batch import grader_fingerprint, submission_fingerprint

    grader_hash = grader_fingerprint()
    environments = list(dict.fromkeys(p.environment(limits) for p in places))
    return {s.id: [submission_fingerprint(s, exercises, grader_hash, env) for env in environments] for s in submissions}


def previous_from_store(store: ResultStore | None) -> dict[str, SubmissionResult]:
    """The store's results that --resume may keep: every record but the grader's faults, by id order."""
    if store is None:
        return {}
    return {r.id: r.result for r in sorted(store.records(), key=lambda r: r.id) if not r.fault}


def reuser(previous: dict[str, SubmissionResult], expected: dict[str, list[str]]) -> Callable[[Submission], SubmissionResult | None]:
    def reuse(submission: Submission) -> SubmissionResult | None:
        kept = previous.get(submission.id)
        return kept if kept is not None and kept.fingerprint in expected.get(submission.id, ()) else None

    return reuse


@dataclass
class Recorder:
    """Stores each result as it arrives (not the kept ones: they are in the store already)."""

    store: ResultStore | None
    run_id: str
    expected: dict[str, list[str]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    restamp: bool = False  # a kept record is stored again under this run (a Slurm task: the render job counts this run's)
    synced_at: float = field(default_factory=time.monotonic)

    def record(self, batch: BatchRun, index: int, result: SubmissionResult, reused: bool) -> None:
        if not result.fingerprint:  # graded here: the coordinator's place is the grading place
            result.fingerprint = (self.expected.get(result.id) or [""])[0]
        if self.store is None:
            return
        old = self.store.get(result.id) if reused else None
        if old is not None and not self.restamp:
            return  # kept from the store: it is there already (one kept from an older --json file is stored now)
        place = getattr(batch.executor, "place_of", lambda i: None)(index) or (self.places[0] if self.places else None)
        graded_on = old.graded_on if old is not None else (place.to_dict() if place else {})
        self.store.put(Record(id=result.id, fingerprint=result.fingerprint, result=result, run=self.run_id, fault=batch.fault(index),
                              attempts=batch.tries(index), graded_on=graded_on))
        if time.monotonic() - self.synced_at >= SYNC_EVERY_S:
            self.store.sync()
            self.synced_at = time.monotonic()


def local_place(isolation: str, isolation_report: dict | None) -> Place:
    return here(isolation, isolation_report)


def reread(store: ResultStore | None, result: SubmissionResult) -> SubmissionResult:
    """The stored record's result in place of the in-memory one, so that every output renders the store."""
    record = store.get(result.id) if store is not None else None
    return record.result if record is not None and record.fingerprint == result.fingerprint else result


def places_isolation(places: list[Place], fallback: dict) -> dict:
    """The isolation a report of a run graded on several machines states: the weakest one's."""
    from grader.executors.place import weakest

    place = weakest(places)
    return place.isolation if place is not None and place.isolation else fallback
