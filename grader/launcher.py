"""Starting workers: the judge's side of the warm template (`grader.worker.template`).

One launcher per judge process. It starts the template once (a Python that imports torch
and the worker code, with a scrubbed environment) and asks it to fork a fresh worker for
each submission, handing over the worker's pipes and output file. Forking from a warm
template costs milliseconds where a new interpreter costs an `import torch`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grader
from grader import settings

SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TZ", "CUDA_VISIBLE_DEVICES", "SYSTEMROOT")
MAX_RESTARTS = 3
STARTUP_TIMEOUT_S = 180.0  # importing torch on a loaded machine
REQUEST_TIMEOUT_S = 60.0


class LauncherError(Exception):
    """The template could not be started or stopped answering (never the learner's doing)."""


def worker_environment() -> dict[str, str]:
    """The environment workers inherit: an allow-list, nothing of the instructor's secrets."""
    env = {key: os.environ[key] for key in SAFE_ENV_KEYS if key in os.environ}
    env.update(
        PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", PYTHONHASHSEED="0", OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1", MALLOC_ARENA_MAX="2", PYTHONPATH=str(Path(grader.__file__).resolve().parent.parent),
    )
    return env


@dataclass
class LaunchedWorker:
    pid: int
    to_worker: int
    from_worker: int


class Launcher:
    """Owns the template process; thread-safe so that workers can be prepared ahead."""

    def __init__(self, isolation: str = "auto") -> None:
        self.isolation = isolation
        self._lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self._broken: str | None = None
        self.restarts = 0
        self.info: dict[str, Any] = {}
        self.tampering: list[str] = []  # what submissions changed in the judge or the template, for the record
        self._judge_settings: settings.Settings | None = None
        self._template_settings: settings.Settings | None = None

    def start(self) -> None:
        """Start the template without waiting for it to finish importing torch."""
        with self._lock:
            if self._process is not None:
                return
            from grader.worker.sandbox import set_dumpable

            set_dumpable(False)  # the judge: a worker of the same non-root user cannot read its memory
            if self._judge_settings is None:
                self._judge_settings = settings.read(os.getpid())
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            from grader import pack

            chosen = pack.active()  # the template imports this pack's probes
            command = [sys.executable, "-s", "-m", "grader.worker.template", "--control-fd", str(theirs.fileno()), "--isolation", self.isolation]
            self._process = subprocess.Popen(
                command if chosen.builtin else [*command, "--pack", str(chosen.root)],
                env=worker_environment(), stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), cwd="/",
            )
            theirs.close()
            self._control = ours

    def _request(self, message: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        from grader import protocol

        assert self._control is not None
        data = protocol.encode(message)
        try:
            if fds:
                sent = socket.send_fds(self._control, [data[: protocol.HEADER.size]], fds)
                self._control.sendall(data[sent:])
            else:
                self._control.sendall(data)
            reply = protocol.read_frame(self._control.fileno(), time.monotonic() + REQUEST_TIMEOUT_S)
        except (OSError, protocol.ProtocolError, protocol.ChannelTimeout) as exc:
            self._broken = f"the worker template stopped answering ({type(exc).__name__}: {exc})"
            raise LauncherError(self._broken) from None
        if not reply.get("ok"):
            raise LauncherError(str(reply.get("error")))
        return reply["value"]

    def _ensure_ready(self) -> None:
        if self._broken:
            raise LauncherError(self._broken)
        self.start()
        if not self._ready:
            from grader import protocol

            assert self._control is not None
            try:
                self.info = protocol.read_frame(self._control.fileno(), time.monotonic() + STARTUP_TIMEOUT_S)["value"]
            except (OSError, protocol.ProtocolError, protocol.ChannelTimeout) as exc:
                self._broken = f"the worker template did not start ({type(exc).__name__}: {exc})"
                raise LauncherError(self._broken) from None
            self._ready = True
            self._template_settings = settings.read(self._process.pid) if self._process is not None else None

    def launch(self, workdir: Path, output_path: Path, sandbox: dict[str, Any]) -> LaunchedWorker:
        """Fork a fresh worker for `workdir`; its stdout and stderr go to `output_path`."""
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        output = os.open(output_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            with self._lock:
                self._restart_if_dead()
                self._ensure_ready()
                value = self._request({"op": "launch", "workdir": str(workdir), "sandbox": sandbox}, [request_read, reply_write, output])
        except BaseException:
            for fd in (request_write, reply_read):
                os.close(fd)
            raise
        finally:
            for fd in (request_read, reply_write, output):
                os.close(fd)
        return LaunchedWorker(pid=int(value["pid"]), to_worker=request_write, from_worker=reply_read)

    def _restart_if_dead(self) -> None:
        """A template that died (a learner killed it at --isolation none, say) is started again, a few times."""
        if self._process is None or self._process.poll() is None or self.restarts >= MAX_RESTARTS:
            return
        self.restarts += 1
        if self._control is not None:
            self._control.close()
        self._process, self._control, self._ready, self._broken = None, None, False, None
        self.start()

    def reap(self, pid: int) -> dict[str, Any]:
        """Kill the worker's process group and leftovers; its exit status and whether it ran out of memory.

        Then, with nothing of the worker left, check that it changed neither the judge's nor
        the template's limits and scheduling (`check_integrity`).
        """
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self.check_judge()
                return {"status": None, "oom": False}
            ended = self._request({"op": "reap", "pid": pid})
            self.check_integrity()
            return ended

    def check_judge(self) -> None:
        """Restore this process's limits and scheduling if a worker changed them.

        A limit that cannot be restored (a non-root judge cannot raise a lowered hard limit)
        marks the launcher broken: every later check then fails as the grader's fault,
        instead of being graded under the attacker's limits. Scheduling that cannot be
        restored (a non-root judge cannot lower its nice) only slows the run: a warning.
        """
        with self._lock:
            if self._judge_settings is None:
                return
            found = settings.changes(self._judge_settings, settings.read(os.getpid()))
            if not found:
                return
            self.tampering.append("judge: " + "; ".join(found))
            failed = settings.restore_own(self._judge_settings)
            limits = [f for f in failed if f.startswith("RLIMIT_")]
            if limits:
                self._broken = f"a submission changed the grader's own resource limits and they cannot be restored: {', '.join(limits)}"
            elif failed:
                print(f"grade: warning: a submission changed the grader's scheduling and it cannot be restored: {', '.join(failed)}", file=sys.stderr)
                self._judge_settings = settings.read(os.getpid())

    def check_integrity(self) -> None:
        """The judge's check, then the template's: a template whose limits or scheduling changed is replaced by a fresh one."""
        with self._lock:
            self.check_judge()
            if self._template_settings is None or self._process is None or self._process.poll() is not None:
                return
            found = settings.changes(self._template_settings, settings.read(self._process.pid))
            if found:
                self.tampering.append("template: " + "; ".join(found))
                self.replace_template()

    def replace_template(self) -> None:
        """Stop the template (it reaps its workers) and start a fresh one, which inherits the judge's settings."""
        with self._lock:
            self.close()
            self._process, self._control, self._ready, self._template_settings = None, None, False, None
            self.start()

    def isolation_report(self) -> dict[str, Any]:
        """What the template's workers are isolated with (see grader.worker.sandbox.choose)."""
        with self._lock:
            self._ensure_ready()
            return self.info.get("isolation", {})

    def close(self) -> None:
        with self._lock:
            if self._control is not None:
                self._control.close()
                self._control = None
            if self._process is not None:
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
                self._process = None
            self._ready = False


_default: Launcher | None = None


def default_launcher(isolation: str | None = None) -> Launcher:
    """The process-wide launcher; `isolation` (auto, strict, none) applies when it is created."""
    global _default
    if _default is None:
        _default = Launcher(isolation or "auto")
        import atexit

        atexit.register(_default.close)
    return _default
