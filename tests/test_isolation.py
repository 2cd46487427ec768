"""Workers reach no other process and leave nothing behind; replies are bounded before they are decoded; the judge undoes tampering.

The red-team corpus (tests/test_redteam.py) shows the same end to end; these tests pin each
mechanism down on its own: the seccomp rules for tiers without namespaces, the PID and IPC
namespaces, the subtree sweep and cgroup kill, the archive checks, the validation budget,
capped error details, and the launcher's checks of the judge's and the template's settings.
"""
from __future__ import annotations

import ctypes
import errno
import io
import json
import os
import resource
import signal
import sys
import time
import zipfile
from pathlib import Path

import pytest
import torch

from conftest import make_submission
from grader import protocol, settings
from grader.observations import ObservationError, validate
from grader.session import WorkerLimits, WorkerSession, sanitize_error
from grader.worker import cgroups, sandbox, seccomp, template

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def in_child(action) -> dict:
    """Run `action()` in a forked child and return the JSON-able dict it returns."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            os.write(write, json.dumps(action()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def outcome(call) -> str:
    try:
        call()
        return "ok"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))


def reach_the_parent(outside_rules: bool, parent: int) -> dict:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def raw(number, *args):
        if libc.syscall(number, *args) < 0:
            raise OSError(ctypes.get_errno(), "")

    column = seccomp.ARCHES[os.uname().machine][1]
    number = {name: numbers[column] for name, numbers in seccomp.NUMBERS.items()}
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
    seccomp.install(outside_rules)
    return {
        "prlimit parent": outcome(lambda: resource.prlimit(parent, resource.RLIMIT_NOFILE, nofile)),
        "prlimit self": outcome(lambda: resource.prlimit(0, resource.RLIMIT_NOFILE, nofile)),
        "setpriority parent": outcome(lambda: os.setpriority(os.PRIO_PROCESS, parent, os.getpriority(os.PRIO_PROCESS, parent))),
        "setpriority user": outcome(lambda: os.setpriority(os.PRIO_USER, 0, os.getpriority(os.PRIO_USER, 0))),
        "affinity parent": outcome(lambda: os.sched_setaffinity(parent, os.sched_getaffinity(parent))),
        "affinity self": outcome(lambda: os.sched_setaffinity(0, os.sched_getaffinity(0))),
        "scheduler parent": outcome(lambda: os.sched_setscheduler(parent, os.sched_getscheduler(parent), os.sched_param(0))),
        "setsid": outcome(os.setsid),
        "kill -1": outcome(lambda: os.kill(-1, 0)),
        "kill parent": outcome(lambda: os.kill(parent, 0)),
        "pidfd_open": outcome(lambda: raw(number["pidfd_open"], parent, 0)),
        "shmget": outcome(lambda: raw(number["shmget"], 0, 4096, 0o1600)),
        "ptrace": outcome(lambda: raw(number["ptrace"], 0x4206, parent, 0, 0)),
        "unix socket": outcome(lambda: __import__("socket").socket(1).close()),
    }


@LINUX
@pytest.mark.skipif(not seccomp.supported(), reason="seccomp filter for x86_64 and aarch64 only")
def test_without_namespaces_seccomp_leaves_the_worker_only_itself():
    parent = os.getpid()
    before = in_child(lambda: reach_the_parent(False, parent))
    after = in_child(lambda: reach_the_parent(True, parent))
    assert before["prlimit parent"] == before["affinity parent"] == before["setsid"] == "ok"  # the rules make the difference
    assert {k: after[k] for k in ("prlimit parent", "setpriority parent", "setpriority user", "affinity parent", "scheduler parent", "setsid", "kill -1", "ptrace")} == dict.fromkeys(
        ("prlimit parent", "setpriority parent", "setpriority user", "affinity parent", "scheduler parent", "setsid", "kill -1", "ptrace"), "EPERM")
    assert after["pidfd_open"] == after["shmget"] == "ENOSYS"
    assert after["prlimit self"] == after["affinity self"] == after["kill parent"] == after["unix socket"] == "ok"


def test_the_seccomp_program_is_the_same_shape_on_both_machines():
    for machine in seccomp.ARCHES:
        short, long = seccomp.program(False, machine), seccomp.program(True, machine)
        assert len(long) > len(short) and long[-1] == (seccomp.BPF_RET_K, 0, 0, seccomp.RET_ALLOW)
        for code, jt, jf, _ in long:  # every jump lands inside the program
            assert code in (seccomp.BPF_LD_W_ABS, seccomp.BPF_JEQ_K, seccomp.BPF_JGE_K, seccomp.BPF_RET_K)


# -- the worker in its own PID and IPC namespaces ------------------------------------------------

NAMESPACES = sys.platform.startswith("linux") and sandbox.detect()["namespaces"]

LOOK_AROUND = '''
import ctypes, json, os
KEY = __KEY__
libc = ctypes.CDLL(None, use_errno=True)
segment = libc.shmget(KEY, 1 << 16, 0o1600)
seen = {"pid": os.getpid(), "ppid": os.getppid(), "proc": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()), "segment": segment}
print("SEEN=" + json.dumps(seen), flush=True)
'''


@pytest.mark.skipif(not NAMESPACES, reason="needs user, PID and IPC namespaces")
def test_the_worker_is_the_init_of_its_own_pid_namespace_with_private_ipc(tmp_path):
    key = 0x5EED0000 | (os.getpid() & 0xFFFF)
    look = LOOK_AROUND.replace("__KEY__", str(key))
    directory = make_submission(tmp_path / "s", {"my_linear.py": look + (Path(__file__).parent.parent / "solutions" / "my_linear.py").read_text()})
    with WorkerSession(directory, WorkerLimits(call_timeout_s=20)) as session:
        reply = session.call({"op": "load", "exercise": "my_linear"})
    seen = json.loads(reply.stdout.split("SEEN=", 1)[1].splitlines()[0])
    assert seen["pid"] == 1 and seen["ppid"] == 0, seen  # the supervisor that the template knows stays outside
    assert 1 in seen["proc"] and len(seen["proc"]) < 10, seen["proc"]  # its own /proc: the host's processes are not there
    assert seen["segment"] >= 0  # SysV IPC works, in the worker's own namespace ...
    host_keys = [int(line.split()[0]) for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]]
    assert key not in host_keys  # ... and nothing of it reaches the host or outlives the worker


# -- nothing outlives the worker ---------------------------------------------------------------------

CHAIN = '''
import os, sys, time
def level(depth):
    while True:
        os.setsid()
        if depth == 30:
            time.sleep(60)
            os._exit(0)
        child = os.fork()
        if child:
            for _ in range(20):
                os.waitpid(child, 0)
                child = os.fork()
                if child == 0:
                    break
            else:
                os._exit(0)
        depth += 1
if os.fork() == 0:
    level(0)
time.sleep(0.5)
os._exit(0)
'''


@LINUX
def test_the_sweep_kills_a_regrowing_setsid_chain_in_one_go():
    """As the template does: a subreaper whose escaped descendants form a deep chain that regrows."""

    def run() -> dict:
        sandbox.become_subreaper()
        starter = os.fork()
        if starter == 0:
            os.execv(sys.executable, [sys.executable, "-c", CHAIN])
        os.waitpid(starter, 0)
        time.sleep(1.0)  # the chain is 30 deep by now
        grown = len(descendants())
        began = time.monotonic()
        template.sweep(set())
        return {"grown": grown, "left": len(descendants()), "seconds": time.monotonic() - began}

    def descendants() -> list[int]:
        found, todo = [], [os.getpid()]
        while todo:
            children = template.children_of(todo.pop())
            found += children
            todo += children
        return found

    result = in_child(run)
    assert result["grown"] >= 20, result
    assert result["left"] == 0, result
    assert result["seconds"] < 5, result


@pytest.mark.skipif(not (sys.platform.startswith("linux") and cgroups.available()), reason="needs cgroups (root)")
def test_a_cgroup_is_emptied_and_removed_although_its_tree_keeps_forking():
    made = cgroups.create(f"grade-test-{os.getpid()}", 1 << 30, 64)
    pid = os.fork()
    if pid == 0:
        cgroups.join(made)
        while True:  # a fork bomb bounded by pids.max: it keeps replacing what is killed
            try:
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
            except OSError:
                time.sleep(0.001)
    time.sleep(0.5)
    assert len(made.members()) > 10
    made.remove()
    os.waitpid(pid, 0)
    assert not any(path.exists() for path in made.paths), made.paths


# -- replies are bounded before they are decoded -----------------------------------------------------


def archive(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as written:
        for name, data in members.items():
            written.writestr(name, data)
    return out.getvalue()


def torch_members(message) -> dict[str, bytes]:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    saved = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return {info.filename: saved.read(info) for info in saved.infolist()}


def test_a_compressed_archive_member_is_refused_before_torch_load():
    members = torch_members({"ok": True, "value": torch.zeros(1000)})
    assert protocol.decode(archive(members))["value"].shape == (1000,)  # stored: accepted, re-written by the judge
    with pytest.raises(protocol.ProtocolError, match="compressed or encrypted archive member"):
        protocol.decode(archive(members, zipfile.ZIP_DEFLATED))


def test_overlapping_or_too_many_archive_members_are_refused():
    members = torch_members({"ok": True, "value": torch.zeros(1000)})
    many = {**members, **{f"archive/extra/{i}": b"" for i in range(protocol.MAX_MEMBERS)}}
    with pytest.raises(protocol.ProtocolError, match="archive members, over the limit"):
        protocol.decode(archive(many))
    assert protocol._archive_problem([zipfile.ZipInfo("a"), zipfile.ZipInfo("a")], 100) == "archive members with the same name"
    big = zipfile.ZipInfo("a")
    big.file_size = big.compress_size = 200
    assert "overlap" in protocol._archive_problem([big], 100)


def test_shared_references_are_counted_each_time_and_validation_stops_early():
    value = [0.5]
    for _ in range(10):
        value = [value] * 40
    began = time.monotonic()
    with pytest.raises(ObservationError, match="more than 200000 values"):
        validate(protocol.decode(protocol.encode({"value": value})[protocol.HEADER.size:])["value"])
    assert time.monotonic() - began < 2
    text = "x" * 100_000
    with pytest.raises(ObservationError, match="characters of text"):
        validate([text] * 100)
    assert validate([text] * 10) == [text] * 10  # 1 MB of text in all is fine


def test_error_details_are_capped_however_large_they_are_sent():
    huge = "y" * 100_000
    error = sanitize_error({"kind": "missing_class", "details": {"nested": {"a": {"b": {"c": huge}}}, "expected": huge, "similar": [huge] * 100}})
    details = error["details"]
    assert len(json.dumps(details)) < 15_000
    assert details["expected"] == huge[:300] and len(details["similar"]) <= 50
    assert details["nested"]["a"]["b"] is None  # deeper than three levels


# -- the judge checks its own and the template's settings ----------------------------------------------


@LINUX
def test_a_template_whose_limits_or_nice_changed_is_replaced_and_the_judges_own_are_restored():
    from grader.launcher import Launcher

    launcher = Launcher("none")
    try:
        launcher.start()
        launcher.isolation_report()  # ready
        first = launcher._process.pid
        soft, hard = resource.prlimit(first, resource.RLIMIT_NOFILE)
        resource.prlimit(first, resource.RLIMIT_NOFILE, (16, hard))
        os.setpriority(os.PRIO_PROCESS, first, os.getpriority(os.PRIO_PROCESS, first) + 1)
        own = resource.getrlimit(resource.RLIMIT_MSGQUEUE)
        resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, own[1]))
        launcher.check_integrity()
        assert resource.getrlimit(resource.RLIMIT_MSGQUEUE) == own
        assert launcher._process.pid != first
        assert any(t.startswith("template: RLIMIT_NOFILE") for t in launcher.tampering), launcher.tampering
        assert any(t.startswith("judge: RLIMIT_MSGQUEUE") for t in launcher.tampering), launcher.tampering
        launcher.isolation_report()
        assert settings.changes(settings.read(os.getpid()), settings.read(launcher._process.pid)) == []  # the fresh one is like us
        launcher.check_integrity()
        assert launcher._process.pid is not None and len(launcher.tampering) == 2
    finally:
        launcher.close()


@LINUX
def test_limits_the_judge_cannot_restore_stop_the_grading(monkeypatch):
    from grader.launcher import Launcher, LauncherError

    launcher = Launcher("none")
    launcher._judge_settings = settings.read(os.getpid())
    own = resource.getrlimit(resource.RLIMIT_MSGQUEUE)
    monkeypatch.setattr(settings, "restore_own", lambda baseline: ["RLIMIT_MSGQUEUE (not allowed)"])
    resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, own[1]))
    try:
        launcher.check_judge()
    finally:
        resource.setrlimit(resource.RLIMIT_MSGQUEUE, own)
    with pytest.raises(LauncherError, match="cannot be restored: RLIMIT_MSGQUEUE"):
        launcher._ensure_ready()
