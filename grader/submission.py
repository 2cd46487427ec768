"""Finding submissions on disk and each exercise's source file within one.

A submission is a directory. `grade PATH` grades PATH itself when it holds an exercise
file, else each of its subdirectories as one learner's submission.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.exercises import EXERCISES, Exercise

SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Submission:
    id: str
    path: Path


@dataclass(frozen=True)
class SourceLookup:
    """Where an exercise's code is in a submission, or why it cannot be graded."""

    path: Path | None
    problem: str = ""
    category: str = "file not found"  # a short name of the problem, shown for hidden checks


def _holds_exercise(directory: Path) -> bool:
    return any((directory / f"{e.name}{suffix}").is_file() for e in EXERCISES for suffix in SOURCE_SUFFIXES)


IGNORED_FOLDERS = ("__MACOSX", "__pycache__")


def _folders(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", "_")))


def files_root(directory: Path) -> Path:
    """Where a submission's files are: the directory, or its only folder when it holds them.

    Learners often hand in a folder inside the folder (an unzipped `hw1/`): that is graded
    as if its files were at the top.
    """
    if _holds_exercise(directory):
        return directory
    inner = _folders(directory)
    if len(inner) == 1 and _holds_exercise(inner[0]):
        return inner[0]
    return directory


class DuplicateSubmissions(ValueError):
    """Two submissions would share one id (the directory name), so reports would mix them up."""


def find_submissions(paths: list[Path]) -> list[Submission]:
    submissions: list[Submission] = []
    for path in paths:
        path = path.resolve()
        if _holds_exercise(files_root(path)):
            submissions.append(Submission(id=path.name, path=files_root(path)))
            continue
        for child in _folders(path):
            submissions.append(Submission(id=child.name, path=files_root(child)))
    seen: dict[str, Path] = {}
    for submission in submissions:
        if submission.id in seen:
            raise DuplicateSubmissions(f"two submissions are both named {submission.id!r}: {seen[submission.id]} and {submission.path}; give each its own name.")
        seen[submission.id] = submission.path
    return submissions


def locate_source(directory: Path, exercise: Exercise) -> SourceLookup:
    """The file to grade for `exercise`: NAME.py, or NAME.ipynb if it can be read (`notebooks.py`)."""
    candidates = [directory / f"{exercise.name}{suffix}" for suffix in SOURCE_SUFFIXES]
    present = [c for c in candidates if c.is_file()]
    if len(present) > 1:
        names = " and ".join(p.name for p in present)
        return SourceLookup(None, f"both {names} are present: keep only one of them.", "two files for one exercise")
    if not present:
        return SourceLookup(None, f"file not found: expected {exercise.filename} (or {exercise.name}.ipynb) in the submission directory.")
    if present[0].suffix == ".ipynb":
        from grader.notebooks import NotebookError, convert  # nbformat's JSON, read as data

        try:
            convert(present[0])
        except NotebookError as exc:
            return SourceLookup(None, f"{present[0].name} {exc}", "notebook could not be read")
    return SourceLookup(present[0])
