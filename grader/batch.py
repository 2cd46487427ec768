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
import signal
import time
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
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ini", ".json", ".j2", ".toml", ".md") and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    from grader import pack

    digest.update(pack.active().fingerprint().encode())  # the pack's suites, probes, rules and solutions
    return digest.hexdigest()


MAX_FINGERPRINT_BYTES = 50 * 1024 * 1024  # as much as session.copy_submission copies


def submission_fingerprint(submission: Submission, exercises: list[Exercise], grader_hash: str, environment: str) -> str:
    """Same fingerprint = same files, same grader, same exercises, same torch and devices.

    The files are the regular ones `copy_submission` copies, read through `grader.files`
    (no link followed, no pipe opened); names are hashed as bytes, whatever their encoding.
    """
    from grader import files

    digest = hashlib.sha256(f"{grader_hash}\0{environment}\0{','.join(e.name for e in exercises)}".encode())
    tree = files.scan(submission.path)
    for path, why in tree.left_out:
        digest.update(os.fsencode(path) + b"\0" + why.encode() + b"\0")
    read = 0
    try:
        root = os.open(submission.path, files.DIR_FLAGS)
    except OSError:
        return digest.hexdigest()
    try:
        for entry in tree.files:
            digest.update(os.fsencode(entry.relative) + b"\0")
            read += _hash_file(digest, root, entry, MAX_FINGERPRINT_BYTES - read)
            if read > MAX_FINGERPRINT_BYTES:
                break
            digest.update(b"\0")
    finally:
        os.close(root)
    return digest.hexdigest()


def _hash_file(digest, root: int, entry, budget: int) -> int:
    """Hash one file's bytes, at most `budget` + 1 of them; how many were read (0 if it cannot be)."""
    from grader import files

    try:
        folder = files.open_parent(root, entry.parts)
        try:
            data = files.read_regular(entry.parts[-1], max(0, budget), dir_fd=folder)
        finally:
            os.close(folder)
    except OSError:
        digest.update(b"unreadable")
        return 0
    digest.update(data)
    return len(data)


# -- one judge process ------------------------------------------------------------------

_exercises: list[Exercise] = []
_limits: WorkerLimits | None = None


class _Stopped(BaseException):
    """SIGTERM in a judge process: the batch was interrupted; unwind (closing the worker), then exit."""


_busy = False  # grading a submission (then SIGTERM unwinds it first), or waiting for one


def end_template() -> None:
    """Kill this process's template, once no worker of it is left (still importing torch, say):
    it would otherwise outlive an interrupted run by the seconds its import takes."""
    from grader import launcher

    process = getattr(launcher._default, "_process", None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(1)


def _stop_judge(signum, frame) -> None:
    if not _busy:
        end_template()
        os._exit(0)
    raise _Stopped()


def _start_judge(exercises: list[Exercise], limits: WorkerLimits, isolation: str) -> None:
    """Pool initializer: a fresh launcher (never the parent's template) and the checks.

    Ctrl-C is the parent's to handle: this process and its template ignore SIGINT (the
    template inherits that), and the parent stops this one with SIGTERM.
    """
    global _exercises, _limits
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_judge)
    from grader import launcher
    from grader.catalog import collect_checks

    launcher._default = None
    launcher.default_launcher(isolation).start()
    _exercises, _limits = exercises, limits
    collect_checks(exercises)


def _grade_one(submission: Submission) -> SubmissionResult:
    global _busy
    from grader.catalog import collect_checks

    _busy = True
    try:
        return _graded(submission, _exercises, _limits, collect_checks(_exercises))
    except _Stopped:  # the session's worker is reaped by now
        end_template()
        os._exit(0)
    finally:
        _busy = False


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


STOP_GRACE_S = 1.0  # after SIGTERM, how long a judge process has to reap its worker before SIGKILL


class GradeMany:
    """Iterate over (index, result) as submissions finish; `stop()` ends the batch at once.

    `stop` (after Ctrl-C) stops every judge process, which reaps its worker on the way out,
    and returns the results that had finished but not been taken yet, so none is lost.
    """

    def __init__(self, submissions: list[Submission], exercises: list[Exercise], limits: WorkerLimits, jobs: int,
                 reuse: Callable[[Submission], SubmissionResult | None], isolation: str):
        self.submissions, self.exercises, self.limits, self.jobs = submissions, exercises, limits, jobs
        self.reuse, self.isolation = reuse, isolation
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.futures: dict[concurrent.futures.Future, int] = {}
        self.taken: set[int] = set()

    def __iter__(self) -> Iterator[tuple[int, SubmissionResult]]:
        pending: list[tuple[int, Submission]] = []
        for index, submission in enumerate(self.submissions):
            kept = self.reuse(submission)
            if kept is not None:
                yield index, kept
            else:
                pending.append((index, submission))
        if not pending:
            return
        if self.jobs <= 1 or len(pending) == 1:
            from grader.catalog import collect_checks

            checks = collect_checks(self.exercises)
            for index, submission in pending:
                yield index, _graded(submission, self.exercises, self.limits, checks)
            return
        # "fork" shares the judge's imported torch and pytest with each judge process for free.
        context = multiprocessing.get_context("fork")
        self.pool = concurrent.futures.ProcessPoolExecutor(
            min(self.jobs, len(pending)), mp_context=context, initializer=_start_judge, initargs=(self.exercises, self.limits, self.isolation),
        )
        self.futures = {self.pool.submit(_grade_one, submission): index for index, submission in pending}
        try:
            for future in concurrent.futures.as_completed(self.futures):
                self.taken.add(self.futures[future])
                yield self.futures[future], future.result()
        except BaseException:
            self._halt()
            raise
        self.pool.shutdown(wait=True)
        self.pool = None

    def signal_judges(self, signum: int = signal.SIGTERM) -> None:
        """Send the judge processes a signal without waiting (a second Ctrl-C: they clean up on their own)."""
        pool = self.pool
        for process in list((getattr(pool, "_processes", None) or {}).values()) if pool is not None else []:
            try:
                os.kill(process.pid, signum)
            except OSError:
                pass

    def _halt(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            _terminate(processes)

    def stop(self) -> list[tuple[int, SubmissionResult]]:
        """Stop the judge processes now; the finished results not yet taken."""
        self._halt()
        finished = []
        for future, index in self.futures.items():
            if index not in self.taken and future.done() and not future.cancelled() and future.exception() is None:
                self.taken.add(index)
                finished.append((index, future.result()))
        return finished


def _terminate(processes: list) -> None:
    """SIGTERM, a moment to reap their workers, then SIGKILL for any still there."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            templates = _children(process.pid)
            process.kill()
            process.join(0.5)
            for pid in templates:  # one without workers (still importing torch) would outlive us by seconds
                if not _children(pid):
                    _kill(pid)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc; none elsewhere)."""
    try:
        return [int(c) for task in os.listdir(f"/proc/{pid}/task") for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        return []


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def grade_many(
    submissions: list[Submission], exercises: list[Exercise], limits: WorkerLimits, jobs: int,
    reuse: Callable[[Submission], SubmissionResult | None] = lambda s: None, isolation: str = "auto",
) -> GradeMany:
    """(index, result) as submissions finish; `reuse` returns results kept from a previous run."""
    return GradeMany(submissions, exercises, limits, jobs, reuse, isolation)
