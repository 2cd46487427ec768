"""GitHub Actions and GitHub Classroom: step outputs, annotations and a job summary.

- The Classroom grading reporter (classroom-resources/autograding-grading-reporter) reads
  one step output per runner: base64 of a JSON payload with `tests[]`. It sends Σ
  tests[].score out of Σ max_score (of the runners whose max_score is not 0) to Classroom,
  but its log and table show each runner's (passed tests / tests) × max_score. So the
  points go in two runners of one test each, `earned` (score out of score) and `lost` (0
  out of max − score), for which both formulas give our total, partial credit included; the
  checks, one test each, go in a third, `grader`, with max_score 0, which neither counts.
- `::error` annotations at the learner's file and line for failed checks, escaped as the
  runner unescapes them, at most ten per step (GitHub drops the rest silently).
- A Markdown job summary with everything, under GitHub's 1 MiB cap.

Learner-controlled text reaches the log through the terminal report and, in the reporter's
step, through the payload. While grading, the log is fenced with `::stop-commands::TOKEN`
(TOKEN random, unknown to learner code), so nothing learner code makes us print is read as a
workflow command; the fence is lifted only to print our own annotations. Payload strings are
made single-line with any command prefix broken, since the reporter prints them unfenced.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Callable, Mapping, TextIO

from grader.report import causes, visible
from grader.report.text import reveal
from grader.results import CheckResult, RunResult, SubmissionResult

ERRORS_PER_STEP = 10  # GitHub keeps 10 error annotations per step (50 per job) and drops the rest
PAYLOAD_JSON_LIMIT = 90_000  # the reporter gets it as one env var; Linux caps one at 128 KiB, base64 adds 33 %
SUMMARY_LIMIT = 900_000  # GitHub rejects a step summary over 1 MiB
COMMENT_LIMIT = 65_536  # GitHub rejects a comment body over 65,536 characters
ANNOTATION_MESSAGE_LIMIT = 4_000
TITLE_LIMIT = 200
RUNNER_STATUS = {"passed": "pass", "failed": "fail", "error": "error"}


def enabled(flag: bool | None, environ: Mapping[str, str] | None = None) -> bool:
    """--github/--no-github when given, else whether this runs in GitHub Actions."""
    environ = os.environ if environ is None else environ
    return flag if flag is not None else environ.get("GITHUB_ACTIONS") == "true"


# Workflow commands -------------------------------------------------------------------------

def escape_data(text: str) -> str:
    """A command's message, as the runner unescapes it (`%`, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: as `escape_data`, and `:` and `,`, which end a value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value not in (None, "", 0))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


_COMMAND_PREFIX = re.compile(r"::|##\[")


def log_safe(text: str, limit: int) -> str:
    """One line of learner-influenced text that no runner reads as a command, however printed.

    Line breaks and control characters become spaces, and `::` (a command at the start of a
    line) and `##[` (the old command syntax, anywhere in a line) are broken apart.
    """
    text = re.sub(r"\s+", " ", visible.CONTROL.sub(" ", reveal(text))).strip()
    text = _COMMAND_PREFIX.sub(lambda m: ": :" if m.group() == "::" else "# #[", text)
    return visible.cap(text, limit)


class CommandFence:
    """Stops the runner from processing workflow commands in the log between begin and end."""

    def __init__(self, write: Callable[[str], None]):
        self.token = secrets.token_hex(16)
        self.write = write
        self.open = False

    def begin(self) -> None:
        self.write(f"::stop-commands::{self.token}")
        self.open = True

    def end(self) -> None:
        if self.open:
            self.write(f"::{self.token}::")
            self.open = False


# The Classroom payload ------------------------------------------------------------------------

def _counted(submission: SubmissionResult):
    for exercise in submission.exercises:
        for check in exercise.checks:
            if check.counted:
                yield exercise, check


