"""`--executor local`: today's `--jobs N` judge processes on this machine (`grader.batch.GradeMany`)."""
from __future__ import annotations

import concurrent.futures.process
import signal
from typing import Iterator

from grader.batch import GradeMany
from grader.exercises import Exercise
from grader.executors import Lost, Outcome
from grader.executors.place import Place, here
from grader.results import SubmissionResult
from grader.session import WorkerLimits
from grader.submission import Submission


class LocalExecutor:
    def __init__(self, exercises: list[Exercise], limits: WorkerLimits, jobs: int, isolation: str, isolation_report: dict | None = None):
        self.exercises, self.limits, self.jobs, self.isolation = exercises, limits, jobs, isolation
        self.isolation_report = isolation_report
        self.current: GradeMany | None = None
        self._indices: list[int] = []

    def places(self) -> list[Place]:
        return [here(self.isolation, self.isolation_report)]

    def grade(self, jobs: list[tuple[int, Submission]]) -> Iterator[tuple[int, Outcome]]:
        """One round of GradeMany; a judge process that dies (killed, out of memory) loses its pool's unfinished work."""
        self._indices = [index for index, _ in jobs]
        if self.jobs <= 1 or len(jobs) == 1:  # graded in this process (a retry of one, say): our template, our isolation
            _start_template(self.isolation)
        self.current = GradeMany([s for _, s in jobs], self.exercises, self.limits, self.jobs, lambda s: None, self.isolation)
        taken: set[int] = set()
        try:
            for position, result in self.current:
                taken.add(position)
                yield self._indices[position], result
        except concurrent.futures.process.BrokenProcessPool as exc:
            for position, index in enumerate(self._indices):
                if position not in taken:
                    yield index, Lost(f"a judge process died while grading ({exc})")

    def stop(self) -> list[tuple[int, SubmissionResult]]:
        if self.current is None:
            return []
        return [(self._indices[position], result) for position, result in self.current.stop()]

    def signal_judges(self) -> None:
        if self.current is not None:
            self.current.signal_judges()

    def close(self) -> None:
        pass


def _start_template(isolation: str) -> None:
    """This process's template for `isolation`, started with SIGINT ignored (it inherits that: Ctrl-C is the judge's)."""
    from grader import launcher

    chosen = launcher.default_launcher(isolation)
    if chosen._process is None:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            chosen.start()
        finally:
            signal.signal(signal.SIGINT, previous)
