"""What the hidden suites are written with: the `check` marker, failures, and the learner client.

A suite is a pytest file whose tests take the `learner` fixture (a `LearnerClient` for
the suite's exercise), ask it for observations, and compare them with values the judge
computed itself. A test fails by raising `CheckFailed` with a message for the learner.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest
import torch

from grader.feedback import describe_error, error_category, location_of
from grader.results import GRADER_FAULT, Location
from grader.session import Reply, WorkerSession

# Every tensor check runs on the CPU, on the meta device (device bugs show without a GPU:
# grader/worker/devices.py), and on CUDA where there is a GPU.
DEVICES = [
    pytest.param("cpu", id="cpu"),
    pytest.param("meta", id="meta"),
    pytest.param("cuda", id="cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="not run: no GPU")),
]


def check(title: str, points: float = 1, timeout: float | None = None, hidden: bool = False) -> Callable:
    """Mark a test as a graded check worth `points`, shown to the learner as `title`.

    A hidden check's inputs, expected values and messages are for instructors only; the
    learner sees its title, its status and the category of its failure.
    """
    return pytest.mark.check(title=title, points=points, timeout=timeout, hidden=hidden)


class CheckFailed(Exception):
    """A check's verdict: the learner's code does not do what the contract asks."""

    def __init__(
        self, message: str, location: Location | None = None, status: str = "failed",
        category: str = "wrong result", detail: dict[str, Any] | None = None, cause: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.location = location
        self.status = status
        self.category = category
        self.detail = detail
        self.cause = cause  # checks failing with the same cause are explained once (see results.CheckResult.cause)


def fail(
    message: str, location: Location | None = None, category: str = "wrong result", detail: dict[str, Any] | None = None, cause: str = "",
) -> None:
    raise CheckFailed(message, location, category=category, detail=detail, cause=cause)


class LearnerClient:
    """The suites' view of one exercise of one submission, through the worker."""

    def __init__(self, session: WorkerSession, exercise: str, blocked: CheckFailed | None = None):
        self.session = session
        self.exercise = exercise
        self.blocked = blocked
        self.timeout_s: float | None = None
        self.timeouts = 0  # time-outs so far in this exercise: later checks then wait less
        self.last_reply: Reply | None = None
        self.output: list[str] = []

    def reply(self, probe: str, **args: Any) -> Reply:
        """Run a probe and return the raw reply (for checks that expect an exception)."""
        if self.blocked is not None:
            raise self.blocked
        reply = self.session.call({"op": "probe", "exercise": self.exercise, "probe": probe, "args": args}, self.timeout_s)
        self.last_reply = reply
        if reply.stdout:
            self.output.append(reply.stdout)
        if reply.crash and reply.internal:
            raise CheckFailed(f"the grader could not run this check; this is not your fault, tell your instructor ({reply.crash}).", status="error", category=GRADER_FAULT)
        if reply.crash:
            category = "timed out" if reply.crash.startswith("timed out") else "crashed"
            self.timeouts += category == "timed out"
            raise CheckFailed(f"{reply.crash}.", location_of(None, reply.where), category=category)
        return reply

    def probe(self, probe: str, *, context: str = "", **args: Any) -> Any:
        """Run a probe and return its value; a learner error fails the check with its message.

        `context` (e.g. "for x of shape (2, 3, 4)") is put before an error's message.
        """
        reply = self.reply(probe, **args)
        if not reply.ok:
            raise_error(reply, context)
        return reply.value

    @property
    def where(self) -> Location | None:
        return location_of(None, self.last_reply.where) if self.last_reply else None


def raise_error(reply: Reply, context: str = "") -> None:
    error = reply.error or {}
    status = "error" if error.get("kind") == "internal" else "failed"
    message = describe_error(error)
    location = location_of(error, reply.where)
    raise CheckFailed(
        f"{context}: {message}" if context else message, location, status=status, category=error_category(error), cause=error_cause(error, location),
    )


def error_cause(error: dict[str, Any], location: Location | None) -> str:
    """The same exception at the same line of the learner's code is one cause, whatever check met it."""
    if error.get("kind") not in ("exception", ""):
        return f"{error.get('kind')}: {error.get('message')}"
    if location is None or not location.line:
        return ""
    return f"{error.get('exc_type')} at {location.file}:{location.line}"
