"""The worker's request loop: read a request, run one probe, send back plain data."""
from __future__ import annotations

import faulthandler
import io
import signal
import sys
import time
from pathlib import Path
from typing import Any

from grader import protocol
from grader.worker import traps
from grader.worker.learner import Learner, LearnerError, ProbeFailure, describe_exception
from grader.worker.plain import to_plain

# The exercises' probe modules and traps, by exercise name: the template imports the pack's
# probes by path before it forks (`load_probes`), so a worker never reads the pack itself.
PROBES: dict[str, Any] = {}
FORBID: dict[str, tuple[str, ...]] = {}


def load_probes(pack_root: str | None) -> None:
    """Import every probe file of the pack (the built-in one without a root) under a private name."""
    from grader import pack

    chosen = pack.load(Path(pack_root)) if pack_root else pack.active()
    for exercise in chosen.exercises:
        PROBES[exercise.name] = pack.private_module(exercise.probes, "probes", exercise.name)
        FORBID[exercise.name] = exercise.forbid


def handle(request: dict[str, Any], learner: Learner) -> dict[str, Any]:
    op = request.get("op")
    if op == "load":
        module = learner.module(request["exercise"])
        names = sorted(n for n, v in vars(module).items() if isinstance(v, type) and v.__module__ == module.__name__)
        return {"ok": True, "value": {"classes": names[:50]}}
    if op == "probe":
        probes = PROBES[request["exercise"]]
        probe = getattr(probes, "probe_" + request["probe"])
        traps.configure(FORBID.get(request["exercise"], ()))
        result = probe(learner, **request.get("args", {}))
        return {"ok": True, "value": to_plain(result), "where": learner.last_called}
    return {"ok": False, "error": {"kind": "internal", "message": f"unknown request {op!r}"}}


def answer(request: dict[str, Any], learner: Learner) -> dict[str, Any]:
    learner.last_called = None
    learner.caveat = ""
    try:
        reply = handle(request, learner)
    except LearnerError as exc:
        reply = {"ok": False, "error": {"kind": "exception", "during": exc.during, **exc.info}}
    except ProbeFailure as exc:
        reply = {"ok": False, "error": {"kind": exc.kind, "message": exc.message, "details": to_plain(exc.details)}}
    except BaseException as exc:  # a probe bug, or learner code reached outside Learner.call
        info = describe_exception(exc, learner.submission_dir)
        kind = "exception" if info["frames"] else "internal"
        reply = {"ok": False, "error": {"kind": kind, "during": request.get("probe", op_name(request)), **info}}
    reply.setdefault("where", learner.last_called)
    if learner.caveat:
        reply["caveat"] = learner.caveat
    return reply


class CappedStream(io.TextIOBase):
    """sys.stdout/sys.stderr for learner code: keeps the first `cap` characters of each request.

    A learner who prints megabytes loses nothing but the text: the judge shows a capped
    excerpt anyway, and the output file stays small.
    """

    def __init__(self, target: Any, cap: int = 64_000):
        self.target, self.cap, self.kept, self.dropped = target, cap, 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = max(0, self.cap - self.kept)
        if room:
            self.target.write(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - room)
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def end_request(self) -> None:
        if self.dropped:
            self.target.write(f"\n... [{self.dropped} more characters printed, not kept]\n")
        self.target.flush()
        self.kept = self.dropped = 0


def op_name(request: dict[str, Any]) -> str:
    return str(request.get("op"))


def serve(read_fd: int, write_fd: int, submission_dir: str, started: float | None = None) -> None:
    started = time.monotonic() if started is None else started
    import torch  # noqa: F401  (imported here so that the hello frame reports its cost)

    learner = Learner(submission_dir)
    # On a time-out the judge sends SIGUSR1 and reads where the learner's code was stuck.
    faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=False, chain=False)
    streams = [CappedStream(sys.stdout), CappedStream(sys.stderr)]
    sys.stdout, sys.stderr = streams
    protocol.write_frame(write_fd, {"ok": True, "value": {"hello": True, "startup_s": time.monotonic() - started}})
    while True:
        try:
            request = protocol.read_frame(read_fd)
        except protocol.ChannelClosed:
            return
        reply = answer(request, learner)
        for stream in streams:
            try:
                stream.end_request()
            except Exception:
                pass
        try:
            protocol.write_frame(write_fd, reply)
        except Exception as exc:  # e.g. the learner returned something torch cannot save
            protocol.write_frame(write_fd, {"ok": False, "error": {"kind": "internal", "message": f"could not send the reply: {type(exc).__name__}"}})
