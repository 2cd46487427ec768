"""JUnit XML for GitLab test reports and Jenkins, valid against Jenkins' junit-10.xsd.

One <testsuite> per submission and exercise, one <testcase> per check: `classname` is the
exercise (`<submission>.<exercise>` in a batch, which Jenkins shows as package and class),
`name` the check's title. A failed check has <failure>, an exercise that could not be graded
has <error> on each check, a check not run (no GPU) has <skipped>, its reason
as text too (GitLab shows the element's text, Jenkins its `message`). `message` is the first
line of our message, `type` its category; the body has the whole message and the learner's
file and line (junit-10.xsd has no `file` or `line` attribute on <testcase>), and
<system-out> what the learner's code printed. Scores go in each suite's <properties>.
Hidden checks show their title and category only, as in every learner-visible output.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.report import visible
from grader.report.text import reveal
from grader.results import CheckResult, RunResult

# Characters XML 1.0 forbids (most C0 controls, surrogates, U+FFFE/U+FFFF): an XML library
# escapes markup but writes these as they are, and parsers then reject the whole file.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MESSAGE_LIMIT = 500
BODY_LIMIT = 10_000
OUTPUT_LIMIT = 20_000


def xml_text(text: str, limit: int | None = None) -> str:
    text = ILLEGAL_XML.sub("?", reveal(text.replace("\r\n", "\n")))
    return visible.cap(text, limit) if limit else text


def _time(seconds: float) -> str:
    """junit-10.xsd's SUREFIRE_TIME: digits and a dot, never NaN, never negative."""
    return f"{seconds:.3f}" if seconds == seconds and 0 <= seconds < float("inf") else "0.000"


def _body(check: CheckResult) -> str:
    parts = [visible.message(check)]
    loc = visible.location(check)
    if loc is not None:
        parts.append(f"at {visible.where(loc)}" + (f": {loc.code}" if loc.code else ""))
        parts.append(visible.excerpt(loc))
    return xml_text("\n\n".join(p for p in parts if p), BODY_LIMIT)


def _testcase(parent: ET.Element, classname: str, name: str, check: CheckResult) -> None:
    case = ET.SubElement(parent, "testcase", name=xml_text(name), classname=xml_text(classname), time=_time(check.duration_s))
    message = visible.message(check)
    first_line = xml_text(message.strip().splitlines()[0] if message.strip() else check.status, MESSAGE_LIMIT)
    if check.status == "failed":
        ET.SubElement(case, "failure", message=first_line, type=xml_text(check.category or "failed")).text = _body(check)
    elif check.status == "error":
        ET.SubElement(case, "error", message=first_line, type=xml_text(check.category or "error")).text = _body(check)
    elif check.status == "skipped":
        reason = xml_text(message or "not run", MESSAGE_LIMIT)
        # GitLab shows an element's text, not its attributes: without text, a <skipped> reads as an object.
        ET.SubElement(case, "skipped", message=reason).text = reason
    printed = visible.output(check)
    if printed:
        ET.SubElement(case, "system-out").text = xml_text(printed, OUTPUT_LIMIT)


def render_junit(run: RunResult) -> ET.Element:
    several = len(run.submissions) > 1
    root = ET.Element("testsuites", name="grade")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for submission in run.submissions:
        for exercise in submission.exercises:
            classname = f"{submission.id}.{exercise.name}" if several else exercise.name
            counts = {s: sum(1 for c in exercise.checks if c.status == s) for s in ("failed", "error", "skipped")}
            suite = ET.SubElement(
                root, "testsuite", name=xml_text(classname), tests=str(len(exercise.checks)),
                failures=str(counts["failed"]), errors=str(counts["error"]), skipped=str(counts["skipped"]),
                time=_time(sum(c.duration_s for c in exercise.checks)), timestamp=run.started_at,
            )
            properties = ET.SubElement(suite, "properties")
            for key, value in (("submission", submission.id), ("exercise", exercise.name), ("score", visible.points(exercise.score)),
                               ("max_score", visible.points(exercise.max_score)), ("submission_score", visible.points(submission.score)),
                               ("submission_max_score", visible.points(submission.max_score))):
                ET.SubElement(properties, "property", name=key, value=xml_text(value))
            seen: set[str] = set()
            for check in exercise.checks:
                name = check.title if check.title not in seen else f"{check.title} ({check.id})"  # GitLab drops duplicates
                seen.add(name)
                _testcase(suite, classname, name, check)
            left_out = submission.notes if exercise is submission.exercises[0] else []  # files not graded, once per submission
            if exercise.error or left_out:
                ET.SubElement(suite, "system-err").text = xml_text("\n".join([exercise.error, *left_out]).strip(), BODY_LIMIT)
            totals["tests"] += len(exercise.checks)
            totals["failures"] += counts["failed"]
            totals["errors"] += counts["error"]
    root.set("time", _time(sum(s.duration_s for s in run.submissions)))
    for key, value in totals.items():
        root.set(key, str(value))
    return root


def write_junit(run: RunResult, path: Path) -> None:
    tree = ET.ElementTree(render_junit(run))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
