"""Finding submissions on disk and each exercise's source file within one.

A submission is a directory. `grade PATH` grades PATH itself when it holds an exercise
file, else each of its subdirectories as one learner's submission.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from grader import files
from grader.exercises import current as current_exercises, Exercise
from grader.report.text import shown_name

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
    """Whether an exercise file is there in any form (a link or a pipe too, reported when graded)."""
    return any(files.lstat(directory / f"{e.name}{suffix}") is not None for e in current_exercises() for suffix in SOURCE_SUFFIXES)


IGNORED_FOLDERS = ("__MACOSX", "__pycache__")


def _is_folder(path: Path) -> bool:
    info = files.lstat(path)
    return info is not None and stat.S_ISDIR(info.st_mode)


def _folders(directory: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [directory / n for n in names if not n.startswith((".", "_")) and _is_folder(directory / n)]


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


def submission_id(path: Path) -> str:
    """The directory's name as every report shows it: bytes that are not UTF-8, bidi controls
    and newlines escaped (`bob\\xff`), so that an id is always one line of inert text."""
    return shown_name(path.name, 255)


def find_submissions(paths: list[Path]) -> list[Submission]:
    """Each path that holds exercise files is a submission, else each of its folders is one.

    A folder named beside others that holds neither is a submission too (graded as empty,
    so that it appears in every report with the reason), never silently dropped; named
    alone, it finds nothing (a usage error: the wrong folder, most likely).
    """
    submissions: list[Submission] = []
    for path in paths:
        path = path.resolve()
        if _holds_exercise(files_root(path)):
            submissions.append(Submission(id=submission_id(path), path=files_root(path)))
            continue
        children = _folders(path)
        if not children and len(paths) > 1:
            submissions.append(Submission(id=submission_id(path), path=path))
        for child in children:
            submissions.append(Submission(id=submission_id(child), path=files_root(child)))
    seen: dict[str, Path] = {}
    for submission in submissions:
        if submission.id in seen:
            raise DuplicateSubmissions(
                f"two submissions are both named {submission.id!r}: {shown_name(str(seen[submission.id]))} and "
                f"{shown_name(str(submission.path))}; give each its own name."
            )
        seen[submission.id] = submission.path
    return submissions


def locate_source(directory: Path, exercise: Exercise) -> SourceLookup:
    """The file to grade for `exercise`: NAME.py, or NAME.ipynb if it can be read (`notebooks.py`).

    A link, a pipe, a device or a hard link in its place is never opened: the learner is
    told what it is, by name.
    """
    candidates = [directory / f"{exercise.name}{suffix}" for suffix in SOURCE_SUFFIXES]
    present = [(c, info) for c in candidates if (info := files.lstat(c)) is not None]
    if len(present) > 1:
        names = " and ".join(p.name for p, _ in present)
        return SourceLookup(None, f"both {names} are present: keep only one of them.", "two files for one exercise")
    if not present:
        return SourceLookup(None, f"file not found: expected {exercise.filename} (or {exercise.name}.ipynb) in the submission directory.")
    path, info = present[0]
    reason = files.problem(info)
    if reason:
        return SourceLookup(None, f"{path.name} {reason}.", "not a regular file")
    if path.suffix == ".ipynb":
        from grader.notebooks import NotebookError, convert  # nbformat's JSON, read as data

        try:
            convert(path)
        except NotebookError as exc:
            return SourceLookup(None, f"{path.name} {exc}", "notebook could not be read")
    return SourceLookup(path)
