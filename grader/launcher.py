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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grader

SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TZ", "CUDA_VISIBLE_DEVICES", "SYSTEMROOT")


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

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self.info: dict[str, Any] = {}

    def start(self) -> None:
        """Start the template without waiting for it to finish importing torch."""
        with self._lock:
            if self._process is not None:
                return
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            self._process = subprocess.Popen(
                [sys.executable, "-s", "-m", "grader.worker.template", "--control-fd", str(theirs.fileno())],
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
            reply = protocol.read_frame(self._control.fileno(), None)
        except (OSError, protocol.ProtocolError) as exc:
            raise LauncherError(f"the worker template stopped answering ({exc})") from None
        if not reply.get("ok"):
            raise LauncherError(str(reply.get("error")))
        return reply["value"]

    def _ensure_ready(self) -> None:
        self.start()
        if not self._ready:
            from grader import protocol

            assert self._control is not None
            try:
                self.info = protocol.read_frame(self._control.fileno(), None)["value"]
            except (OSError, protocol.ProtocolError) as exc:
                raise LauncherError(f"the worker template did not start ({exc})") from None
            self._ready = True

    def launch(self, workdir: Path, output_path: Path, sandbox: dict[str, Any]) -> LaunchedWorker:
        """Fork a fresh worker for `workdir`; its stdout and stderr go to `output_path`."""
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        output = os.open(output_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            with self._lock:
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

    def reap(self, pid: int) -> int | None:
        """Kill the worker's process group and leftovers; return its exit status if known."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                return None
            return self._request({"op": "reap", "pid": pid})["status"]

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


def default_launcher() -> Launcher:
    """The process-wide launcher, started on first use."""
    global _default
    if _default is None:
        _default = Launcher()
        import atexit

        atexit.register(_default.close)
    return _default
