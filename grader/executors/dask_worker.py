"""The judge inside a Dask worker process: one per process, created by its first task, kept for its lifetime.

A Dask worker is a daemonic process, so it may not start `multiprocessing` children; the
warm template is started as `grader.launcher` always starts it, with `subprocess` (fork and
exec of a fresh `python -m grader.worker.template`), which a daemonic process may do. The
template forks the sandboxed workers itself, outside the Dask worker. When the Dask worker
dies, the template sees its control socket close, reaps its workers and exits.

This module is imported on the workers (by reference from the pickled task), never the
other way round: nothing here imports Dask. Run the workers with one thread each
(`dask worker --nthreads 1`): a judge grades one submission at a time.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.executors.place import Place, here
from grader.session import WorkerLimits


@dataclass
class Judge:
    exercises: list
    limits: WorkerLimits
    isolation: str
    checks: list
    place: Place
    grader_hash: str


_launchers: dict[str, Any] = {}  # isolation mode -> this process's Launcher (its warm template)
_judges: dict[tuple, Judge] = {}


def _launcher(isolation: str):
    """This process's launcher for `isolation`, made the process default so that sessions use it."""
    from grader import launcher

    if isolation not in _launchers:
        _launchers[isolation] = launcher.Launcher(isolation)
        import atexit

        atexit.register(_launchers[isolation].close)
    launcher._default = _launchers[isolation]
    return _launchers[isolation]


def start_template(isolation: str, pack: str | None = None) -> int:
    """Start the template now (it imports torch while the first chunk is on its way); this process's pid."""
    _use(pack, isolation)
    _launcher(isolation).start()
    return os.getpid()


def _use(pack: str | None, isolation: str) -> None:
    """The coordinator's pack; a template started for another pack is replaced (it imported that pack's probes)."""
    from grader.executors.place import pack_root, use_pack

    if pack_root() != pack:
        use_pack(pack)
        old = _launchers.pop(isolation, None)
        if old is not None:
            old.close()
        _judges.clear()


def judge(exercises: list, limits: WorkerLimits, isolation: str) -> Judge:
    """`exercises` arrive as the coordinator's `Exercise`s (plain data: names and the paths of their suites)."""
    key = (repr(exercises), repr(limits), isolation)
    if key not in _judges:
        from grader.batch import grader_fingerprint
        from grader.catalog import collect_checks

        _launcher(isolation).start()
        _judges[key] = Judge(list(exercises), limits, isolation, collect_checks(list(exercises)), here(isolation), grader_fingerprint())
    _launcher(isolation)
    return _judges[key]


def grader_hash(pack: str | None = None, isolation: str = "auto") -> str:
    """This worker's grader code and suites, with the coordinator's pack (batch.grader_fingerprint): it must be the coordinator's."""
    from grader.batch import grader_fingerprint

    _use(pack, isolation)
    return grader_fingerprint()


def describe(isolation: str) -> dict[str, Any]:
    """Where this worker grades (for --resume's expected fingerprints)."""
    return here(isolation).to_dict()


def grade_chunk(items: list[tuple[int, str, str]], exercises: list, limits: WorkerLimits, isolation: str, pack: str | None = None) -> dict[str, Any]:
    """Grade (index, id, path) items one after another; their results as plain dicts, fingerprinted here.

    The files are read from `path` on this machine: the submissions must be on a file
    system that every worker sees at the same path.
    """
    from grader.batch import _graded, submission_fingerprint
    from grader.results import submission_to_dict
    from grader.submission import Submission

    _use(pack, isolation)
    current = judge(exercises, limits, isolation)
    environment = current.place.environment(limits)
    results = []
    for index, submission_id, path in items:
        submission = Submission(submission_id, Path(path))
        fingerprint = submission_fingerprint(submission, current.exercises, current.grader_hash, environment)
        result = _graded(submission, current.exercises, current.limits, current.checks)
        result.fingerprint = fingerprint
        results.append((index, submission_to_dict(result)))
    return {"place": current.place.to_dict(), "pid": os.getpid(), "results": results}
