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


def _spec(item: pytest.Item) -> CheckSpec | None:
    marker = item.get_closest_marker("check")
    if marker is None:
        return None
    exercise = item.module.EXERCISE
    params = dict(item.callspec.params) if hasattr(item, "callspec") else {}
    title = marker.kwargs["title"] + (f" [{params['device']}]" if "device" in params else "")
    return CheckSpec(
        exercise=exercise, id=f"{exercise}.{item.name.removeprefix('test_')}", title=title,
        points=float(marker.kwargs.get("points", 1)), timeout=marker.kwargs.get("timeout"),
        hidden=bool(marker.kwargs.get("hidden")), function=item.obj, params=params, skip_reason=_skip_reason(item),
    )


def collect_checks(exercises: list[Exercise]) -> list[CheckSpec]:
    """Every check of `exercises`, in suite order (collected once per process)."""
    return list(_collect(tuple(str(e.suite) for e in exercises)))


@functools.lru_cache(maxsize=None)
def _collect(suites: tuple[str, ...]) -> tuple[CheckSpec, ...]:
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
    return tuple(spec for spec in map(_spec, collector.items) if spec is not None)
