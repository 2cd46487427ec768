"""The warm template: imports torch once, then forks one fresh worker per request.

The judge starts one template (`python -m grader.worker.template --control-fd N`) and
talks to it over a Unix socket. Each `launch` request carries the worker's pipes and
output file as passed file descriptors; the template forks, and the child becomes a
worker: a new session, its own directory, limits and sandbox applied, then the usual
request loop. No learner code ever runs in the template itself: learner modules are
imported only by the children, after the fork.

The template is the workers' parent and a child subreaper: it reports each worker's exit
status and, when a worker is stopped, kills its process group and any descendant that
escaped it (double fork, `setsid`).
"""
from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import grader
from grader import protocol
from grader.worker import cgroups, sandbox

MAX_FDS = 3
SANDBOX_FAILED = 70  # the exit status of a worker whose sandbox could not be set up


def receive(control: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """One request: a frame whose first bytes may carry file descriptors; None when the judge is gone."""
    try:
        return _receive(control)
    except (OSError, protocol.ProtocolError):
        return None, []


def _receive(control: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    header, fds, _, _ = socket.recv_fds(control, protocol.HEADER.size, MAX_FDS)
    if not header:
        return None, []
    while len(header) < protocol.HEADER.size:
        more = control.recv(protocol.HEADER.size - len(header))
        if not more:
            return None, fds
        header += more
    (size,) = protocol.HEADER.unpack(header)
    payload = b""
    while len(payload) < size:
        chunk = control.recv(size - len(payload))
        if not chunk:
            return None, fds
        payload += chunk
    return protocol.decode(payload), fds


def send(control: socket.socket, message: dict[str, Any]) -> None:
    control.sendall(protocol.encode(message))


def become_worker(request: dict[str, Any], fds: list[int], control: socket.socket, setup: dict[str, Any], groups: cgroups.WorkerCgroups | None) -> None:
    """Runs in the forked child; never returns."""
    code = SANDBOX_FAILED
    try:
        control.close()
        if groups is not None:
            cgroups.join(groups)
        read_fd, write_fd, output_fd = fds
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        sandbox.enter(request["workdir"], {**request["sandbox"], **setup}, keep_fds=(read_fd, write_fd, output_fd))
        os.dup2(output_fd, 1)  # only now: a failure above is the grader's, shown on the instructor's terminal
        os.dup2(output_fd, 2)
        os.close(output_fd)
        code = 1
        from grader.worker.serve import serve

        serve(read_fd, write_fd, request["workdir"], started=time.monotonic())
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        os._exit(code)


def children_of(pid: int) -> list[int]:
    """The children of `pid` (all its threads'), from /proc."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def strays_of(known: set[int]) -> list[int]:
    """Our children that are not live workers: escapees reparented to us."""
    me = os.getpid()
    return [p for p in children_of(me) if p not in known and p != me]


def reap(pid: int, workers: set[int], groups: dict[int, cgroups.WorkerCgroups]) -> dict[str, Any]:
    """Kill a worker's process group and every escaped descendant; say how it ended.

    With cgroups every process of the tree is killed at once (cgroup.kill, or each member
    while forks are refused); killpg kills the worker's process group atomically (without a
    PID namespace the seccomp filter keeps every descendant in it); the worker's PID
    namespace dies with its init; and `sweep` kills whatever was reparented to us.
    """
    made = groups.pop(pid, None)
    oom = made.out_of_memory() if made is not None else False
    if made is not None:
        made.kill()
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    status = None
    try:
        _, raw = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(raw)
    except ChildProcessError:
        pass
    workers.discard(pid)
    sweep(workers)
    if made is not None:
        oom = oom or made.out_of_memory()
        made.remove()
    return {"status": status, "oom": oom}


def sweep(workers: set[int], quiet_rounds: int = 3, limit_s: float = 10.0) -> None:
    """Kill what a worker left behind (reparented to us as subreaper), whole subtrees at a time,
    until several rounds in a row find nothing.

    Each round walks every stray's subtree and kills it top-down: a chain of `setsid`'d
    processes that regrows at its bottom dies in one round instead of one round per level.
    """
    if not os.path.isdir("/proc/self/task"):
        return
    quiet, deadline = 0, time.monotonic() + limit_s
    while quiet < quiet_rounds and time.monotonic() < deadline:
        strays = strays_of(workers)
        if not strays:
            quiet += 1
            time.sleep(0.001)
            continue
        quiet = 0
        for stray in strays:
            _kill_subtree(stray)
        for stray in strays:
            try:
                os.waitpid(stray, 0)
            except ChildProcessError:
                pass


def _kill_subtree(root: int) -> None:
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children_of(pid)  # before the kill: a dead process's list is gone
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass


def serve_template(control: socket.socket, mode: str, without: tuple[str, ...] = (), pack_root: str | None = None) -> None:
    sandbox.become_subreaper()
    sandbox.set_dumpable(False)  # workers run as our user: they must not read or ptrace the template
    import torch  # the point of the template: workers start with torch imported

    from grader import pack
    from grader.worker import devices, serve

    chosen = pack.load(Path(pack_root)) if pack_root else pack.active()
    pack.activate(chosen)
    serve.load_probes(pack_root)  # the pack's probes, by path, before any fork

    devices.warm_up()

    isolation = sandbox.choose(sandbox.detect(without), mode)
    grader_dir = Path(grader.__file__).resolve().parent
    readable = sandbox.readable_paths(grader_dir, hidden=chosen.hidden_paths(), worker_side=chosen.worker_paths())
    setup = {"isolation": isolation, "readable": readable, "gpu": Path("/dev/nvidiactl").exists()}
    used_cgroups = isolation["used"]["cgroups"]
    workers: set[int] = set()
    groups: dict[int, cgroups.WorkerCgroups] = {}
    send(control, {"ok": True, "value": {"ready": True, "pid": os.getpid(), "isolation": isolation, "torch": str(torch.__version__)}})
    try:
        for serial in itertools.count():
            request, fds = receive(control)
            if request is None:
                break
            op = request.get("op")
            if op == "launch" and len(fds) == MAX_FDS:
                made = None
                if used_cgroups:
                    limits = request["sandbox"].get("limits", {})
                    try:
                        made = cgroups.create(f"grade-{os.getpid()}-{serial}", limits.get("memory_bytes"), limits.get("max_processes"))
                    except OSError as exc:  # never fail a launch for it: rlimits still apply
                        print(f"grade: no cgroup for this worker ({exc})", file=sys.stderr)
                pid = os.fork()
                if pid == 0:
                    become_worker(request, fds, control, setup, made)
                for fd in fds:
                    os.close(fd)
                workers.add(pid)
                if made is not None:
                    groups[pid] = made
                send(control, {"ok": True, "value": {"pid": pid}})
            elif op == "reap":
                send(control, {"ok": True, "value": reap(int(request["pid"]), workers, groups)})
            else:
                for fd in fds:
                    os.close(fd)
                send(control, {"ok": False, "error": {"kind": "internal", "message": f"bad template request {op!r}"}})
    finally:  # the judge is gone or we failed: leave no worker and no cgroup behind
        for pid in list(workers):
            reap(pid, workers, groups)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.worker.template")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--isolation", choices=("auto", "strict", "none"), default="auto")
    parser.add_argument("--pack", default=None, help="the exercise pack's folder (default: the built-in pack)")
    # Testing only: act as if this machine lacked these features (comma-separated, sandbox.FEATURES).
    parser.add_argument("--without", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    without = tuple(f for f in args.without.split(",") if f)
    unknown = set(without) - set(sandbox.FEATURES)
    if unknown:
        parser.error(f"--without: unknown features {sorted(unknown)}")
    serve_template(socket.socket(fileno=args.control_fd), args.isolation, without, args.pack)


if __name__ == "__main__":
    main()
