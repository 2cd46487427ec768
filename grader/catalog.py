"""The hidden suites' checks, collected once per run with pytest's own collection.

pytest finds the tests, their `check` markers, their parametrization (devices) and their
skip conditions; the runner then calls each check function directly for every submission.
That keeps the suites ordinary pytest files while costing microseconds per check instead
of a pytest session per submission. A check function takes the `learner` fixture and its
own parameters, nothing else.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from grader.exercises import SUITES_DIR, Exercise


@dataclass(frozen=True)
class CheckSpec:
    exercise: str
    id: str
    title: str
    points: float
    timeout: float | None
    hidden: bool
    function: Callable[..., Any]
    params: dict[str, Any] = field(default_factory=dict)
    skip_reason: str | None = None

    @property
    def device(self) -> str | None:
        return self.params.get("device")


class CollectionError(Exception):
    """The hidden suites themselves are broken (a grader bug, never a learner's)."""


class _Collector:
    def __init__(self) -> None:
        self.items: list[pytest.Item] = []
        self.errors: list[str] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(str(report.longrepr))


def _skip_reason(item: pytest.Item) -> str | None:
    """Why pytest would skip this check, from boolean skipif/skip marks (the only forms suites use)."""
    for mark in item.iter_markers("skipif"):
        condition = mark.args[0] if mark.args else mark.kwargs.get("condition")
        if type(condition) is not bool:
            raise CollectionError(f"{item.nodeid}: a skipif condition must be a bool, not {condition!r}")
        if condition:
            return str(mark.kwargs.get("reason", "not run"))
    for mark in item.iter_markers("skip"):
        return str(mark.kwargs.get("reason", mark.args[0] if mark.args else "not run"))
    return None


def _spec(item: pytest.Item, exercises: dict[str, str], points: dict[str, float]) -> CheckSpec | None:
    """A collected test as a check: its exercise is the one whose suite file it is in."""
    marker = item.get_closest_marker("check")
    if marker is None:
        return None
    exercise = exercises[str(Path(str(item.path)).resolve())]
    params = dict(item.callspec.params) if hasattr(item, "callspec") else {}
    title = marker.kwargs["title"] + (f" [{params['device']}]" if "device" in params else "")
    check_id = f"{exercise}.{item.name.removeprefix('test_')}"
    worth = points.get(check_id, points.get(check_id.split("[", 1)[0], marker.kwargs.get("points", 1)))  # the pack's [points] first
    return CheckSpec(
        exercise=exercise, id=check_id, title=title,
        points=float(worth), timeout=marker.kwargs.get("timeout"),
        hidden=bool(marker.kwargs.get("hidden")), function=item.obj, params=params, skip_reason=_skip_reason(item),
    )


def collect_checks(exercises: list[Exercise]) -> list[CheckSpec]:
    """Every check of `exercises`, in suite order (collected once per process), with the active pack's points."""
    from grader import pack

    points = tuple(sorted(pack.active().points.items()))
    return list(_collect(tuple((e.name, str(e.suite.resolve())) for e in exercises), points))


@functools.lru_cache(maxsize=None)
def _collect(named_suites: tuple[tuple[str, str], ...], points: tuple[tuple[str, float], ...] = ()) -> tuple[CheckSpec, ...]:
    exercises = {path: name for name, path in named_suites}
    suites = tuple(path for _, path in named_suites)
    collector = _Collector()
    args = [
        *suites, "--collect-only", "-p", "no:cacheprovider", "-p", "no:terminal",
        "--rootdir", str(SUITES_DIR), "-c", str(SUITES_DIR / "pytest.ini"), "--import-mode=importlib",
    ]
    saved = os.environ.pop("PYTEST_ADDOPTS", None)
    try:
        pytest.main(args, plugins=[collector])
    finally:
        if saved is not None:
            os.environ["PYTEST_ADDOPTS"] = saved
    if collector.errors:
        raise CollectionError("the hidden suites could not be collected:\n" + "\n".join(collector.errors))
    specs = (_spec(item, exercises, dict(points)) for item in collector.items)
    return tuple(spec for spec in specs if spec is not None)
