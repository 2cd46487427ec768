"""What a learner may see of a check in outputs they can read (CI logs, annotations, LMS pages).

A hidden check's inputs, expected values and messages are for instructors only. In a
learner-visible output it shows its title, its status and the category of its failure, and
nothing that came from running it: no message, no location in the learner's code (a line
number is a channel too) and no printed output (learner code could print its hidden inputs).
"""
from __future__ import annotations

from grader.report.text import CONTROL, reveal
from grader.results import CheckResult, Location


def message(check: CheckResult) -> str:
    if not check.hidden:
        return check.message
    if check.status in ("failed", "error"):
        return f"hidden check {check.status}: {check.category or 'wrong result'}."
    if check.status == "skipped":
        return check.message  # the judge's own reason ("not run: no GPU"), never the learner's
    return ""


def location(check: CheckResult) -> Location | None:
    return None if check.hidden else check.location


def output(check: CheckResult) -> str:
    return "" if check.hidden else check.output


def cap(text: str, limit: int, marker: str = " ... [cut]") -> str:
    """At most `limit` characters, marking a cut."""
    if limit <= 0:
        return ""
    return text if len(text) <= limit else text[: max(0, limit - len(marker))] + marker


def plain(text: str) -> str:
    """Control characters (escape sequences, CR) replaced, bidi controls and odd bytes shown escaped; newlines and tabs kept."""
    return CONTROL.sub("?", reveal(text.replace("\r\n", "\n")))


def points(value: float) -> str:
    """A score as people write it: 2, 2.5, 0.33 (at most two decimals, no exponent)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def number(value: float) -> int | float:
    """A JSON number: an int when the value is whole (15, not 15.0)."""
    return int(value) if float(value).is_integer() else float(value)


def where(loc: Location | None) -> str:
    """`file:line`, or the notebook form (`file, cell 4, line 3`) where the model has cells."""
    if loc is None:
        return ""
    label = getattr(loc, "label", None)
    if label is not None:
        return label
    return f"{loc.file}:{loc.line}" if loc.line else loc.file


def excerpt(loc: Location) -> str:
    """The learner's numbered source lines around a location, the failing one marked with `>`."""
    if not loc.excerpt:
        return ""
    width = len(str(loc.excerpt[-1][0]))
    return "\n".join(f"{'>' if n == loc.line else ' '} {n:>{width}} | {code}" for n, code in loc.excerpt)


def in_notebook(loc: Location | None) -> bool:
    """A notebook's line numbers count within a cell, not within the .ipynb file."""
    return loc is not None and getattr(loc, "cell", None) is not None


def notes(exercise) -> list[str]:
    """Notes about how an exercise was read (e.g. notebook code that was not run), where points were lost.

    At full marks what a notebook left out cost nothing, and repeating it on every run is noise.
    """
    if exercise.score >= exercise.max_score:
        return []
    return list(getattr(exercise, "notes", None) or [])


def redacted(submission):
    """A copy of the submission as a learner may see it, for renderers that print everything
    (the terminal report in a CI log): hidden checks keep title, status and category only."""
    import dataclasses

    def check_view(check: CheckResult) -> CheckResult:
        if not check.hidden:
            return check
        return dataclasses.replace(check, message=message(check), location=None, output="", detail=None)

    exercises = [dataclasses.replace(e, checks=[check_view(c) for c in e.checks]) for e in submission.exercises]
    return dataclasses.replace(submission, exercises=exercises)
