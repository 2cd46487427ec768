"""Grading one submission: start its worker, run the hidden suites in pytest, collect results.

pytest runs here, in the judge. The tests talk to the learner's code only through the
worker session, so nothing the learner wrote is imported into this process.
"""
from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

import pytest

from grader.checks import CheckFailed, LearnerClient
from grader.exercises import BY_NAME, EXERCISES, SUITES_DIR, Exercise
from grader.feedback import describe_error, location_of
from grader.results import CheckResult, ExerciseResult, Location, SubmissionResult
from grader.session import WorkerLimits, WorkerSession
from grader.submission import Submission, locate_source


def check_id(item: pytest.Item, exercise: str) -> str:
    name = item.name.removeprefix("test_")
    return f"{exercise}.{name}"


class GradingPlugin:
    """A pytest plugin that provides the `learner` fixture and records each check's verdict."""

    def __init__(self, session: WorkerSession, submission: Submission, exercises: list[Exercise]):
        self.session = session
        self.submission = submission
        self.results = {e.name: ExerciseResult(name=e.name) for e in exercises}
        self.clients: dict[str, LearnerClient] = {}
        self.current: LearnerClient | None = None

    def client_for(self, exercise: Exercise) -> LearnerClient:
        """One client per exercise; the module is loaded once and a failure blocks every check."""
        if exercise.name in self.clients:
            return self.clients[exercise.name]
        blocked = None
        lookup = locate_source(self.submission.path, exercise)
        if lookup.problem:
            blocked = CheckFailed(lookup.problem, status="error")
        else:
            reply = self.session.call({"op": "load", "exercise": exercise.name}, timeout_s=max(10.0, self.session.limits.call_timeout_s))
            if reply.crash:
                blocked = CheckFailed(f"loading {exercise.filename} failed: {reply.crash}.", status="error")
            elif not reply.ok:
                error = reply.error or {}
                blocked = CheckFailed(f"{exercise.filename} could not be loaded: {describe_error(error)}", location_of(error), status="error")
        if blocked is not None:
            self.results[exercise.name].error = blocked.message
        client = LearnerClient(self.session, exercise.name, blocked)
        if lookup.path is not None:
            client.output.append(reply.stdout)  # printed while importing: shown with the first check
        self.clients[exercise.name] = client
        return client

    @pytest.fixture
    def learner(self, request: pytest.FixtureRequest) -> LearnerClient:
        client = self.client_for(BY_NAME[request.module.EXERCISE])
        marker = request.node.get_closest_marker("check")
        client.timeout_s = marker.kwargs.get("timeout") if marker else None
        self.current = client
        if client.blocked is not None:
            raise client.blocked
        return client

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        outcome = yield
        report = outcome.get_result()
        if call.when == "call" or (call.when == "setup" and (report.failed or report.skipped)):
            self._record(item, call, report)

    def _record(self, item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> None:
        exercise = item.module.EXERCISE
        marker = item.get_closest_marker("check")
        if marker is None:
            return
        device = item.callspec.params.get("device") if hasattr(item, "callspec") else None
        title = marker.kwargs["title"] + (f" [{device}]" if device else "")
        result = CheckResult(
            id=check_id(item, exercise), title=title, status="passed", max_score=float(marker.kwargs.get("points", 1)),
            device=device, duration_s=call.duration, hidden=bool(marker.kwargs.get("hidden")),
        )
        client = self.clients.get(exercise)
        if report.skipped:
            result.status = "skipped"
            result.message = _skip_reason(report)
        elif call.excinfo is not None:
            error = call.excinfo.value
            if isinstance(error, CheckFailed):
                result.status, result.message = error.status, error.message
                result.category, result.detail = error.category, error.detail
                result.location = with_excerpt(error.location or (client.where if client else None), self.submission.path)
            else:
                result.status, result.category = "error", "grader error"
                result.message = f"internal grader error in this check: {type(error).__name__}: {error}"
        if client is not None:
            result.output = "".join(client.output)
            client.output = []
        self.results[exercise].checks.append(result)


def with_excerpt(location: Location | None, submission_dir: Path, context: int = 3) -> Location | None:
    """The location with the learner's source lines around it, read as text from their file."""
    if location is None or location.line <= 0:
        return location
    path = (submission_dir / location.file).resolve()
    if not path.is_relative_to(submission_dir.resolve()) or not path.is_file() or path.stat().st_size > 1_000_000:
        return location
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    first, last = max(1, location.line - context), min(len(lines), location.line + context)
    excerpt = tuple((n, lines[n - 1][:300]) for n in range(first, last + 1))
    return dataclasses.replace(location, excerpt=excerpt, code=location.code or (lines[location.line - 1].strip()[:300] if location.line <= len(lines) else ""))


def _skip_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return "not run"


def pytest_args(exercises: list[Exercise]) -> list[str]:
    return [
        *(str(e.suite) for e in exercises),
        "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings",
        "--rootdir", str(SUITES_DIR), "-c", str(SUITES_DIR / "pytest.ini"), "--import-mode=importlib",
    ]


def grade_submission(
    submission: Submission, exercises: list[Exercise] | None = None, limits: WorkerLimits | None = None,
    session: WorkerSession | None = None,
) -> SubmissionResult:
    """Grade one submission directory; never raises for anything the learner did.

    `session` may be one already started for this submission (so that its worker warms up
    while the judge does other work); it is closed here.
    """
    exercises = list(exercises or EXERCISES)
    began = session.created_at if session else time.monotonic()
    with session or WorkerSession(submission.path, limits) as session:
        session.start()
        plugin = GradingPlugin(session, submission, exercises)
        saved = os.environ.pop("PYTEST_ADDOPTS", None)
        try:
            pytest.main(pytest_args(exercises), plugins=[plugin])
        finally:
            if saved is not None:
                os.environ["PYTEST_ADDOPTS"] = saved
        timings = {
            "total_s": time.monotonic() - began,
            "worker_starts": float(session.timings.worker_starts),
            "worker_startup_s": sum(session.timings.worker_startup_s),
            "worker_calls": float(session.timings.calls),
            "worker_calls_s": session.timings.calls_s,
        }
    return SubmissionResult(
        id=submission.id, path=str(submission.path), exercises=[plugin.results[e.name] for e in exercises],
        duration_s=time.monotonic() - began, timings=timings,
    )
