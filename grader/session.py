"""The judge's handle on one worker subprocess: start it, send requests, survive its death.

A session belongs to one submission. If the worker crashes or runs past a request's
timeout, the session kills its whole process group, reports what happened for that request
only, and starts a fresh worker for the next one.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grader

# torch (through `protocol` and `observations`) is imported inside the methods that need it,
# so that a worker can be started while the judge is still importing torch.

OUTPUT_CAP = 8_000
OUTPUT_FILE_LIMIT = 16 * 1024 * 1024
SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TZ", "CUDA_VISIBLE_DEVICES", "SYSTEMROOT")


@dataclass
class WorkerLimits:
    call_timeout_s: float = 5.0
    startup_timeout_s: float = 60.0
    memory_bytes: int | None = 4 * 1024**3


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


@dataclass
class Timings:
    worker_starts: int = 0
    worker_startup_s: list[float] = field(default_factory=list)
    calls: int = 0
    calls_s: float = 0.0


def _limit_resources(memory_bytes: int | None) -> None:
    """Runs in the child between fork and exec: only async-signal-safe-ish work."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_FILE_LIMIT, OUTPUT_FILE_LIMIT))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (a segmentation fault)" if name == "SIGSEGV" else " (often: out of memory)" if name == "SIGKILL" else ""
        return f"the process running your code was killed by {name}{hint}"
    return f"the process running your code exited with status {returncode} (sys.exit or os._exit in your code?)"


class WorkerSession:
    """One submission's worker; restarts it after a crash or a timeout."""

    def __init__(self, submission_dir: Path, limits: WorkerLimits | None = None):
        self.limits = limits or WorkerLimits()
        self.created_at = time.monotonic()
        self.root = Path(tempfile.mkdtemp(prefix="grade-"))
        self.workdir = self.root / "submission"
        copy_submission(submission_dir, self.workdir)
        self.timings = Timings()
        self.output_path = self.root / "output.txt"
        self.output_path.touch()
        self._process: subprocess.Popen | None = None
        self._to_worker = self._from_worker = -1
        self._pending_output = ""

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start a worker without waiting for it (so that the judge can work meanwhile)."""
        if self._process is not None:
            return
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        env = {key: os.environ[key] for key in SAFE_ENV_KEYS if key in os.environ}
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env.update(
            HOME=str(home), TMPDIR=str(home), PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1",
            PYTHONPATH=str(Path(grader.__file__).resolve().parent.parent), OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1", PYTHONHASHSEED="0",
        )
        memory = None if _cuda_possible() else self.limits.memory_bytes
        with open(self.output_path, "ab") as output:
            self._process = subprocess.Popen(
                [sys.executable, "-s", "-m", "grader.worker", "--read-fd", str(request_read),
                 "--write-fd", str(reply_write), "--submission", str(self.workdir)],
                cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                pass_fds=(request_read, reply_write), start_new_session=True,
                preexec_fn=lambda: _limit_resources(memory),
            )
        os.close(request_read)
        os.close(reply_write)
        self._to_worker, self._from_worker = request_write, reply_read
        self._started_at = time.monotonic()
        self._ready = False
        self.timings.worker_starts += 1

    def _wait_ready(self) -> str | None:
        from grader import protocol

        try:
            protocol.read_frame(self._from_worker, time.monotonic() + self.limits.startup_timeout_s)
        except protocol.ChannelTimeout:
            return f"the worker did not start within {self.limits.startup_timeout_s:g} s"
        except protocol.ProtocolError:
            return self._death_message()
        self._ready = True
        self.timings.worker_startup_s.append(time.monotonic() - self._started_at)
        return None

    def stop(self) -> None:
        """Kill the worker's whole process group and forget it."""
        process, self._process = self._process, None
        for fd in (self._to_worker, self._from_worker):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_worker = self._from_worker = -1
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()

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
        output_before = self.output_path.stat().st_size
        reply = self._exchange(request, timeout_s)
        reply.stdout = self._read_output(output_before)
        reply.duration_s = time.monotonic() - began
        self.timings.calls += 1
        self.timings.calls_s += reply.duration_s
        return reply

    def _exchange(self, request: dict[str, Any], timeout_s: float) -> Reply:
        from grader import protocol
        from grader.observations import ObservationError

        self.start()
        if not self._ready:
            problem = self._wait_ready()
            if problem:
                self.stop()
                return Reply(ok=False, crash=problem)
        try:
            protocol.write_frame(self._to_worker, request)
            raw = protocol.read_frame(self._from_worker, time.monotonic() + timeout_s)
        except protocol.ChannelTimeout:
            self.stop()
            return Reply(ok=False, crash=f"timed out after {timeout_s:g} s (an endless loop, or far too slow?)")
        except (protocol.ChannelClosed, BrokenPipeError):
            message = self._death_message()
            self.stop()
            return Reply(ok=False, crash=message)
        except protocol.ProtocolError as exc:
            self.stop()
            return Reply(ok=False, crash=f"the worker sent an invalid reply: {exc}")
        try:
            return validate_reply(raw)
        except ObservationError as exc:
            return Reply(ok=False, crash=f"your code returned something the grader cannot accept: {exc}")

    def _death_message(self) -> str:
        process = self._process
        if process is None:
            return "the worker is gone"
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the worker closed its channel without exiting"
        return describe_exit(code)

    def _read_output(self, offset: int) -> str:
        with open(self.output_path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(OUTPUT_CAP + 1)
            size = self.output_path.stat().st_size
        text = data[:OUTPUT_CAP].decode("utf-8", errors="replace")
        if size - offset > OUTPUT_CAP:
            text += f"\n... [output cut: {size - offset} bytes in all]"
        return text


def validate_reply(raw: Any) -> Reply:
    from grader.observations import ObservationError, validate

    if type(raw) is not dict or type(raw.get("ok")) is not bool:
        raise ObservationError("a reply must be a dict with a boolean 'ok'")
    where = raw.get("where")
    where = validate(where) if where is not None else None
    if raw["ok"]:
        return Reply(ok=True, value=validate(raw.get("value")), where=where)
    error = validate(raw.get("error"))
    if type(error) is not dict:
        raise ObservationError("an error reply must carry a dict")
    return Reply(ok=False, error=error, where=where)


def copy_submission(source: Path, target: Path, max_bytes: int = 50 * 1024 * 1024) -> None:
    """Copy the submission's regular files (no links, no hidden or special files) privately."""
    target.mkdir(parents=True)
    total = 0
    for folder, dirnames, filenames in os.walk(source, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in sorted(filenames):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            total += path.stat().st_size
            if total > max_bytes:
                return
            shutil.copyfile(path, target / relative / name)


def _cuda_possible() -> bool:
    """RLIMIT_AS breaks CUDA's address-space reservations; skip it where a GPU may be used."""
    return Path("/dev/nvidiactl").exists()
