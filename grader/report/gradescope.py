"""Gradescope's results.json for one submission (gradescope/autograder_samples docs/specs.md).

One test per check, with our score and maximum; the top-level `score` is written explicitly
(Gradescope takes it over the sum of test scores). Visible checks are `visible`. A hidden
check is `hidden` (never shown to students, always to instructors) and carries only its
title and failure category: the full message is in the run's log, `/autograder/results/
stdout`, which students do not see (`stdout_visibility: hidden`). Skipped checks (no GPU)
and checks the grader could not finish are left out of `tests` and counted in the top-level
`output`: Gradescope shows a test with no `status` as passed when its score equals its
maximum (0 of 0), and a `status` can only be passed or failed, so a check that never ran
has no honest entry there.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.report import visible
from grader.results import CheckResult, RunResult, SubmissionResult

OUTPUT_LIMIT = 8_000


def _test_output(check: CheckResult) -> str:
    if check.status == "passed":
        return ""
    parts = [visible.message(check)]
    loc = visible.location(check)
    if loc is not None:
        parts.append(f"at {visible.where(loc)}")
        parts.append(visible.excerpt(loc))
    printed = visible.output(check)
    if printed.strip():
        parts.append("Your code printed:\n" + visible.cap(printed, 2000))
    return visible.cap(visible.plain("\n\n".join(p for p in parts if p)), OUTPUT_LIMIT)


def gradescope_results(submission: SubmissionResult, execution_time: float | None = None) -> dict:
    tests = []
    for e_index, exercise in enumerate(submission.exercises, start=1):
        for c_index, check in enumerate(exercise.checks, start=1):
            if not check.counted:
                continue  # not run (no GPU), or the grader could not finish it: see the module's docstring
            tests.append({
                "number": f"{e_index}.{c_index}",
                "name": visible.plain(check.title).replace("\n", " "),
                "score": visible.number(check.score),
                "max_score": visible.number(check.max_score),
                "status": "passed" if check.status == "passed" else "failed",
                "output": _test_output(check),
                "tags": [exercise.name] + (["hidden"] if check.hidden else []),
                "visibility": "hidden" if check.hidden else "visible",
                "extra_data": {"id": check.id, "status": check.status, "category": check.category},
            })
    lines = [f"{visible.points(submission.score)}/{visible.points(submission.max_score)} points."]
    lines += [f"{e.name}: {visible.points(e.score)}/{visible.points(e.max_score)}" for e in submission.exercises]
    lines += [f"\nNote: {visible.cap(visible.plain(note), 1000)}" for note in submission.notes]  # files left out of grading
    for exercise in submission.exercises:
        if exercise.error:
            lines.append(f"\n{exercise.name} could not be graded: {visible.cap(visible.plain(exercise.error), 1000)}")
        lines += [f"\n{exercise.name}: {visible.cap(visible.plain(note), 1000)}" for note in visible.notes(exercise)]
    skipped = sum(1 for e in submission.exercises for c in e.checks if c.status == "skipped")
    if skipped:
        lines.append(f"\n{skipped} checks were not run (no GPU), so they are not listed; they count toward neither score nor maximum.")
    unfinished = sum(1 for e in submission.exercises for c in e.checks if c.grader_fault)
    if unfinished:
        lines.append(f"\n{unfinished} checks could not be finished by the grader, so they are not listed; they count toward neither score nor maximum.")
    if any(c.hidden for e in submission.exercises for c in e.checks):
        lines.append("\nSome checks are hidden until your instructor shows them; until then Gradescope hides the total.")
    return {
        "score": visible.number(submission.score),
        "execution_time": round(execution_time if execution_time is not None else submission.duration_s, 3),
        "output": "\n".join(lines),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_gradescope(run: RunResult, path: Path) -> None:
    """Write results.json for the run's one submission, atomically (temp file, then rename)."""
    if len(run.submissions) != 1:
        raise ValueError(f"Gradescope grades one submission at a time, not {len(run.submissions)}.")
    text = json.dumps(gradescope_results(run.submissions[0]), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace", newline="\n") as f:
            f.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
