"""Grading one submission: run every collected check against its worker, record verdicts.

The checks run here, in the judge. They reach the learner's code only through the worker
session, so nothing the learner wrote is imported into this process.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from grader import files, notebooks
from grader.catalog import CheckSpec, collect_checks
from grader.checks import CheckFailed, LearnerClient
from grader.exercises import current as current_exercises, Exercise
from grader.feedback import describe_error, describe_location, location_of
from grader.results import GRADER_FAULT, CheckResult, ExerciseResult, Location, SubmissionResult
from grader.session import OUTPUT_CAP, WorkerLimits, WorkerSession
from grader.submission import Submission, locate_source
from grader.report.text import shown_name

LOAD_TIMEOUT_S = 10.0


def open_exercise(session: WorkerSession, submission: Submission, exercise: Exercise) -> LearnerClient:
    """Load the exercise's module once; if that fails, the client blocks every check with why."""
    blocked = None
    output = ""
    lookup = locate_source(submission.path, exercise)
    if lookup.problem:
        blocked = CheckFailed(lookup.problem, status="error", category=lookup.category)
    else:
        reply = session.call({"op": "load", "exercise": exercise.name}, timeout_s=max(LOAD_TIMEOUT_S, session.limits.call_timeout_s))
        output = reply.stdout
        if reply.crash and reply.internal:
            blocked = CheckFailed(f"the grader could not load {exercise.filename}; this is not your fault, tell your instructor ({reply.crash}).", status="error", category=GRADER_FAULT)
        elif reply.crash:
            blocked = CheckFailed(f"loading {exercise.filename} failed: {reply.crash}.", with_excerpt(location_of(None, reply.where), submission.path), status="error", category="could not be loaded")
        elif not reply.ok:
            error = reply.error or {}
            location = with_excerpt(location_of(error), submission.path)
            blocked = CheckFailed(
                f"{exercise.filename} could not be loaded: {describe_error(error)}{describe_location(location)}",
                location, status="error", category="could not be loaded",
            )
    client = LearnerClient(session, exercise.name, blocked)
    if output:
        client.output.append(output)  # printed while importing: shown with the first check
    return client


def run_check(spec: CheckSpec, client: LearnerClient, submission_dir: Path) -> CheckResult:
    result = CheckResult(id=spec.id, title=spec.title, status="passed", max_score=spec.points, device=spec.device, hidden=spec.hidden)
    if spec.skip_reason is not None:
        result.status, result.message = "skipped", spec.skip_reason
        return result
    began = time.monotonic()
    client.timeout_s = max(spec.timeout or 0, client.session.limits.call_timeout_s)
    if client.timeouts:  # code that hung once will likely hang again: don't wait as long each time
        client.timeout_s = min(client.timeout_s, client.session.limits.call_timeout_s, 1.0 if client.timeouts > 1 else client.timeout_s)
    client.last_reply = None
    try:
        if client.blocked is not None:
            raise client.blocked
        spec.function(learner=client, **spec.params)
    except CheckFailed as failure:
        result.status, result.message = failure.status, failure.message
        caveat = client.last_reply.caveat if client.last_reply else ""
        if caveat and failure.category not in (GRADER_FAULT, "not implemented yet"):
            result.message += f" ({caveat}.)"
        result.category, result.detail = failure.category, failure.detail
        result.cause = failure.cause or (f"caveat: {caveat}" if caveat else "")
        result.location = with_excerpt(failure.location or client.where, submission_dir)
    except Exception as exc:  # a bug in a check, never the learner's doing
        result.status, result.category = "error", GRADER_FAULT
        result.message = f"the grader could not finish this check; this is not your fault, tell your instructor (internal error: {type(exc).__name__}: {exc})"
    result.duration_s = time.monotonic() - began
    result.output = capped_output("".join(client.output))
    client.output = []
    return result


def capped_output(text: str) -> str:
    """A check's printed output, at most OUTPUT_CAP characters however many calls it made."""
    if len(text) <= OUTPUT_CAP:
        return text
    return text[:OUTPUT_CAP] + f"\n... [output cut: {len(text)} characters in all]"


def with_excerpt(location: Location | None, submission_dir: Path, context: int = 3) -> Location | None:
    """The location with the learner's source lines around it, read as text from their file."""
    if location is None or location.line <= 0:
        return location
    try:  # never a link, a pipe or a hard link to a file outside the submission
        path = (submission_dir / location.file).resolve()
        if not path.is_relative_to(submission_dir.resolve()):
            return location
        data = files.read_regular(path, 1_000_000)
    except (OSError, ValueError):
        return location
    if len(data) > 1_000_000:
        return location
    lines = data.decode("utf-8", errors="replace").splitlines()
    first, last = max(1, location.line - context), min(len(lines), location.line + context)
    excerpt = tuple((n, lines[n - 1][:300]) for n in range(first, last + 1))
    return dataclasses.replace(location, excerpt=excerpt, code=location.code or (lines[location.line - 1].strip()[:300] if location.line <= len(lines) else ""))


def grade_submission(
    submission: Submission, exercises: list[Exercise] | None = None, limits: WorkerLimits | None = None,
    session: WorkerSession | None = None, checks: list[CheckSpec] | None = None,
) -> SubmissionResult:
    """Grade one submission directory; never raises for anything the learner did.

    `session` may be one already started for this submission (so that its worker warms up
    while the judge does other work); it is closed here. `checks` are the collected checks,
    passed in when many submissions are graded with the same ones.
    """
    exercises = list(exercises or current_exercises())
    checks = checks if checks is not None else collect_checks(exercises)
    began = session.created_at if session else time.monotonic()
    with session or WorkerSession(submission.path, limits) as session:
        session.start()
        results = []
        for exercise in exercises:
            client = open_exercise(session, submission, exercise)
            result = ExerciseResult(name=exercise.name, error=client.blocked.message if client.blocked else "")
            result.checks = [run_check(spec, client, submission.path) for spec in checks if spec.exercise == exercise.name]
            notebooks.attach(result, submission.path)  # a notebook's cells and lines, what was not run
            results.append(result)
        timings = {
            "total_s": time.monotonic() - began,
            "worker_starts": float(session.timings.worker_starts),
            "worker_startup_s": sum(session.timings.worker_startup_s),
            "worker_calls": float(session.timings.calls),
            "worker_calls_s": session.timings.calls_s,
        }
    return SubmissionResult(
        id=submission.id, path=shown_name(str(submission.path), 4096), exercises=results, duration_s=time.monotonic() - began, timings=timings,
        notes=list(getattr(session, "notes", [])),
    )
