"""`grade --watch PATH`: regrade an exercise each time its file is saved; print what changed.

The folder is polled (file sizes and modification times, every `POLL_S`): an editor's save
is seen within a second, with no file-watching dependency, and it works alike on Linux,
macOS and network folders, where inotify misses changes. A save that is still being
written (several writes, or a temporary file renamed) is waited out for `SETTLE_S`.

A change to `NAME.py` or `NAME.ipynb` regrades exercise NAME; a change to any other file
of the folder (a helper module, data) regrades every exercise watched. The warm worker
template is started once and kept, so a regrade costs a fork and the checks, not an
`import torch`. The first run prints the whole report; later runs print only the checks
whose status or message changed since the run before (a line number that moved because
of an edit above it is not a change). Everything printed is the learner's view (hidden
checks show title, status and category only), as in a CI log. Ctrl-C ends it: exit 130.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from grader.exercises import Exercise
from grader.report import causes, visible
from grader.report.terminal import _check_lines, render_submission
from grader.report.text import terminal_safe
from grader.results import CheckResult, ExerciseResult, SubmissionResult
from grader.session import WorkerLimits
from grader.submission import Submission

POLL_S = 0.5
SETTLE_S = 0.3
INTERRUPTED = 130
OTHERS = ""  # the snapshot's key for the folder's files that belong to no exercise

Stamp = tuple[str, int, int, int]  # (name, size, mtime_ns, inode)


def _stamp(folder: Path, name: str) -> Stamp | None:
    try:
        info = os.lstat(folder / name)
    except OSError:
        return None
    return (name, info.st_size, info.st_mtime_ns, info.st_ino)


def _ignored(name: str) -> bool:
    """Editors' swap, backup and lock files, and Jupyter's checkpoints: not a save of anything graded."""
    return name.startswith((".", "#", "__pycache__")) or name.endswith(("~", ".swp", ".tmp"))


def snapshot(folder: Path, exercises: list[Exercise]) -> dict[str, tuple]:
    """Per exercise, its files' stamps; under OTHERS, every other top-level file's."""
    own = {f"{e.name}{suffix}" for e in exercises for suffix in (".py", ".ipynb")}
    shot: dict[str, tuple] = {e.name: tuple(_stamp(folder, f"{e.name}{s}") for s in (".py", ".ipynb")) for e in exercises}
    try:
        names = sorted(n for n in os.listdir(folder) if n not in own and not _ignored(n))
    except OSError:
        names = []
    shot[OTHERS] = tuple(_stamp(folder, n) for n in names)
    return shot


def changed(before: dict[str, tuple], after: dict[str, tuple], exercises: list[Exercise]) -> list[Exercise]:
    """The exercises to regrade: those whose files changed, or all when another file did."""
    if before.get(OTHERS) != after.get(OTHERS):
        return list(exercises)
    return [e for e in exercises if before.get(e.name) != after.get(e.name)]


def _key(check: CheckResult) -> tuple[str, str]:
    return (check.status, check.message)


@dataclass
class Watcher:
    """One submission folder, graded again and again with one warm template."""

    submission: Submission
    exercises: list[Exercise]
    limits: WorkerLimits
    verbose: bool = False
    last: dict[str, ExerciseResult] = field(default_factory=dict)

    def grade(self, exercises: list[Exercise]) -> SubmissionResult:
        from grader.catalog import collect_checks  # collected once: pytest caches nothing, we do
        from grader.runner import grade_submission

        result = grade_submission(self.submission, exercises, self.limits, checks=collect_checks(exercises))
        return visible.redacted(result)

    def first(self) -> str:
        result = self.grade(self.exercises)
        self.last = {e.name: e for e in result.exercises}
        return render_submission(result, self.verbose)

    def again(self, exercises: list[Exercise]) -> str:
        result = self.grade(exercises)
        lines = []
        for exercise in result.exercises:
            lines += self.differences(self.last.get(exercise.name), exercise)
            self.last[exercise.name] = exercise
        return "\n".join(lines)

    def differences(self, before: ExerciseResult | None, now: ExerciseResult) -> list[str]:
        """The exercise's new score, then each check whose status or message changed."""
        was = f" (was {visible.points(before.score)}/{visible.points(before.max_score)})" if before is not None else ""
        previous = {c.id: _key(c) for c in before.checks} if before is not None else {}
        moved = [c for c in now.checks if previous.get(c.id) != _key(c)]
        head = f"  {now.name:<22} {visible.points(now.score)}/{visible.points(now.max_score)}{was}"
        if not moved:
            return [head + ": no check changed"]
        lines = [head + f": {len(moved)} check{'s' if len(moved) > 1 else ''} changed"]
        if now.error:
            lines += [f"    {terminal_safe(now.error, 5, 800)}", f"    ({len(moved)} checks cannot run until it loads)"]
            return lines
        lines += [line for check in moved if check.status in ("passed", "skipped") for line in _check_lines(check)]
        for explanation in causes.explained_once(moved):
            lines += _check_lines(explanation.check)
            if explanation.also:
                lines.append(f"         the same reason failed: {terminal_safe(causes.titles(explanation.also), 1, 600)}")
        return lines


def _say(text: str) -> None:
    click.echo(text)
    sys.stdout.flush()  # a pipe (an editor's terminal, a test) sees each regrade as it ends


def _settled(folder: Path, exercises: list[Exercise], shot: dict[str, tuple]) -> dict[str, tuple]:
    """Wait until a save has finished: the same stamps twice, SETTLE_S apart (at most a few rounds)."""
    for _ in range(10):
        time.sleep(SETTLE_S)
        again = snapshot(folder, exercises)
        if again == shot:
            return shot
        shot = again
    return shot


def usage_problem(submissions: list[Submission], outputs: list) -> str:
    """Why --watch cannot run with these arguments ("" if it can): one folder, the terminal only."""
    if len(submissions) != 1:
        return f"--watch watches one submission's folder, and {len(submissions)} were found: name the folder that holds the exercise files."
    if any(outputs):
        return "--watch prints to the terminal only: leave out --json, --html, --csv, --junit, --gradescope, --pages and --resume."
    return ""


def run_watch(submission: Submission, exercises: list[Exercise], limits: WorkerLimits, isolation: str = "auto", verbose: bool = False) -> int:
    """Grade, then regrade on every save until Ctrl-C; returns the exit status (130)."""
    from grader.batch import end_template
    from grader.launcher import default_launcher

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the template ignores Ctrl-C: stopping it is ours to do
    default_launcher(isolation).start()
    signal.signal(signal.SIGINT, previous)
    watcher = Watcher(submission, exercises, limits, verbose)
    folder = submission.path
    files = ", ".join(e.name + ".py/.ipynb" for e in exercises)
    try:
        shot = snapshot(folder, exercises)
        _say(watcher.first())
        _say(f"grade: watching {terminal_safe(str(folder), 1, 300)} ({files}); Ctrl-C to stop.")
        while True:
            time.sleep(POLL_S)
            now = snapshot(folder, exercises)
            due = changed(shot, now, exercises)
            if not due:
                continue
            settled = _settled(folder, exercises, now)
            due = changed(shot, settled, exercises) or due  # saved again while settling: whatever changed since the last run
            shot = settled
            _say(f"\n{time.strftime('%H:%M:%S')} regrading {', '.join(e.name for e in due)}")
            _say(watcher.again(due))
    except KeyboardInterrupt:
        click.echo("\ngrade: watch stopped (Ctrl-C).", err=True)
    finally:
        end_template()
    return INTERRUPTED
