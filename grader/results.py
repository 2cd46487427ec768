"""The one result model that every report renders.

Scores are computed here, once; renderers only read them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("passed", "failed", "error", "skipped")
GRADER_FAULT = "grader error"  # a check's category when the grader itself failed


@dataclass(frozen=True)
class Location:
    """A place in the learner's own files; in a notebook, `line` counts within cell `cell`."""

    file: str
    line: int = 0
    code: str = ""
    excerpt: tuple[tuple[int, str], ...] = ()  # numbered source lines around `line`
    cell: int | None = None  # the notebook cell, numbered from 1 at the top, Markdown included

    @property
    def label(self) -> str:
        """`file:line`, or `file, cell 4, line 3` in a notebook."""
        if self.cell is not None:
            return f"{self.file}, cell {self.cell}, line {self.line}" if self.line else f"{self.file}, cell {self.cell}"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class CheckResult:
    id: str
    title: str
    status: str
    max_score: float
    message: str = ""
    location: Location | None = None
    output: str = ""
    duration_s: float = 0.0
    device: str | None = None
    hidden: bool = False
    category: str = ""  # a short, input-free name of the failure, shown for hidden checks
    detail: dict[str, Any] | None = None  # structured data behind the message (tensor diffs)
    cause: str = ""  # failures of one exercise with the same cause are explained once, in the first

    @property
    def score(self) -> float:
        return self.max_score if self.status == "passed" else 0.0

    @property
    def grader_fault(self) -> bool:
        """The grader could not finish this check: never the learner's loss."""
        return self.category == GRADER_FAULT

    @property
    def counted(self) -> bool:
        """Skipped checks (no GPU) and checks the grader could not finish count toward neither score nor maximum."""
        return self.status != "skipped" and not self.grader_fault


@dataclass
class ExerciseResult:
    name: str
    checks: list[CheckResult] = field(default_factory=list)
    error: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. a notebook's code that was not run

    @property
    def score(self) -> float:
        return sum(c.score for c in self.checks if c.counted)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks if c.counted)


@dataclass
class SubmissionResult:
    id: str
    path: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    fingerprint: str = ""  # hash of the files, grader and environment graded; used by --resume
    notes: list[str] = field(default_factory=list)  # files left out of grading and why (links, pipes, the size cap)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    @property
    def full_marks(self) -> bool:
        """All counted checks passed, and there was at least one."""
        return self.max_score > 0 and self.score == self.max_score


@dataclass
class RunResult:
    submissions: list[SubmissionResult]
    grader_version: str
    torch_version: str
    devices: list[str]
    started_at: str
    isolation: dict[str, Any] = field(default_factory=dict)  # see grader.worker.sandbox.choose

    def to_dict(self) -> dict[str, Any]:
        return {
            "grader_version": self.grader_version,
            "torch_version": self.torch_version,
            "devices": self.devices,
            "started_at": self.started_at,
            "isolation": self.isolation,
            "submissions": [submission_to_dict(s) for s in self.submissions],
        }


def _check_to_dict(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "title": check.title,
        "status": check.status,
        "score": check.score,
        "max_score": check.max_score,
        "message": check.message,
        "location": asdict(check.location) if check.location else None,
        "output": check.output,
        "device": check.device,
        "hidden": check.hidden,
        "category": check.category,
        "detail": check.detail,
        "cause": check.cause,
        "duration_s": round(check.duration_s, 4),
    }


def submission_to_dict(submission: SubmissionResult) -> dict[str, Any]:
    return {
        "id": submission.id,
        "path": submission.path,
        "score": submission.score,
        "max_score": submission.max_score,
        "duration_s": round(submission.duration_s, 3),
        "timings": {k: round(v, 3) for k, v in submission.timings.items()},
        "fingerprint": submission.fingerprint,
        "notes": list(submission.notes),
        "exercises": [
            {
                "name": e.name,
                "score": e.score,
                "max_score": e.max_score,
                "error": e.error,
                "notes": list(e.notes),
                "checks": [_check_to_dict(c) for c in e.checks],
            }
            for e in submission.exercises
        ],
    }


def submission_from_dict(data: dict[str, Any]) -> SubmissionResult:
    """Rebuild a submission's result from its JSON form (for --resume)."""

    def location(raw: dict[str, Any] | None) -> Location | None:
        if not raw:
            return None
        fields = {k: v for k, v in raw.items() if k in Location.__dataclass_fields__}
        fields["excerpt"] = tuple(tuple(pair) for pair in fields.get("excerpt", ()))
        return Location(**fields)

    def check(raw: dict[str, Any]) -> CheckResult:
        return CheckResult(
            id=raw["id"], title=raw["title"], status=raw["status"], max_score=raw["max_score"], message=raw["message"],
            location=location(raw.get("location")), output=raw.get("output", ""), duration_s=raw.get("duration_s", 0.0),
            device=raw.get("device"), hidden=raw.get("hidden", False), category=raw.get("category", ""), detail=raw.get("detail"),
            cause=raw.get("cause", ""),
        )

    return SubmissionResult(
        id=data["id"], path=data["path"], duration_s=data.get("duration_s", 0.0), timings=data.get("timings", {}),
        fingerprint=data.get("fingerprint", ""), notes=list(data.get("notes", [])),
        exercises=[
            ExerciseResult(name=e["name"], error=e.get("error", ""), checks=[check(c) for c in e["checks"]], notes=list(e.get("notes", [])))
            for e in data["exercises"]
        ],
    )