def classroom_payload(run: RunResult, message_limit: int = 1000, code_limit: int = 300, name_limit: int = TITLE_LIMIT) -> dict:
    """The `grader` runner: one test per counted check, for the reporter's log.

    Its max_score is 0, so the reporter counts none of it (the `earned` and `lost` runners
    carry the points): a runner's log total is passed tests × max_score / tests, which is
    not our score when checks carry different points. Each test still has its check's
    score. Skipped checks (no GPU) count toward neither score nor maximum, so they are left
    out. The reporter prints only the message of an `error` test, so that message starts
    with the test's name.
    """
    several = len(run.submissions) > 1
    tests = []
    for submission in run.submissions:
        for exercise, check in _counted(submission):
            loc = visible.location(check)
            name = log_safe(f"{submission.id}: {exercise.name}: {check.title}" if several else f"{exercise.name}: {check.title}", name_limit)
            message = visible.message(check)
            if check.status == "error":  # printed alone, as "Error: <message>"
                message = f"{name}: {message}" if message else name
            tests.append({
                "name": name,
                "status": RUNNER_STATUS[check.status],
                "score": visible.number(check.score),
                "message": log_safe(message, message_limit + name_limit) or None,
                "test_code": log_safe(f"{visible.where(loc)}: {loc.code}" if loc and loc.code else visible.where(loc), code_limit),
                "filename": log_safe(loc.file, 300) if loc else "",
                "line_no": loc.line if loc and not visible.in_notebook(loc) else 0,
                "duration": round(check.duration_s, 3),
            })
    return {
        "version": 1,
        "status": "pass" if all(s.full_marks for s in run.submissions) else "fail",
        "max_score": 0,
        "tests": tests,
    }


def _points_runner(name: str, passed: bool, score: float, max_score: float) -> dict:
    """A runner of one test worth `score` of `max_score`: the reporter's two formulas agree on it."""
    test = {"name": name, "status": "pass" if passed else "fail", "score": visible.number(score), "message": None,
            "test_code": "", "filename": "", "line_no": 0, "duration": 0}
    return {"version": 1, "status": test["status"], "max_score": visible.number(max_score), "tests": [test]}


def points_payloads(run: RunResult) -> dict[str, dict]:
    """The `earned` and `lost` runners, whose totals add up to ours in the reporter's log,
    its table and the total it sends to Classroom."""
    score = sum(s.score for s in run.submissions)
    max_score = sum(s.max_score for s in run.submissions)
    lost = max(max_score - score, 0)
    of = f"of {visible.points(max_score)} points"
    return {
        "earned": _points_runner(f"{visible.points(score)} {of} earned", score > 0, score, score),
        "lost": _points_runner(f"{visible.points(lost)} {of} lost", lost == 0, 0, lost),
    }


