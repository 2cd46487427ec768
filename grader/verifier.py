"""The judge behind `grader.jupyter.verify`: a process of its own, started by the learner's kernel.

The kernel has already run the learner's code (and may have patched torch, `json` or
anything else), so no verdict is decided there. `verify` starts this module once per
kernel as `python -I -m grader.verifier` and keeps it: it reads one JSON request per line
on stdin and writes one JSON reply per line on the stdout it started with (anything else
printed here goes to stderr, a log file). The warm worker template is started once and kept
between requests, so a second `verify` costs a fork and the checks.

Each request names an exercise and where its code is: the cells the kernel ran (its
`In[]` history, raw) or a file. They are staged as that exercise's `NAME.ipynb` (or
`NAME.py`) beside copies of the learner's other files, then graded exactly as `grade`
grades: a worker forked from the template, in the sandbox, with the **visible** checks
only. A hidden check is never run here, so nothing it would see or say exists to be sent;
the reply counts them, nothing more, and `payload` filters hidden checks again on the way
out.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from grader.exercises import by_name, current as current_exercises, Exercise

HISTORY = "history"  # request["source"]: the kernel's In[] cells
FILE = "file"  # request["source"]: a file on disk (.py or .ipynb)
INTERRUPTED = 130


def visible_checks(specs: list) -> tuple[list, int]:
    """The checks a learner may run in their notebook, and how many hidden ones were left out."""
    shown = [spec for spec in specs if not spec.hidden]
    return shown, len(specs) - len(shown)


def history_notebook(cells: list[str]) -> dict[str, Any]:
    """A notebook whose cell k is In[k]: what the kernel ran, in the order it ran it.

    In[0] is IPython's empty placeholder, so cell numbers are execution counts: a message
    about "cell 4" is about the cell Jupyter shows as `[4]:`.
    """
    return {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": number}
            for number, source in enumerate(cells[1:], 1)
        ],
    }


def stage(request: dict[str, Any], exercise: Exercise, into: Path) -> Path:
    """A submission folder for this request: the learner's other files, and the exercise's code.

    The learner's folder (the kernel's working directory) is copied as `grade` copies a
    submission (regular files only, capped), so that helper modules and data beside the
    notebook are there; the exercise's own files in it are replaced by the code to check.
    """
    from grader.session import copy_submission

    folder = into / "submission"
    copy_submission(Path(request["folder"]), folder)
    for suffix in (".py", ".ipynb"):
        (folder / f"{exercise.name}{suffix}").unlink(missing_ok=True)
    if request["source"] == HISTORY:
        text = json.dumps(history_notebook([str(cell) for cell in request["cells"]]))
        (folder / f"{exercise.name}.ipynb").write_text(text, encoding="utf-8")
    else:
        path = Path(request["path"])
        suffix = ".ipynb" if path.suffix == ".ipynb" else ".py"
        (folder / f"{exercise.name}{suffix}").write_bytes(_read_source(path))
    return folder


def _read_source(path: Path) -> bytes:
    """The learner's file, never through a link or from a pipe (as `grade` reads one)."""
    from grader import files
    from grader.notebooks import MAX_NOTEBOOK_BYTES

    return files.read_regular(path, MAX_NOTEBOOK_BYTES)


def grade_request(request: dict[str, Any]) -> dict[str, Any]:
    """Grade one request's exercise with the visible checks; the learner-visible payload."""
    from grader.catalog import collect_checks
    from grader.runner import grade_submission
    from grader.session import WorkerLimits
    from grader.submission import Submission

    exercise = by_name().get(str(request.get("exercise")))
    if exercise is None:
        return {"problem": f"there is no exercise {str(request.get('exercise'))[:60]!r}: choose one of {', '.join(e.name for e in current_exercises())}."}
    checks, hidden = visible_checks(collect_checks([exercise]))
    with tempfile.TemporaryDirectory(prefix="grade-verify-") as scratch:
        try:
            folder = stage(request, exercise, Path(scratch))
        except OSError as exc:
            return {"problem": f"{str(request.get('path') or request.get('folder'))[:200]} cannot be read: {exc.strerror or exc}."}
        result = grade_submission(Submission("notebook", folder), [exercise], WorkerLimits(), checks=checks)
    return payload(result, hidden, from_history=request["source"] == HISTORY, shown=Path(str(request.get("path", ""))).name)


