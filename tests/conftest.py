"""Helpers for testing the grader: build submissions from the solutions and grade them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from grader.exercises import BY_NAME
from grader.results import SubmissionResult
from grader.runner import grade_submission
from grader.session import WorkerLimits
from grader.submission import Submission

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def make_submission(directory: Path, files: dict[str, str] | None = None, base: Path | None = SOLUTIONS) -> Path:
    """A submission directory: copies of `base`'s exercise files, then `files` written over them."""
    directory.mkdir(parents=True, exist_ok=True)
    if base is not None:
        for path in base.glob("*.py"):
            shutil.copyfile(path, directory / path.name)
    for name, text in (files or {}).items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def mutate(exercise: str, old: str, new: str) -> str:
    """The solution's source for `exercise` with `old` replaced by `new` (which must occur)."""
    source = (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")
    assert old in source, f"mutation target not found in solutions/{exercise}.py: {old!r}"
    return source.replace(old, new, 1)


def grade(directory: Path, *exercises: str, timeout: float = 5.0) -> SubmissionResult:
    chosen = [BY_NAME[name] for name in exercises] if exercises else None
    return grade_submission(Submission(directory.name, directory), chosen, WorkerLimits(call_timeout_s=timeout))


def checks_by_status(result: SubmissionResult) -> dict[str, set[str]]:
    """Check ids grouped by status, with the device suffix kept (e.g. 'my_linear.forward[cpu]')."""
    grouped: dict[str, set[str]] = {}
    for exercise in result.exercises:
        for check in exercise.checks:
            grouped.setdefault(check.status, set()).add(check.id)
    return grouped


def failed_messages(result: SubmissionResult) -> dict[str, str]:
    return {c.id: c.message for e in result.exercises for c in e.checks if c.status in ("failed", "error")}


@pytest.fixture(scope="session")
def solutions_result() -> SubmissionResult:
    return grade(SOLUTIONS)


@pytest.fixture(scope="session")
def stubs_result() -> SubmissionResult:
    return grade(EXERCISES)


@pytest.fixture(scope="session", autouse=True)
def _not_inside_github_actions():
    """`grade` writes GitHub outputs when GITHUB_ACTIONS=true: keep the suite's own CI out of it.

    Session-scoped so that it applies before module-scoped fixtures start `grade`; tests
    that simulate GitHub Actions pass their own environment.
    """
    names = ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE")
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    yield
    os.environ.update(saved)
