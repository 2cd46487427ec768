"""The judge's handle on one submission's worker: start it, send requests, survive its death.

If the worker crashes or runs past a request's timeout, the session has it killed with its
whole process tree, reports what happened for that request only, and starts a fresh worker
for the next one.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.launcher import Launcher, LauncherError, LaunchedWorker, default_launcher

# torch (through `protocol` and `observations`) is imported inside the methods that need it,
# so that workers can be started while the judge is still importing torch.

OUTPUT_CAP = 8_000


@dataclass
class WorkerLimits:
    """Per-call and per-worker limits; the defaults fit three learners' DataLoader workers."""

    call_timeout_s: float = 5.0
    startup_timeout_s: float = 60.0
    memory_bytes: int | None = 4 * 1024**3
    cpu_seconds: int | None = 300
    file_bytes: int = 16 * 1024 * 1024
    open_files: int = 512
    max_processes: int = 256

    def for_worker(self) -> dict[str, int | None]:
        return {
            "memory_bytes": self.memory_bytes, "cpu_seconds": self.cpu_seconds, "file_bytes": self.file_bytes,
            "open_files": self.open_files, "max_processes": self.max_processes,
        }


@dataclass
class Reply:
    """What one request produced: a validated value, a learner error, or a crash."""

    ok: bool
    value: Any = None
    error: dict[str, Any] | None = None
    crash: str | None = None
    where: dict[str, Any] | None = None
    stdout: str = ""
    duration_s: float = 0.0
    internal: bool = False  # the grader failed (no worker could be started), not the learner's code
    caveat: str = ""  # how the probe had to work around the learner's code (e.g. __init__ failed)


@dataclass
class Timings:
    worker_starts: int = 0
    worker_startup_s: list[float] = field(default_factory=list)
    calls: int = 0
    calls_s: float = 0.0


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "the process running your code stopped"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = {
            "SIGSEGV": " (a segmentation fault)",
            "SIGKILL": " (often: out of memory)",
            "SIGXCPU": " (it used up its CPU time)",
            "SIGXFSZ": " (it wrote too much output)",
        }.get(name, "")
        return f"the process running your code was killed by {name}{hint}"
    if returncode == 70:  # grader.worker.template.SANDBOX_FAILED
        return "the grader could not set up the sandbox for your code (an internal error: tell your instructor)"
    return f"the process running your code exited with status {returncode} (sys.exit or os._exit in your code?)"


