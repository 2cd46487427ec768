"""`grade render STORE`: a run's results read back from the store, for the outputs (Slurm's final job).

With a Slurm manifest, a record counts for the run when that run wrote it (a task's grade, or a
kept record it stamped), or, under `--resume`, when the coordinator kept it (its id is in no
shard); a submission with no such record is missing, and named. Without a manifest every
record in the store is rendered.
"""
from __future__ import annotations

from dataclasses import dataclass

from grader.executors.place import Place
from grader.results import SubmissionResult
from grader.store import Record, ResultStore


@dataclass
class StoredRun:
    results: list[SubmissionResult]
    missing: list[str]  # ids of the run with no record: a cancelled or failed task
    places: list[Place]
    started_at: str


def load_run(store: ResultStore, manifest=None) -> StoredRun:
    """The run's results in its submissions' order (a manifest), else every record by id."""
    if manifest is None:
        records = sorted(store.records(), key=lambda r: r.id)
        return StoredRun([r.result for r in records], [], _places(records), min((r.stored_at for r in records), default=""))
    sharded = {id_ for shard in manifest.shards for id_, _ in shard}
    chosen: list[Record] = []
    missing: list[str] = []
    for id_ in manifest.ids:
        record = store.get(id_)
        if record is not None and (record.run == manifest.run or (manifest.resume and id_ not in sharded)):
            chosen.append(record)
        else:
            missing.append(id_)
    if manifest.resume:  # like --resume on one machine: the store's other submissions are kept in the outputs
        named = set(manifest.ids)
        chosen += sorted((r for r in store.records() if r.id not in named and not r.fault), key=lambda r: r.id)
    return StoredRun([r.result for r in chosen], missing, _places(chosen), manifest.started_at)


def _places(records: list[Record]) -> list[Place]:
    found: dict[str, Place] = {}
    for record in records:
        if record.graded_on:
            place = Place.from_dict(record.graded_on)
            found.setdefault(f"{place.torch_version}|{place.devices}|{place.isolation.get('tier')}", place)
    return list(found.values())
