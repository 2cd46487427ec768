"""Grading many submissions: in parallel judge processes, with progress, resumable.

Each judge process has its own warm template (`grader.launcher`), so a submission costs a
fork and its checks, not an interpreter and an `import torch`. Results come back as the
result model; nothing learner-controlled crosses between judge processes.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
from pathlib import Path
from typing import Callable, Iterator

import grader
from grader.exercises import Exercise
from grader.results import SubmissionResult
from grader.session import WorkerLimits
from grader.submission import Submission


def grader_fingerprint() -> str:
    """A hash of the grader's own code and suites, so that a changed check invalidates --resume."""
    root = Path(grader.__file__).resolve().parent
    digest = hashlib.sha256(grader.__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ini", ".json", ".j2") and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


MAX_FINGERPRINT_BYTES = 50 * 1024 * 1024  # as much as session.copy_submission copies


def submission_fingerprint(submission: Submission, exercises: list[Exercise], grader_hash: str, environment: str) -> str:
    """Same fingerprint = same files, same grader, same exercises, same torch and devices."""
    digest = hashlib.sha256(f"{grader_hash}\0{environment}\0{','.join(e.name for e in exercises)}".encode())
    read = 0
    for folder, dirnames, filenames in os.walk(submission.path, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and not name.startswith("."):
                digest.update(str(path.relative_to(submission.path)).encode() + b"\0")
                with open(path, "rb") as handle:  # in chunks, and no further than the grader copies
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
                        read += len(chunk)
                        if read > MAX_FINGERPRINT_BYTES:
                            return digest.hexdigest()
                digest.update(b"\0")
    return digest.hexdigest()


# -- one judge process ------------------------------------------------------------------

_exercises: list[Exercise] = []
_limits: WorkerLimits | None = None


def _start_judge(exercises: list[Exercise], limits: WorkerLimits, isolation: str) -> None:
    """Pool initializer: a fresh launcher (never the parent's template) and the checks."""
    global _exercises, _limits
    from grader import launcher
    from grader.catalog import collect_checks

    launcher._default = None
    launcher.default_launcher(isolation).start()
    _exercises, _limits = exercises, limits
    collect_checks(exercises)


def _grade_one(submission: Submission) -> SubmissionResult:
    from grader.catalog import collect_checks

    return _graded(submission, _exercises, _limits, collect_checks(_exercises))


def _graded(submission: Submission, exercises: list[Exercise], limits: WorkerLimits | None, checks: list) -> SubmissionResult:
    """One submission's result; a grader fault costs only this submission, reported as such."""
    from grader.runner import grade_submission

    try:
        return grade_submission(submission, exercises, limits, checks=checks)
    except Exception as exc:
        import traceback

        traceback.print_exc()
        from grader.results import CheckResult, ExerciseResult

        message = f"the grader failed on this submission; this is not your fault, tell your instructor (internal error: {type(exc).__name__}: {exc})"
        return SubmissionResult(id=submission.id, path=str(submission.path), exercises=[
            ExerciseResult(name=e.name, error=message, checks=[
                CheckResult(id=spec.id, title=spec.title, status="error", max_score=spec.points, message=message, category="grader error", device=spec.device)
                for spec in checks if spec.exercise == e.name and spec.skip_reason is None
            ]) for e in exercises
        ])


def grade_many(
    submissions: list[Submission], exercises: list[Exercise], limits: WorkerLimits, jobs: int,
    reuse: Callable[[Submission], SubmissionResult | None] = lambda s: None, isolation: str = "auto",
) -> Iterator[tuple[int, SubmissionResult]]:
    """Yield (index, result) as submissions finish; `reuse` returns results kept from a previous run."""
    pending: list[tuple[int, Submission]] = []
    for index, submission in enumerate(submissions):
        kept = reuse(submission)
        if kept is not None:
            yield index, kept
        else:
            pending.append((index, submission))
    if not pending:
        return
    if jobs <= 1 or len(pending) == 1:
        from grader.catalog import collect_checks

        checks = collect_checks(exercises)
        for index, submission in pending:
            yield index, _graded(submission, exercises, limits, checks)
        return
    # "fork" shares the judge's imported torch and pytest with each judge process for free.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(min(jobs, len(pending)), mp_context=context, initializer=_start_judge, initargs=(exercises, limits, isolation)) as pool:
        futures = {pool.submit(_grade_one, submission): index for index, submission in pending}
        for future in concurrent.futures.as_completed(futures):
            yield futures[future], future.result()
