"""Where a batch is graded: `--executor local` (judge processes here), `dask://HOST:PORT`, `slurm`.

Every executor grades with the same judge code (`grader.batch._graded`: one warm template per
judge, one sandboxed worker per submission) and hands back `SubmissionResult`s; what differs
is where the judges live. `BatchRun` is the part they share: results kept by `--resume`
first, then the executor's, with grader faults retried (`retry.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

from grader.executors.place import Place
from grader.results import SubmissionResult
from grader.submission import Submission

KINDS = ("local", "dask", "slurm")


class ExecutorSpecError(ValueError):
    """`--executor` names no executor this grader has."""


@dataclass(frozen=True)
class ExecutorSpec:
    kind: str  # one of KINDS
    address: str = ""  # dask: the scheduler, tcp://HOST:PORT

    @classmethod
    def parse(cls, text: str) -> "ExecutorSpec":
        if text in ("local", "slurm"):
            return cls(text)
        if text.startswith("dask://"):
            rest = text[len("dask://"):]
            host, _, port = rest.rpartition(":")
            if not host or not port.isdigit():
                raise ExecutorSpecError(f"--executor {text}: expected dask://HOST:PORT, the address of a Dask scheduler (e.g. dask://127.0.0.1:8786).")
            return cls("dask", f"tcp://{rest}")
        raise ExecutorSpecError(f"--executor {text}: expected local, dask://HOST:PORT or slurm.")


@dataclass(frozen=True)
class Lost:
    """A submission the executor could not bring back (a judge process or a node died while grading it)."""

    why: str


Outcome = SubmissionResult | Lost


class Executor(Protocol):
    """Grades (index, submission) pairs; yields (index, outcome) as they finish, each index once."""

    def places(self) -> list[Place]: ...

    def grade(self, jobs: list[tuple[int, Submission]]) -> Iterator[tuple[int, Outcome]]: ...

    def stop(self) -> list[tuple[int, SubmissionResult]]: ...

    def signal_judges(self) -> None: ...

    def close(self) -> None: ...
