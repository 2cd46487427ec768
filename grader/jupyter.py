"""Checking an exercise from inside a learner's notebook: `verify("NAME")`.

    from grader.jupyter import verify
    verify("NAME")

grades the definitions this kernel has run for that exercise with the exercise's
**visible** checks and shows the feedback under the cell: an HTML summary in Jupyter
(`_repr_html_`), plain text in a terminal or anywhere else (`__str__`, `__repr__`).

Named `verify`, not `check`, because `grader.checks.check` is the marker instructors write
hidden checks with; a learner's call and an author's marker should never be mistaken for
each other, in code or in a search.

What is checked is the kernel's `In[]` history, raw (`history_manager.input_hist_raw`):
every cell this kernel ran, in the order it ran them, read the way `grade` reads a
notebook (definitions only, demo code and IPython syntax not run). That is the notebook's
current state without asking the learner to save first (Jupyter autosaves every two
minutes, so the file on disk lags), and it needs no notebook path, which a kernel cannot
reliably know (JupyterLab, VS Code and Colab each tell it differently, if at all). Its
limit: it is the order of execution, not of the cells on the page. A cell deleted after it
ran still counts until the kernel restarts, an edited cell counts once it is run again,
and code run by `%run` or `exec` is not seen. `grade` reads the saved file from top to
bottom, so "Restart & Run All", then `verify`, shows what `grade` will see. Outside
IPython, or with `verify(name, path=...)`, the file on disk is checked instead.

Nothing is judged in this process: the kernel has run the learner's code, which may have
patched torch or anything else. `verify` hands the cells to a judge process of its own
(`grader.verifier`), kept for the kernel's lifetime, which grades them in a sandboxed worker
exactly as `grade` does and sends back plain JSON of the visible checks. Hidden checks are
never run there, and nothing of them but their number reaches this kernel. This module
imports only the standard library, so a notebook module that keeps the import (`grade`
keeps imports) costs nothing where it is graded.
"""
from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.exercises import current as current_exercises

STOP_GRACE_S = 5.0  # how long an interrupted judge may take to reap its worker
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}
COLOURS = {"passed": "#1b5e20", "failed": "#b71c1c", "error": "#b71c1c", "skipped": "#6d4c00"}


# -- what the judge sends back -------------------------------------------------------------


@dataclass(frozen=True)
class CheckView:
    """One visible check as the learner sees it (plain data from the judge)."""

    title: str
    status: str
    score: float
    max_score: float
    message: str = ""
    where: str = ""
    code: str = ""
    line: int = 0
    excerpt: tuple[tuple[int, str], ...] = ()
    output: str = ""
    same_cause_as: str = ""
    counted: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckView":
        return cls(
            title=str(data.get("title", "")), status=str(data.get("status", "error")), score=float(data.get("score", 0)),
            max_score=float(data.get("max_score", 0)), message=str(data.get("message", "")), where=str(data.get("where", "")),
            code=str(data.get("code", "")), line=int(data.get("line", 0)),
            excerpt=tuple((int(n), str(text)) for n, text in data.get("excerpt", [])), output=str(data.get("output", "")),
            same_cause_as=str(data.get("same_cause_as", "")), counted=bool(data.get("counted", True)),
        )


@dataclass(frozen=True)
class Verification:
    """The feedback `verify` returns: shown inline by Jupyter, printable anywhere, inspectable.

    `problem` is set when nothing could be checked (an unknown exercise, no file, the
    grader itself failed); then there are no checks.
    """

    exercise: str
    score: float = 0.0
    max_score: float = 0.0
    checks: tuple[CheckView, ...] = ()
    error: str = ""
    notes: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    hidden_not_run: int = 0
    source: str = ""
    problem: str = ""

    @classmethod
    def from_json(cls, exercise: str, data: dict[str, Any]) -> "Verification":
        if data.get("problem"):
            return cls(exercise, problem=str(data["problem"]))
        return cls(
            exercise=str(data.get("exercise", exercise)), score=float(data.get("score", 0)), max_score=float(data.get("max_score", 0)),
            checks=tuple(CheckView.from_json(c) for c in data.get("checks", [])), error=str(data.get("error", "")),
            notes=tuple(map(str, data.get("notes", []))), left_out=tuple(map(str, data.get("left_out", []))),
            hidden_not_run=int(data.get("hidden_not_run", 0)), source=str(data.get("source", "")),
        )

    @property
    def passed(self) -> bool:
        """Every visible check that counts passed (hidden checks are graded when you hand in)."""
        return not self.problem and self.max_score > 0 and self.score == self.max_score

    def __str__(self) -> str:
        return render_text(self)

    def __repr__(self) -> str:
        return render_text(self)

    def _repr_html_(self) -> str:
        return render_html(self)


# -- rendering -----------------------------------------------------------------------------


