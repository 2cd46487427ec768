"""Progress of a batch on stderr: a bar with an ETA on a terminal, plain lines elsewhere."""
from __future__ import annotations

import sys
import time
from typing import TextIO

from grader.report.text import terminal_safe
from grader.results import SubmissionResult


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, width: int = 28):
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.width = width
        self.done = 0
        self.began = time.monotonic()

    def advance(self, result: SubmissionResult, reused: bool = False) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.began
        remaining = elapsed / self.done * (self.total - self.done)
        name = terminal_safe(result.id, 1, 40)
        what = f"{name} {result.score:g}/{result.max_score:g}" + (" (unchanged, kept)" if reused else "")
        if self.tty:
            filled = int(self.width * self.done / self.total)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}  ETA {_clock(remaining)}  {what[:50]:<50}")
            if self.done == self.total:
                self.stream.write(f"\n{self.total} graded in {_clock(elapsed)}\n")
        else:
            self.stream.write(f"graded {self.done}/{self.total}: {what} ({result.duration_s:.2f} s)\n")
        self.stream.flush()
