"""The exercises being graded: the active pack's (grader/pack.py), by default the built-in one.

An `Exercise` is plain data (names and paths), so that it travels to judge processes and
workers; what its files mean is `grader.pack`'s business. `current()` is read at use
time, never at import time: `grade --pack DIR` activates another pack after the grader's
modules are imported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITES_DIR = Path(__file__).resolve().parent / "suites"  # the judge's pytest.ini for every pack's suites


@dataclass(frozen=True)
class Exercise:
    name: str  # the learner's module, NAME.py
    class_name: str
    folder: Path | None = None  # the pack's folder for this exercise (suite.py, probes.py, ...)
    solution_path: Path | None = None
    text_path: Path | None = None
    forbid: tuple[str, ...] = ()  # worker traps while its probes run (grader/worker/traps.py)
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.py"

    @property
    def suite(self) -> Path:
        assert self.folder is not None, f"exercise {self.name} belongs to no pack"
        return self.folder / "suite.py"

    @property
    def probes(self) -> Path:
        assert self.folder is not None, f"exercise {self.name} belongs to no pack"
        return self.folder / "probes.py"

    @property
    def feedback(self) -> Path | None:
        path = self.folder / "feedback.py" if self.folder is not None else None
        return path if path is not None and path.is_file() else None


def current() -> tuple[Exercise, ...]:
    """The active pack's exercises, in the pack's order."""
    from grader import pack

    return pack.active().exercises


def by_name() -> dict[str, Exercise]:
    return {exercise.name: exercise for exercise in current()}


def __getattr__(name: str) -> Any:
    """`EXERCISES` and `BY_NAME`, as of now (kept for code that reads them once, such as tests)."""
    if name == "EXERCISES":
        return current()
    if name == "BY_NAME":
        return by_name()
    raise AttributeError(name)