def _points(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _plain(text: str, limit: int = 2000) -> str:
    """Learner-influenced text for a terminal: no escape sequences, capped."""
    text = _CONTROL.sub("?", text.replace("\r\n", "\n"))
    return text if len(text) <= limit else text[:limit] + " ... [cut]"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def _failing(result: Verification) -> list[CheckView]:
    return [c for c in result.checks if c.status in ("failed", "error")]


def _headline(result: Verification) -> str:
    if result.problem:
        return f"{result.exercise}: not checked: {result.problem}"
    verdict = "all visible checks pass" if result.passed else f"{_count(len(_failing(result)), 'visible check')} failed"
    return f"{result.exercise}: {_points(result.score)}/{_points(result.max_score)} points, {verdict}"


def _footer(result: Verification) -> list[str]:
    lines = []
    skipped = [c for c in result.checks if c.status == "skipped"]
    if skipped:
        reasons = "; ".join(sorted({c.message.removeprefix("not run: ") for c in skipped}))
        lines.append(f"{_count(len(skipped), 'check')} not run ({reasons}); they count toward neither score nor maximum.")
    if result.hidden_not_run:
        lines.append(f"{_count(result.hidden_not_run, 'hidden check')} not run here: graded when you hand in.")
    if result.source == "history":
        lines.append("Checked: the cells this kernel ran, in the order it ran them (In [n] is the cell shown as [n]:).")
    return lines


def render_text(result: Verification) -> str:
    """The feedback as plain text: each failed check with its message, place and output."""
    lines = [_plain(_headline(result), 600)]
    if result.problem:
        return "\n".join(lines)
    lines += [f"  note: {_plain(note, 400)}" for note in (*result.left_out, *result.notes)]
    if result.error:
        lines += textwrap.wrap(_plain(result.error), 100, initial_indent="  ", subsequent_indent="  ")
    for check in _failing(result):
        lines.append(f"  {MARKS[check.status]} {_plain(check.title, 200)}  {_points(check.score)}/{_points(check.max_score)}")
        if check.same_cause_as:
            lines.append(f"       failed for the same reason as: {_plain(check.same_cause_as, 200)}")
            continue
        if check.message and check.message != result.error:
            for paragraph in _plain(check.message).splitlines():
                lines += textwrap.wrap(paragraph, 100, initial_indent="       ", subsequent_indent="       ")
        if check.where:
            lines.append(f"       at {_plain(check.where, 200)}" + (f"   {_plain(check.code, 120)}" if check.code else ""))
        if check.output.strip():
            lines.append("       your code printed:")
            lines += ["         | " + line for line in _plain(check.output, 800).splitlines()[:8]]
    passed = [c for c in result.checks if c.status == "passed"]
    if passed:
        lines.append(f"  PASS {_count(len(passed), 'check')}: " + _plain("; ".join(c.title for c in passed), 600))
    lines += ["  " + line for line in _footer(result)]
    return "\n".join(lines)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _badge(status: str) -> str:
    return (f'<span style="display:inline-block;min-width:3.2em;text-align:center;font-weight:bold;color:#fff;'
            f'background:{COLOURS[status]};border-radius:3px;padding:0 .3em">{MARKS[status]}</span>')


def _excerpt_html(check: CheckView) -> str:
    if not check.excerpt:
        return ""
    width = len(str(check.excerpt[-1][0]))
    rows = "\n".join(f"{'>' if n == check.line else ' '} {n:>{width}} | {text}" for n, text in check.excerpt)
    return f'<pre style="margin:.3em 0;padding:.3em;background:#f5f5f5;overflow-x:auto">{_e(rows)}</pre>'


def _check_html(check: CheckView, exercise_error: str) -> str:
    head = f"{_badge(check.status)} {_e(check.title)} <small>{_points(check.score)}/{_points(check.max_score)}</small>"
    if check.same_cause_as:
        return f"<li>{head}<div>failed for the same reason as <em>{_e(check.same_cause_as)}</em></div></li>"
    parts = [head]
    if check.message and check.message != exercise_error:
        parts.append(f'<div style="white-space:pre-wrap">{_e(check.message)}</div>')
    if check.where:
        code = f" <code>{_e(check.code)}</code>" if check.code else ""
        parts.append(f"<div>at <strong>{_e(check.where)}</strong>{code}</div>{_excerpt_html(check)}")
    if check.output.strip():
        parts.append(f'<div>your code printed:</div><pre style="margin:.3em 0;padding:.3em;background:#f5f5f5">{_e(check.output[:2000])}</pre>')
    return '<li style="margin:.5em 0">' + "".join(parts) + "</li>"


def render_html(result: Verification) -> str:
    """The feedback as an HTML fragment for a notebook's output: inline styles, no script."""
    style = "font-family:system-ui,sans-serif;line-height:1.4;border-left:4px solid {};padding:.2em .8em"
    colour = COLOURS["passed"] if result.passed else COLOURS["failed"]
    parts = [f'<div class="grader-verify" style="{style.format(colour)}">', f"<p><strong>{_e(_headline(result))}</strong></p>"]
    if not result.problem:
        parts += [f"<p>note: {_e(note)}</p>" for note in (*result.left_out, *result.notes)]
        if result.error:
            parts.append(f'<p style="white-space:pre-wrap">{_e(result.error)}</p>')
        failing = _failing(result)
        if failing:
            parts.append('<ul style="list-style:none;padding-left:0">' + "".join(_check_html(c, result.error) for c in failing) + "</ul>")
        passed = [c for c in result.checks if c.status == "passed"]
        if passed:
            items = "".join(f"<li>{_badge('passed')} {_e(c.title)}</li>" for c in passed)
            summary = _count(len(passed), "check") + " passed"
            parts.append(f'<details><summary>{summary}</summary><ul style="list-style:none;padding-left:0">{items}</ul></details>')
        parts += [f"<p><small>{_e(line)}</small></p>" for line in _footer(result)]
    parts.append("</div>")
    return "".join(parts)


# -- asking the judge ----------------------------------------------------------------------


def _judge_command() -> list[str]:
    """The judge's command line: isolated from the kernel's PYTHONPATH and working directory
    (a learner's `torch.py` there must not be imported by the judge), with the grader's own
    source root first on its path."""
    root = str(Path(__file__).resolve().parent.parent)
    code = f"import sys; sys.path.insert(0, {root!r}); from grader.verifier import main; sys.exit(main())"
    return [sys.executable, "-I", "-c", code]


@dataclass
class _Judge:
    """The kernel's judge process, started on the first `verify` and kept until the kernel exits."""

    process: subprocess.Popen | None = None
    log: Path | None = None
    started: list[int] = field(default_factory=list)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        process = self._running()
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except KeyboardInterrupt:  # the learner interrupted the kernel: stop the worker too
            self.stop()
            raise
        except BrokenPipeError:
            line = ""
        if not line:
            problem = f"the grader stopped ({self._log_tail()}); run verify again, and tell your instructor if it happens again."
            self.stop()
            return {"problem": problem}
        return json.loads(line)

    def _running(self) -> subprocess.Popen:
        if self.process is not None and self.process.poll() is None:
            return self.process
        handle, name = tempfile.mkstemp(prefix="grade-verify-", suffix=".log")
        self.log = Path(name)
        self.process = subprocess.Popen(
            _judge_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=handle, text=True, encoding="utf-8",
            cwd=tempfile.gettempdir(), start_new_session=True,  # Jupyter's interrupt is for the kernel; we pass it on
        )
        os.close(handle)
        self.started.append(self.process.pid)
        return self.process

    def stop(self) -> None:
        """SIGINT first (the judge reaps its worker and template), then SIGKILL for whatever is left."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.wait()

    def _log_tail(self) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace") if self.log else ""
        except OSError:
            text = ""
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1][:300] if lines else "no message"


_JUDGE = _Judge()


def exercise_name(name: str) -> str | None:
    """`NAME`, `NAME.py`, `NAME.ipynb` and `ClassName` all name the same exercise."""
    stem = str(name).removesuffix(".py").removesuffix(".ipynb")
    for exercise in current_exercises():
        if stem in (exercise.name, exercise.class_name):
            return exercise.name
    return None


def _kernel_cells() -> list[str] | None:
    """The raw source of every cell this IPython kernel ran (In[0] is empty), or None outside IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return [str(cell) for cell in history] if history is not None else None


def _file_in(folder: Path, name: str) -> Path | None:
    found = [folder / f"{name}{suffix}" for suffix in (".py", ".ipynb") if (folder / f"{name}{suffix}").is_file()]
    return found[0] if len(found) == 1 else None


def request_for(name: str, path: str | os.PathLike | None = None) -> dict[str, Any] | str:
    """What to ask the judge for: the kernel's cells, or a file; a string says why neither."""
    folder = Path.cwd()
    if path is not None:
        path = Path(path).expanduser().absolute()
        if not path.is_file():
            return f"{path} is not a file."
        return {"exercise": name, "source": "file", "path": str(path), "folder": str(path.parent)}
    cells = _kernel_cells()
    if cells is not None:
        return {"exercise": name, "source": "history", "cells": cells, "folder": str(folder)}
    found = _file_in(folder, name)
    if found is None:
        return f"expected one of {name}.py or {name}.ipynb in {folder} (or pass path=...)."
    return {"exercise": name, "source": "file", "path": str(found), "folder": str(folder)}


def verify(exercise: str, path: str | os.PathLike | None = None) -> Verification:
    """Check `exercise` ("NAME", or its class name) with its visible checks; show the feedback.

    In a notebook, the cells this kernel ran are checked; `path` checks a saved .py or
    .ipynb file instead. The first call starts the grader (a few seconds: it imports torch);
    later calls reuse it.
    """
    name = exercise_name(exercise)
    if name is None:
        choices = ", ".join(f'"{e.name}"' for e in current_exercises())
        return Verification(str(exercise)[:60], problem=f"there is no such exercise: choose one of {choices}.")
    request = request_for(name, path)
    if isinstance(request, str):
        return Verification(name, problem=request)
    return Verification.from_json(name, _JUDGE.ask(request))