def _encoded(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8", "replace")


def encode_payload(run: RunResult) -> str:
    """The `grader` runner's payload as the reporter decodes it, shortened until it fits in an env var."""
    for limits in ((1000, 300, TITLE_LIMIT), (200, 120, 120), (0, 0, 80), (0, 0, 40)):
        data = _encoded(classroom_payload(run, *limits))
        if len(data) <= PAYLOAD_JSON_LIMIT:
            break
    return base64.b64encode(data).decode("ascii")


def step_outputs(run: RunResult) -> dict[str, str]:
    """Every step output: one per reporter runner (`result` is the `grader` runner's), and
    for one submission its `score` and `max_score`."""
    outputs = {"result": encode_payload(run)}
    outputs |= {name: base64.b64encode(_encoded(payload)).decode("ascii") for name, payload in points_payloads(run).items()}
    if len(run.submissions) == 1:
        outputs |= {"score": visible.points(run.submissions[0].score), "max_score": visible.points(run.submissions[0].max_score)}
    return outputs


# Annotations ---------------------------------------------------------------------------------

def _workspace_path(submission: SubmissionResult, file: str, workspace: Path) -> str:
    path = Path(submission.path) / file
    try:
        return path.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def annotations(run: RunResult, workspace: Path) -> list[str]:
    """`::error` lines, one per place in the learner's code where checks failed.

    Failed checks at the same file and line share one annotation. GitHub keeps ten per
    step; past nine places the tenth says how many more there are.
    """
    groups: dict[tuple, list[tuple[SubmissionResult, str, CheckResult]]] = {}
    for submission in run.submissions:
        for exercise, check in _counted(submission):
            if check.status not in ("failed", "error"):
                continue
            loc = visible.location(check)
            key = (submission.id, loc.file, getattr(loc, "cell", None), loc.line) if loc else (submission.id, exercise.name)
            groups.setdefault(key, []).append((submission, exercise.name, check))
    lines = []
    items = list(groups.items())
    shown = items if len(items) <= ERRORS_PER_STEP else items[: ERRORS_PER_STEP - 1]
    for _, entries in shown:
        submission, exercise, first = entries[0]
        loc = visible.location(first)
        prefix = f"{submission.id}: " if len(run.submissions) > 1 else ""
        if len(entries) == 1:
            title = f"{prefix}{first.title} ({visible.points(first.score)}/{visible.points(first.max_score)})"
            message = visible.message(first)
        else:
            title = f"{prefix}{len(entries)} failed checks in {exercise}"
            message = "\n".join(f"- {c.title}: {visible.message(c)}" for _, _, c in entries)
        if visible.in_notebook(loc):  # a cell's line is no line of the .ipynb file: name the cell instead
            message = f"at {visible.where(loc)}: {message}"
        properties = {"title": visible.cap(visible.plain(title).replace("\n", " "), TITLE_LIMIT)}
        if loc is not None:
            line = None if visible.in_notebook(loc) else (loc.line or None)
            properties = {"file": visible.plain(_workspace_path(submission, loc.file, workspace)), "line": line, **properties}
        lines.append(command("error", visible.cap(visible.plain(message), ANNOTATION_MESSAGE_LIMIT), **properties))
    if len(items) > len(shown):
        rest = items[len(shown):]
        count = sum(len(entries) for _, entries in rest)
        lines.append(command("error", f"{count} more failed checks at {len(rest)} more places: see the job summary.", title="More failed checks"))
    return lines


# The job summary -----------------------------------------------------------------------------

def _fenced(text: str, info: str = "text") -> str:
    """A code block that the text cannot close: the fence is longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _md_text(text: str) -> str:
    """Learner-influenced text inline in Markdown: HTML escaped, Markdown specials escaped."""
    text = html.escape(visible.plain(text).replace("\n", " "), quote=True)
    return re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", text)


def _check_markdown(check: CheckResult, shown: set) -> str:
    mark = "❌" if check.status in ("failed", "error") else "✅"
    head = f"{mark} {html.escape(visible.plain(check.title))} ({visible.points(check.score)}/{visible.points(check.max_score)})"
    parts = [f"<details><summary>{head}</summary>", ""]
    message = visible.message(check)
    if message:
        parts.append(_fenced(visible.cap(visible.plain(message), 4000)))
    loc = visible.location(check)
    if loc is not None:
        parts.append(f"\nat <code>{html.escape(visible.plain(visible.where(loc)))}</code>\n")
        if loc.excerpt and (loc.file, loc.line) not in shown:  # each place's source once per page
            shown.add((loc.file, loc.line))
            excerpt = visible.plain(visible.excerpt(loc))
            parts.append(_fenced(excerpt, "python"))
    printed = visible.output(check)
    if printed.strip():
        parts += ["", "Your code printed:", "", _fenced(visible.cap(visible.plain(printed), 2000))]
    parts += ["", "</details>", ""]
    return "\n".join(parts)


def render_markdown(submission: SubmissionResult, heading: str = "##") -> str:
    """One learner's page: totals, a table of exercises, every failed check explained."""
    verdict = "full marks" if submission.full_marks else "not yet full marks"
    lines = [
        f"{heading} {_md_text(submission.id)}: {visible.points(submission.score)}/{visible.points(submission.max_score)} points ({verdict})",
        "",
        "| Exercise | Points | Failed checks |",
        "| --- | ---: | ---: |",
    ]
    for exercise in submission.exercises:
        failed = sum(1 for c in exercise.checks if c.status in ("failed", "error"))
        lines.append(f"| `{exercise.name}` | {visible.points(exercise.score)}/{visible.points(exercise.max_score)} | {failed} |")
    lines.append("")
    lines += [f"*{_md_text(note)}*\n" for note in submission.notes]  # files left out of grading
    shown: set = set()
    for exercise in submission.exercises:
        failed = [c for c in exercise.checks if c.status in ("failed", "error")]
        if not failed:
            continue
        lines += [f"{heading}# `{exercise.name}`", ""]
        if exercise.error:
            lines += [_fenced(visible.cap(visible.plain(exercise.error), 2000)), ""]
            continue
        for explanation in causes.explained_once(exercise.checks):
            lines.append(_check_markdown(explanation.check, shown))
            if explanation.also:
                count = len(explanation.also)
                lines += [f"The same reason failed {count} more check{'s' if count > 1 else ''} "
                          f"({visible.points(explanation.points_lost)} points in all): {_md_text(causes.titles(explanation.also))}", ""]
    for exercise in submission.exercises:
        lines += [f"*`{exercise.name}`: {_md_text(note)}*\n" for note in visible.notes(exercise)]
    skipped = [c for e in submission.exercises for c in e.checks if c.status == "skipped"]
    if skipped:
        reasons = "; ".join(sorted({visible.plain(visible.message(c)) for c in skipped}))
        lines += [f"{len(skipped)} checks not run ({_md_text(reasons)}); they count toward neither score nor maximum.", ""]
    return "\n".join(lines)


def render_summary(run: RunResult, limit: int = SUMMARY_LIMIT) -> str:
    parts = ["# Autograder", ""]
    if len(run.submissions) > 1:
        full = sum(1 for s in run.submissions if s.full_marks)
        parts += [f"{len(run.submissions)} submissions graded, {full} with full marks.", ""]
    size = sum(len(p.encode("utf-8")) + 1 for p in parts)
    for index, submission in enumerate(run.submissions):
        page = render_markdown(submission)
        if size + len(page.encode("utf-8")) > limit:
            parts.append(f"*{len(run.submissions) - index} more submissions left out: the summary would pass GitHub's 1 MiB limit.*")
            break
        parts.append(page)
        size += len(page.encode("utf-8")) + 1
    parts.append(f"\n<sub>grader {html.escape(run.grader_version)}, torch {html.escape(run.torch_version)}</sub>\n")
    return "\n".join(parts)


# Putting it together -------------------------------------------------------------------------

class GitHubActions:
    """Fences the log while grading, then writes annotations, step outputs and the summary."""

    def __init__(self, environ: Mapping[str, str] | None = None, stream: TextIO | None = None):
        self.environ = os.environ if environ is None else environ
        self.stream = stream
        self.fence = CommandFence(self._print)

    def _print(self, line: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(line + "\n")
        stream.flush()

    @classmethod
    def start(cls, environ: Mapping[str, str] | None = None, stream: TextIO | None = None) -> "GitHubActions":
        github = cls(environ, stream)
        github.fence.begin()
        return github

    def finish(self, run: RunResult) -> list[str]:
        """Write everything; returns warnings (a file GitHub did not provide) for stderr."""
        self.fence.end()
        warnings = []
        workspace = Path(self.environ.get("GITHUB_WORKSPACE") or os.getcwd())
        for line in annotations(run, workspace):
            self._print(line)
        if len(run.submissions) == 1:
            s = run.submissions[0]
            self._print(command("notice", f"Points {visible.points(s.score)}/{visible.points(s.max_score)}", title="Autograder"))
        outputs = step_outputs(run)
        output_file = self.environ.get("GITHUB_OUTPUT")
        if output_file:
            with open(output_file, "a", encoding="utf-8", errors="replace") as f:
                f.writelines(f"{key}={value}\n" for key, value in outputs.items())  # values are single-line
        else:
            warnings.append("GITHUB_OUTPUT is not set: the step output `result` for the Classroom reporter was not written.")
        summary_file = self.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8", errors="replace") as f:
                f.write(render_summary(run) + "\n")
        else:
            warnings.append("GITHUB_STEP_SUMMARY is not set: no job summary was written.")
        return warnings


def fit_comment(page: str, limit: int = COMMENT_LIMIT) -> str:
    """The page cut to fit in one GitHub comment, between two checks' blocks.

    Every check's explanation is one `<details>` block, so cutting before one leaves valid
    Markdown. Bytes are counted, not characters, so the page fits however GitHub counts.
    """
    if len(page.encode("utf-8", "replace")) <= limit:
        return page
    note = "\n*The rest of this page is longer than a GitHub comment allows: your instructor has all of it.*\n"
    room = limit - len(note.encode("utf-8"))
    head = page.encode("utf-8", "replace")[:room].decode("utf-8", "ignore")
    cut = head.rfind("\n<details>")
    return (head[:cut] if cut > 0 else head[:head.rfind("\n")]) + note


def write_pages(run: RunResult, directory: Path) -> list[Path]:
    """One Markdown page per submission, `<id>.md`, for posting to each learner as a commit
    comment: each under GitHub's limit for one (`fit_comment`)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for submission in run.submissions:
        name = f"{submission.id}.md"
        if len(os.fsencode(name)) > 250:  # a 255-byte directory name: keep the page's name under NAME_MAX
            name = f"{submission.id[:100]}-{hashlib.sha256(submission.id.encode()).hexdigest()[:8]}.md"
        path = directory / name
        path.write_text(fit_comment(render_markdown(submission, heading="##") + "\n"), encoding="utf-8", errors="replace")
        written.append(path)
    return written
