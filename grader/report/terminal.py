"""The terminal view: per submission and exercise a score, and each failed check explained."""
from __future__ import annotations

import textwrap

import click

from grader.report import causes, visible
from grader.report.text import terminal_safe
from grader.results import CheckResult, SubmissionResult

MARKS = {"passed": ("PASS", "green"), "failed": ("FAIL", "red"), "error": ("ERROR", "red"), "skipped": ("SKIP", "yellow")}


def _points(score: float, max_score: float) -> str:
    return f"{visible.points(score)}/{visible.points(max_score)}"


def _check_lines(check: CheckResult) -> list[str]:
    word, colour = MARKS[check.status]
    lines = [f"    {click.style(word, fg=colour, bold=True)} {terminal_safe(check.title, 1, 200)}  {_points(check.score, check.max_score)}"]
    if check.status == "passed":
        return lines
    body = terminal_safe(check.message, 10, 1500)
    for paragraph in body.splitlines():
        lines += textwrap.wrap(paragraph, width=100, initial_indent="         ", subsequent_indent="         ")
    if check.location is not None:
        where = check.location.label
        code = f"   {terminal_safe(check.location.code, 1, 120)}" if check.location.code else ""
        lines.append(f"         at {terminal_safe(where, 1, 200)}{code}")
    if check.output.strip():
        lines.append("         your code printed:")
        lines += ["           | " + line for line in terminal_safe(check.output, 8, 800).splitlines()]
    return lines


def render_submission(submission: SubmissionResult, verbose: bool = False) -> str:
    total = _points(submission.score, submission.max_score)
    head = click.style(terminal_safe(submission.id, 1, 100), bold=True)
    lines = [f"{head}  {total}" + ("  (full marks)" if submission.full_marks else "")]
    lines += [f"  note: {terminal_safe(note, 1, 400)}" for note in submission.notes]  # files left out of grading
    for exercise in submission.exercises:
        lines.append(f"  {exercise.name:<22} {_points(exercise.score, exercise.max_score)}")
        if visible.notes(exercise):
            lines.append("    notes (only definitions are graded):")
            lines += ["      " + terminal_safe(note, 1, 200) for note in visible.notes(exercise)]
        if exercise.error:
            lines += textwrap.wrap(terminal_safe(exercise.error, 5, 800), width=100, initial_indent="    ", subsequent_indent="    ")
            continue
        if verbose:
            lines += [line for check in exercise.checks if check.status == "passed" for line in _check_lines(check)]
        for explanation in causes.explained_once(exercise.checks):
            lines += _check_lines(explanation.check)
            if explanation.also:
                titles = terminal_safe(causes.titles(explanation.also), 1, 600)
                lost = visible.points(explanation.points_lost)
                count = len(explanation.also)
                lines += textwrap.wrap(f"the same reason failed {count} more check{'s' if count > 1 else ''} ({lost} points in all): {titles}", width=100,
                                       initial_indent="         ", subsequent_indent="           ")
    skipped = [c for e in submission.exercises for c in e.checks if c.status == "skipped"]
    if skipped:
        reasons = sorted({c.message.removeprefix("not run: ") for c in skipped})
        lines.append(f"  {len(skipped)} checks not run ({'; '.join(reasons)}); they count toward neither score nor maximum.")
    if verbose and submission.timings:
        t = submission.timings
        lines.append(
            f"  time: {t.get('total_s', 0):.2f} s in all; worker started {t.get('worker_starts', 0):g}x "
            f"({t.get('worker_startup_s', 0):.2f} s, mostly `import torch`), {t.get('worker_calls', 0):g} calls "
            f"({t.get('worker_calls_s', 0):.2f} s)"
        )
    return "\n".join(lines)


def _problems(submission: SubmissionResult) -> str:
    """What kept checks from running at all: an exercise not graded, time-outs, crashes."""
    notes = [f"{e.name}: not graded" for e in submission.exercises if e.error]
    for category in ("timed out", "crashed"):
        count = sum(1 for e in submission.exercises for c in e.checks if c.category == category)
        if count:
            notes.append(f"{count} {category}")
    return "; ".join(notes)


def render_table(submissions: list[SubmissionResult]) -> str:
    """The batch summary: one row per submission, a column per exercise, the total and time."""
    names = [e.name for e in submissions[0].exercises] if submissions else []
    width = max([10] + [len(terminal_safe(s.id, 1, 40)) for s in submissions])
    header = f"{'submission':<{width}}  " + "  ".join(f"{n:>19}" for n in names) + f"  {'total':>9}  {'time':>7}"
    rows = [header, "-" * len(header)]
    for s in submissions:
        cells = "  ".join(f"{_points(e.score, e.max_score):>19}" for e in s.exercises)
        row = f"{terminal_safe(s.id, 1, 40):<{width}}  {cells}  {_points(s.score, s.max_score):>9}  {s.duration_s:>6.2f}s"
        rows.append(row + (f"  {_problems(s)}" if _problems(s) else ""))
    full = sum(1 for s in submissions if s.full_marks)
    rows.append(f"{len(submissions)} submissions graded, {full} with full marks.")
    return "\n".join(rows)


def render_isolation(isolation: dict) -> str:
    """How learner code was isolated in this run, and what this machine lacks."""
    used = isolation.get("used", {})
    parts = ["separate processes, private directories, limits"]
    if used.get("landlock_abi"):
        parts.append(f"Landlock ABI {used['landlock_abi']}")
    if used.get("seccomp"):
        parts.append("seccomp")
    if used.get("namespaces"):
        parts.append("user+network namespaces")
    if used.get("cgroups"):
        parts.append("cgroups")
    lines = [f"isolation ({isolation.get('mode', 'auto')}): tier {isolation.get('tier', '?')}: " + ", ".join(parts)]
    if isolation.get("mode") == "none":
        lines.append("  --isolation none: learner code can read and write whatever this user can, and reach the network.")
    else:
        lines += [f"  not available here: {item}" for item in isolation.get("missing") or []]
    return "\n".join(lines)