def payload(result, hidden: int, from_history: bool, shown: str = "") -> dict[str, Any]:
    """What the kernel receives: one exercise's visible checks, as plain JSON data.

    Hidden checks are filtered here too, so that a hidden check that reached the result
    some other way is still never sent.
    """
    from grader.report import causes, visible

    exercise = result.exercises[0]
    shown = [check for check in exercise.checks if not check.hidden]
    leaders = causes.followers(shown)
    relabel = _history_labels(exercise.name) if from_history else _file_labels(exercise.name, shown)
    return {
        "exercise": exercise.name,
        "score": sum(c.score for c in shown if c.counted),
        "max_score": sum(c.max_score for c in shown if c.counted),
        "error": relabel(exercise.error),
        "notes": [relabel(note) for note in _notes(visible.notes(exercise), from_history)],
        "left_out": list(result.notes),
        "hidden_not_run": hidden,
        "source": HISTORY if from_history else FILE,
        "checks": [_check(check, leaders.get(id(check)), relabel) for check in shown],
    }


def _check(check, leader, relabel) -> dict[str, Any]:
    from grader.report import visible

    location = check.location
    return {
        "id": check.id, "title": check.title, "status": check.status, "score": check.score, "max_score": check.max_score,
        "counted": check.counted, "category": check.category, "message": relabel(visible.message(check)),
        "where": relabel(visible.where(location)) if location else "", "code": location.code if location else "",
        "line": location.line if location else 0,
        "excerpt": [[number, text] for number, text in location.excerpt] if location else [],
        "output": visible.output(check), "same_cause_as": leader.title if leader is not None else "",
    }


def _history_labels(name: str):
    """`NAME.ipynb, cell 4, line 3` -> `In [4], line 3`: cells of the history are execution counts."""
    place = re.compile(rf"(?:{re.escape(name)}\.ipynb, )?\bcells? (\d+)")

    def relabel(text: str) -> str:
        return place.sub(lambda match: f"In [{match.group(1)}]", text).replace(f"{name}.ipynb", "this notebook")

    return relabel


def _file_labels(name: str, shown: str):
    """A file checked under the exercise's name (`work.ipynb` as `NAME.ipynb`) keeps its own name in messages."""
    staged = f"{name}{Path(shown).suffix}" if shown else ""

    def relabel(text: str) -> str:
        return text.replace(staged, shown) if staged and staged != shown else text

    return relabel


def _notes(notes: list[str], from_history: bool) -> list[str]:
    """In the history a cell run twice is the ordinary case, and the `verify(...)` call is no demo to list."""
    if not from_history:
        return notes
    noise = ("is defined in cells", "verify(", "the grader itself, for `verify`")
    return [note for note in notes if not any(part in note for part in noise)]


def serve(requests: TextIO, replies: TextIO) -> int:
    """Answer requests until stdin closes (the kernel exited) or SIGINT (the learner interrupted)."""
    from grader.launcher import default_launcher

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    default_launcher().start()  # the template ignores SIGINT: stopping it is ours to do
    signal.signal(signal.SIGINT, previous)
    try:
        for line in requests:
            try:
                reply = grade_request(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                reply = {"problem": f"the notebook sent a request the grader cannot read ({type(exc).__name__})."}
            replies.write(json.dumps(reply) + "\n")
            replies.flush()
    except KeyboardInterrupt:
        return INTERRUPTED
    finally:
        from grader.batch import end_template

        end_template()
    return 0


def main() -> int:
    """Replies go to the stdout this process started with; everything else printed, to stderr."""
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return serve(sys.stdin, replies)


if __name__ == "__main__":
    sys.exit(main())
