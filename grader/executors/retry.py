"""A batch over any executor: kept results first, then graded ones, grader faults retried.

A grader fault is the grader's failure, never the learner's: a check that ended in category
"grader error" (the template died, a check raised), a sandbox that could not be set up (the
worker exited with status 70), or a submission whose judge process or node was lost. Such a
submission is graded again, up to `retries` more times, in a fresh round (fresh judges); if
it still fails, its result is stored marked `fault`, with the failed checks in category
"grader error" so that they count toward neither score nor maximum and `grade` exits 3,
and `--resume` grades it again next time.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Iterator

from grader.exercises import Exercise
from grader.executors import Executor, Lost, Outcome
from grader.results import GRADER_FAULT, CheckResult, ExerciseResult, SubmissionResult
from grader.submission import Submission

DEFAULT_RETRIES = 2
SANDBOX_FAILED = "the grader could not set up the sandbox"  # grader.session.describe_exit(70)


def _sandbox_failed(text: str) -> bool:
    return SANDBOX_FAILED in text


def is_grader_fault(result: SubmissionResult) -> bool:
    """Whether any part of this result is the grader's failure rather than a verdict on the code."""
    return any(e.error and _sandbox_failed(e.error) for e in result.exercises) or any(
        c.grader_fault or _sandbox_failed(c.message) for e in result.exercises for c in e.checks)


def as_fault(result: SubmissionResult) -> SubmissionResult:
    """The result with every check the sandbox failure cost put in category "grader error" (not counted)."""
    for exercise in result.exercises:
        for check in exercise.checks:
            if _sandbox_failed(check.message) and not check.grader_fault:
                check.status, check.category = "error", GRADER_FAULT
    return result


def lost_result(submission: Submission, exercises: list[Exercise], why: str) -> SubmissionResult:
    """What is reported for a submission no judge brought back: every check a grader fault, with why."""
    from grader.catalog import collect_checks

    message = f"the grader lost this submission; this is not your fault, tell your instructor ({why})"
    checks = collect_checks(exercises)
    return SubmissionResult(id=submission.id, path=str(submission.path), exercises=[
        ExerciseResult(name=e.name, error=message, checks=[
            CheckResult(id=spec.id, title=spec.title, status="error", max_score=spec.points, message=message, category=GRADER_FAULT, device=spec.device)
            for spec in checks if spec.exercise == e.name and spec.skip_reason is None
        ]) for e in exercises
    ])


@dataclasses.dataclass
class Attempts:
    count: int = 0
    fault: bool = False


class BatchRun:
    """Iterate over (index, result): kept ones, then each graded one once, after its retries.

    `stop()` and `signal_judges()` reach the executor's current round (Ctrl-C, grader.cli).
    """

    def __init__(self, executor: Executor, submissions: list[Submission], exercises: list[Exercise],
                 reuse: Callable[[Submission], SubmissionResult | None], retries: int = DEFAULT_RETRIES):
        self.executor, self.submissions, self.exercises = executor, submissions, exercises
        self.reuse, self.retries = reuse, max(0, retries)
        self.attempts: dict[int, Attempts] = {}
        self.retried = 0  # gradings repeated for a grader fault, over the whole batch

    def __iter__(self) -> Iterator[tuple[int, SubmissionResult]]:
        pending: list[tuple[int, Submission]] = []
        for index, submission in enumerate(self.submissions):
            kept = self.reuse(submission)
            if kept is not None:
                yield index, kept
            else:
                pending.append((index, submission))
        by_index = dict(pending)
        while pending:
            again: list[tuple[int, Submission]] = []
            for index, outcome in self.executor.grade(pending):
                attempt = self.attempts.setdefault(index, Attempts())
                attempt.count += 1
                if self._faulty(outcome) and attempt.count <= self.retries:
                    again.append((index, by_index[index]))
                    continue
                yield index, self._final(index, by_index[index], outcome)
            self.retried += len(again)
            pending = again

    @staticmethod
    def _faulty(outcome: Outcome) -> bool:
        return isinstance(outcome, Lost) or is_grader_fault(outcome)

    def _final(self, index: int, submission: Submission, outcome: Outcome) -> SubmissionResult:
        if isinstance(outcome, Lost):
            outcome = lost_result(submission, self.exercises, outcome.why)
        if is_grader_fault(outcome):
            self.attempts.setdefault(index, Attempts()).fault = True
            outcome = as_fault(outcome)
        return outcome

    def fault(self, index: int) -> bool:
        return index in self.attempts and self.attempts[index].fault

    def tries(self, index: int) -> int:
        return self.attempts[index].count if index in self.attempts else 0

    def stop(self) -> list[tuple[int, SubmissionResult]]:
        finished = []
        for index, result in self.executor.stop():
            self.attempts.setdefault(index, Attempts()).count += 1
            finished.append((index, self._final(index, self.submissions[index], result)))
        return finished

    def signal_judges(self) -> None:
        self.executor.signal_judges()

    def close(self) -> None:
        self.executor.close()