class WorkerSession:
    """One submission's worker; restarts it after a crash or a timeout."""

    def __init__(self, submission_dir: Path, limits: WorkerLimits | None = None, launcher: Launcher | None = None):
        self.limits = limits or WorkerLimits()
        self.launcher = launcher or default_launcher()
        self.created_at = time.monotonic()
        self.root = Path(tempfile.mkdtemp(prefix="grade-"))
        self.workdir = self.root / "submission"
        self.notes = copy_submission(submission_dir, self.workdir)  # what was left out, by name
        self.timings = Timings()
        self.output_path = self.root / "output.txt"
        self.output_path.touch()
        self._worker: LaunchedWorker | None = None
        self._ready = False
        self._launch_error: str | None = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Have a worker forked for this submission, without waiting for it to say hello."""
        if self._worker is not None:
            return
        self.launcher.start()
        sandbox = {"home": str(self.root / "home"), "limits": self.limits.for_worker()}
        self._started_at = time.monotonic()
        try:
            self._worker = self.launcher.launch(self.workdir, self.output_path, sandbox)
        except LauncherError as exc:
            self._launch_error = str(exc)
            return
        self._ready = False
        self.timings.worker_starts += 1

    def _wait_ready(self) -> str | None:
        from grader import protocol

        assert self._worker is not None
        try:
            protocol.read_frame(self._worker.from_worker, time.monotonic() + self.limits.startup_timeout_s)
        except protocol.ChannelTimeout:
            return f"the worker did not start within {self.limits.startup_timeout_s:g} s"
        except protocol.ProtocolError:
            return self._death_message()
        self._ready = True
        self.timings.worker_startup_s.append(time.monotonic() - self._started_at)
        return None

    def stop(self) -> dict[str, Any]:
        """Kill the worker's whole process tree and forget it; say how it ended, if known."""
        worker, self._worker = self._worker, None
        if worker is None:
            return {"status": None, "oom": False}
        for fd in (worker.to_worker, worker.from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            return self.launcher.reap(worker.pid)
        except LauncherError:
            return {"status": None, "oom": False}

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "WorkerSession":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------

    def call(self, request: dict[str, Any], timeout_s: float | None = None) -> Reply:
        """Send one request and wait for its reply; never raises for the worker's faults."""
        timeout_s = timeout_s or self.limits.call_timeout_s
        began = time.monotonic()
        output_before = self.output_path.stat().st_size  # 0, or what a dead worker left unread
        reply = self._exchange(request, timeout_s)
        self.launcher.check_judge()  # a worker may have lowered our limits (RLIMIT_FSIZE: the reports would die)
        reply.stdout = self._read_output(output_before)
        os.truncate(self.output_path, 0)  # the worker appends: the file-size limit is then per call
        reply.duration_s = time.monotonic() - began
        self.timings.calls += 1
        self.timings.calls_s += reply.duration_s
        return reply

    def _exchange(self, request: dict[str, Any], timeout_s: float) -> Reply:
        from grader import protocol
        from grader.observations import ObservationError

        self.start()
        if self._worker is None:
            return Reply(ok=False, crash=f"the grader could not start a worker: {self._launch_error}", internal=True)
        if not self._ready:
            problem = self._wait_ready()
            if problem:
                self.stop()
                return Reply(ok=False, crash=problem)
        try:
            protocol.write_frame(self._worker.to_worker, request)
            raw = protocol.read_frame(self._worker.from_worker, time.monotonic() + timeout_s)
        except protocol.ChannelTimeout:
            where = self._where_stuck()
            self.stop()
            return Reply(ok=False, crash=f"timed out after {timeout_s:g} s (an endless loop, or far too slow?)", where=where)
        except (protocol.ChannelClosed, BrokenPipeError):
            return Reply(ok=False, crash=self._death_message())
        except protocol.ProtocolError as exc:
            self.stop()
            return Reply(ok=False, crash=f"the worker sent an invalid reply: {exc}")
        try:
            reply = validate_reply(raw)
        except ObservationError as exc:
            return Reply(ok=False, crash=f"your code returned something the grader cannot accept: {exc}")
        if reply.error is not None and self.limits.memory_bytes and out_of_memory_error(reply.error):
            reply.error["message"] += f" [your code exceeded the memory limit of {self.limits.memory_bytes / 2**30:g} GiB]"
        return reply

    def _where_stuck(self) -> dict[str, Any] | None:
        """Ask a worker that ran out of time for its stack (faulthandler on SIGUSR1); the learner's innermost line."""
        if self._worker is None:
            return None
        before = self.output_path.stat().st_size
        try:
            os.kill(self._worker.pid, signal.SIGUSR1)
        except OSError:
            return None
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline and self.output_path.stat().st_size == before:
            time.sleep(0.02)
        time.sleep(0.05)
        with open(self.output_path, "rb") as handle:
            handle.seek(before)
            dump = handle.read(64_000).decode("utf-8", errors="replace")
        with open(self.output_path, "r+b") as handle:
            handle.truncate(before)  # the stack dump is the grader's, not the learner's output
        prefix = str(self.workdir) + os.sep
        for match in STACK_FRAME.finditer(dump):  # most recent call first
            path, line = match.group(1), int(match.group(2))
            if path.startswith(prefix):
                return {"file": path[len(prefix):], "line": line}
        return None

    def _death_message(self) -> str:
        ended = self.stop()
        if ended.get("oom") and self.limits.memory_bytes:
            return f"your code exceeded the memory limit of {self.limits.memory_bytes / 2**30:g} GiB and was stopped"
        return describe_exit(ended.get("status"))

    def _read_output(self, offset: int) -> str:
        with open(self.output_path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(OUTPUT_CAP + 1)
            size = self.output_path.stat().st_size
        text = learner_output(data[:OUTPUT_CAP].decode("utf-8", errors="replace"), self.workdir)
        if size - offset > OUTPUT_CAP:
            text += f"\n... [output cut: {size - offset} bytes in all]"
        return text


TORCH_WARNING = re.compile(r"^\S*/torch/\S+\.py:\d+: \w*Warning: .*\n(?:(?:  |\t).*\n)?", re.M)
IGNORED_IN_TORCH = re.compile(r"^Exception ignored in: <function _MultiProcessingDataLoaderIter\.__del__.*\n(?:(?:  |\t).*\n|Traceback.*\n|\w+Error.*\n)*", re.M)


def learner_output(text: str, workdir: Path) -> str:
    """What the learner's code printed, as they would see it: their own paths relative, torch's own noise left out.

    A warning raised inside torch's files, or DataLoader's workers shutting down, is not
    something the learner printed; their own warnings stay, with `NAME.py:3` instead
    of the grader's private copy of their folder.
    """
    for folder in {str(workdir), os.path.realpath(workdir)}:
        text = text.replace(folder + os.sep, "")
    return IGNORED_IN_TORCH.sub("", TORCH_WARNING.sub("", text))


STACK_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
ALLOCATION_FAILED = re.compile(r"can't allocate memory|Cannot allocate memory|bad_alloc|Memory allocation (still )?failed|out of memory", re.IGNORECASE)


def out_of_memory_error(error: dict[str, Any]) -> bool:
    """An error the learner's code raised because an allocation failed (the per-process limit, RLIMIT_AS)."""
    return error.get("exc_type") == "MemoryError" or bool(ALLOCATION_FAILED.search(error.get("message") or ""))


def validate_reply(raw: Any) -> Reply:
    """The reply rebuilt from exact plain types under one budget (values, text, tensor elements, time)."""
    from grader.observations import Budget, ObservationError, validate

    budget = Budget()
    if type(raw) is not dict or type(raw.get("ok")) is not bool:
        raise ObservationError("a reply must be a dict with a boolean 'ok'")
    where = _place(validate(raw.get("where"), budget=budget))
    caveat = _text(raw.get("caveat"), 500)
    if raw["ok"]:
        return Reply(ok=True, value=validate(raw.get("value"), budget=budget), where=where, caveat=caveat)
    error = validate(raw.get("error"), budget=budget)
    if type(error) is not dict:
        raise ObservationError("an error reply must carry a dict")
    return Reply(ok=False, error=sanitize_error(error), where=where, caveat=caveat)


def _text(value: Any, limit: int = 2000) -> str:
    return value[:limit] if type(value) is str else ""


def _place(raw: Any) -> dict[str, Any] | None:
    """A file and line in the learner's files, or None when the worker sent anything else."""
    if type(raw) is not dict or type(raw.get("file")) is not str or type(raw.get("line")) is not int:
        return None
    return {"file": raw["file"][:300], "line": max(0, raw["line"])}


DETAIL_STRING, DETAIL_ITEMS, DETAIL_DEPTH, DETAIL_CHARS = 300, 50, 3, 10_000


def capped_details(value: Any) -> dict[str, Any]:
    """An error's `details` as plain data the reports can afford: every string capped, few items, little depth, bounded in all.

    The worker fills them (a missing class's near-misses, a file name), so they reach the
    JSON and HTML reports; without caps, 100 references to one 100 KB string became 130 MB.
    """
    left = [DETAIL_CHARS]

    def cap(item: Any, depth: int) -> Any:
        if item is None or type(item) in (bool, int, float):
            return item
        if type(item) is str:
            kept = item[: max(0, min(DETAIL_STRING, left[0]))]
            left[0] -= len(kept)
            return kept
        if depth >= DETAIL_DEPTH or left[0] <= 0:
            return None
        if type(item) in (list, tuple):
            return [cap(v, depth + 1) for v in list(item)[:DETAIL_ITEMS]]
        if type(item) is dict:
            return {k[:100]: cap(v, depth + 1) for k, v in list(item.items())[:DETAIL_ITEMS] if type(k) is str}
        return None  # tensors and object descriptions have no place in an error's details

    return cap(value, 0) if type(value) is dict else {}


def sanitize_error(raw: Any) -> dict[str, Any]:
    """An error report with exactly the fields and types the judge reads; the rest is dropped."""
    raw = raw if type(raw) is dict else {}
    frames = []
    for frame in raw.get("frames") if type(raw.get("frames")) is list else []:
        place = _place(frame)
        if place is not None:
            frames.append({**place, "function": _text(frame.get("function"), 200), "code": _text(frame.get("code"), 300)})
    return {
        "kind": _text(raw.get("kind"), 50), "message": _text(raw.get("message")), "exc_type": _text(raw.get("exc_type"), 100),
        "during": _text(raw.get("during"), 300), "not_implemented": raw.get("not_implemented") is True,
        "forbidden": _text(raw.get("forbidden"), 200) or None, "frames": frames[-8:],
        "details": capped_details(raw.get("details")),
    }


COPY_CAP_BYTES = 50 * 1024 * 1024  # a submission's files, exercise files not counted
MAX_LISTED = 12  # names listed in one note about files left out


def exercise_files() -> set[str]:
    """The names an exercise is handed in as, at the top of a submission: NAME.py, NAME.ipynb."""
    from grader.exercises import EXERCISES

    return {f"{e.name}{suffix}" for e in EXERCISES for suffix in (".py", ".ipynb")}


def shadows(name: str) -> str | None:
    """Which exercise a top-level entry would be imported as instead of its NAME.py (`NAME/`, `NAME.so`)."""
    import importlib.machinery

    from grader.exercises import EXERCISES

    suffixes = [*importlib.machinery.EXTENSION_SUFFIXES, *importlib.machinery.BYTECODE_SUFFIXES, ".pyw"]
    for exercise in EXERCISES:
        if name == exercise.name or any(name == exercise.name + suffix for suffix in suffixes):
            return exercise.filename
    return None


def _listed(names: list[str]) -> str:
    from grader.report.text import shown_name

    shown = ", ".join(shown_name(n, 120) for n in names[:MAX_LISTED])
    return shown + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")


def _copy_file(source_fd: int, target_fd: int, parts: tuple[str, ...]) -> None:
    from grader import files

    src_dir, dst_dir = files.open_parent(source_fd, parts), files.make_parent(target_fd, parts)
    try:
        reader = files.open_regular(parts[-1], src_dir)
        try:
            writer = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dst_dir)
            try:
                while chunk := os.read(reader, files.CHUNK):
                    os.write(writer, chunk)
            finally:
                os.close(writer)
        finally:
            os.close(reader)
    finally:
        os.close(src_dir)
        os.close(dst_dir)


def copy_submission(source: Path, target: Path, max_bytes: int = COPY_CAP_BYTES) -> list[str]:
    """Copy the submission's regular files privately; return notes on what was left out, by name.

    Never copied: links (symbolic or hard), pipes, devices, sockets, hidden files, and
    anything beside an exercise file that Python would import in its place (a `NAME/`
    package beside `NAME.py`). Exercise files are copied first and never count toward
    the cap; the other files are copied in name order while they fit in `max_bytes`.
    Problems with an exercise file itself are reported by `submission.locate_source`.

    An exercise handed in as a notebook, NAME.ipynb, also gets NAME.py in the copy: the
    definitions of its code cells, read as data in the judge (`grader/notebooks.py`), which
    the worker imports like any module.
    """
    from grader import files

    target.mkdir(parents=True)
    tree = files.scan(source)
    exercises = exercise_files()
    notes = [f"{_listed([path])} {why} (left out of grading)" for path, why in tree.left_out if path not in exercises]
    shadowing = sorted({entry.parts[0] for entry in tree.files if shadows(entry.parts[0])} | {f[0] for f in tree.folders if shadows(f[0])})
    folders = {f[0] for f in tree.folders}
    notes += [
        f"{_listed([name + ('/' if name in folders else '')])} would be imported instead of {shadows(name)}, so it was left out: rename it"
        for name in shadowing
    ]
    first = [e for e in tree.files if len(e.parts) == 1 and e.parts[0] in exercises]
    rest = [e for e in tree.files if e not in first and e.parts[0] not in shadowing]
    exempt = {e.parts for e in first}
    over, failed, total = [], [], 0
    source_fd, target_fd = os.open(source, files.DIR_FLAGS), os.open(target, files.DIR_FLAGS)
    try:
        for folder in tree.folders:
            if folder[0] not in shadowing:
                os.close(files.make_parent(target_fd, (*folder, "")))
        for entry in [*first, *rest]:
            if entry.parts not in exempt and total + entry.size > max_bytes:
                over.append(entry)
                continue
            try:
                _copy_file(source_fd, target_fd, entry.parts)
                total += 0 if entry.parts in exempt else entry.size
            except OSError as exc:
                failed.append(f"{_listed([entry.relative])} could not be copied ({exc.strerror or exc}), so it was left out")
    finally:
        os.close(source_fd)
        os.close(target_fd)
    if over:
        notes.append(
            f"left out of grading, past the {max_bytes / 2**20:g} MiB a submission's other files may hold in all: "
            + _listed([f"{e.relative} ({e.size / 1e6:.1f} MB)" for e in over])
        )
    from grader.notebooks import write_modules

    write_modules(target)
    notes += failed
    return notes[:MAX_LISTED * 2] + ([f"... and {len(notes) - MAX_LISTED * 2} more entries left out"] if len(notes) > MAX_LISTED * 2 else [])
