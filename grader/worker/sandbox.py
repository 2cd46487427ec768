"""What a freshly forked worker does to itself before it touches learner code.

Always: its own directory, a private home and temp directory, only the file descriptors it
needs, and resource limits. Then, by what this machine offers (`detect`) and what the
instructor asked for (`--isolation`): cgroups for the whole process tree (root), user,
network, mount, PID and IPC namespaces (no network, no other process within reach, IPC of
its own), Landlock (a filesystem allow-list that hides the hidden suites, the solutions and
everyone else's files; no TCP; no signals out), and a seccomp filter against network
sockets (and, without namespaces, against reaching other processes and SysV IPC).
docs/security.md explains what each stops.
"""
from __future__ import annotations

import ctypes
import glob
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any, Iterable

from grader.worker import cgroups, landlock, seccomp

PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 4, 24, 36, 47, 4
CAPABILITY_VERSION_3 = 0x20080522
CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWIPC = 0x10000000, 0x40000000, 0x00020000, 0x20000000, 0x08000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
PR_SET_PDEATHSIG = 1
FORWARDED_SIGNALS = (signal.SIGUSR1, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
CPU_GRACE_S = 5  # between the soft CPU limit (SIGXCPU) and the hard one (SIGKILL)
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf", "hosts", "host.conf", "gai.conf", "os-release", "mime.types")
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def become_subreaper() -> bool:
    """Orphaned descendants are reparented to us instead of init, so that we can kill them."""
    libc = _libc()
    return bool(libc is not None and hasattr(libc, "prctl") and libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


# -- what the machine offers --------------------------------------------------------------


def _namespaces_work() -> bool:
    """Try user, network, mount, PID and IPC namespaces in a throwaway child (it must be single-threaded),
    including the fork that makes the PID namespace's first process."""
    libc = _libc()
    if libc is None or not hasattr(libc, "unshare"):
        return False
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if libc.unshare(NAMESPACES) == 0:
                inner = os.fork()
                if inner == 0:
                    os._exit(0 if os.getpid() == 1 else 1)
                code = os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1])
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


FEATURES = ("landlock", "seccomp", "namespaces", "cgroups")


def detect(without: Iterable[str] = ()) -> dict[str, Any]:
    """The isolation features this machine supports (not yet what is used).

    `without` names features to report as absent (see FEATURES): how the red-team tests
    run the weaker tiers on a machine that has everything.
    """
    linux = sys.platform.startswith("linux")
    without = set(without)
    return {
        "landlock_abi": landlock.abi_version() if linux and "landlock" not in without else 0,
        "seccomp": linux and "seccomp" not in without and seccomp.supported(),
        "namespaces": linux and "namespaces" not in without and _namespaces_work(),
        "cgroups": linux and "cgroups" not in without and cgroups.available(),
        "subreaper": linux,
    }


def choose(available: dict[str, Any], mode: str) -> dict[str, Any]:
    """The features to use for `mode` (auto, strict or none), with what is missing and why."""
    if mode == "none":
        used = {"landlock_abi": 0, "seccomp": False, "namespaces": False, "cgroups": False, "subreaper": available["subreaper"]}
    else:
        used = dict(available)
    missing = []
    if not available["landlock_abi"]:
        missing.append("Landlock (Linux 5.13 or newer with Landlock enabled): without it learner code can read any file the grader's user can, the hidden suites and solutions included")
    if not available["namespaces"]:
        missing.append("user namespaces (unprivileged user namespaces enabled; on Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0): without them learner code may reach the network")
    if not available["seccomp"]:
        missing.append("seccomp (Linux on x86_64 or aarch64): without it learner code can open UDP sockets")
    if not available["cgroups"]:
        missing.append("cgroups (run as root with the memory and pids controllers): without them memory is limited per process, not for the whole process tree, and a fork bomb is limited only by RLIMIT_NPROC, which root ignores")
    abi = used["landlock_abi"]
    confined = bool(abi) and (used["namespaces"] or (abi >= 4 and used["seccomp"]))
    return {"mode": mode, "used": used, "missing": missing, "tier": tier_name(used), "confined": confined}


def tier_name(used: dict[str, Any]) -> str:
    if used["cgroups"] and (used["landlock_abi"] or used["namespaces"]):
        return "root-extras"
    if used["namespaces"]:
        return "namespaces"
    if used["landlock_abi"] or used["seccomp"]:
        return "kernel-features"
    return "process"


# -- the filesystem allow-list ---------------------------------------------------------------


def _allow_except(root: Path, forbidden: list[Path]) -> list[str]:
    """`root`, or, where a forbidden path lies inside it, its other children down to that path."""
    inside = [f for f in forbidden if f == root or root in f.parents]
    if not inside:
        return [str(root)]
    if any(f == root for f in inside):
        return []
    allowed: list[str] = []
    try:
        children = list(root.iterdir())
    except OSError:
        return []
    for child in children:
        allowed += _allow_except(child, inside)
    return allowed


def _too_broad(path: Path) -> bool:
    """A sys.path entry that would open far more than libraries: `/` (which `python -m` run from
    `/` puts first), or the home or temporary directory itself or one of their ancestors."""
    import tempfile

    if path == Path(path.anchor):
        return True
    for place in (Path.home(), Path(tempfile.gettempdir())):
        try:
            place = place.resolve()
        except (OSError, RuntimeError):
            continue
        if path == place or path in place.parents:
            return True
    return False


def readable_paths(grader_dir: Path, submission_dirs_root: Iterable[str] = (), hidden: Iterable[Path] = (),
                   worker_side: Iterable[Path] = ()) -> list[str]:
    """Python, its libraries and the system's, minus the grader's hidden material and the pack's
    (`hidden`: its suites, solutions and rules), plus the pack's probe files (`worker_side`)."""
    forbidden = [grader_dir, *(Path(p).resolve() for p in hidden)]
    checkout = grader_dir.parent
    prefixes = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    installed = any(checkout == p or p in checkout.parents for p in prefixes)  # site-packages
    if not installed or (checkout / "pyproject.toml").exists() or (checkout / "solutions").exists():
        forbidden.append(checkout)  # a source checkout or a copied grader: solutions/, tests/ and the rest stay hidden
    roots = {Path(p).resolve() for p in (*prefixes, *SYSTEM_DIRS, "/opt") if Path(p).exists()}
    roots |= {Path(p).resolve() for p in sys.path if p and Path(p).is_dir() and not _too_broad(Path(p).resolve())}
    roots |= {Path(sys.executable).parent, Path(os.path.realpath(sys.executable)).parent}
    allowed = sorted({path for root in roots for path in _allow_except(root, forbidden)})
    worker_side = [grader_dir / "__init__.py", grader_dir / "protocol.py", grader_dir / "worker", grader_dir / "probes",
                   grader_dir / "exercises.py", grader_dir / "pack.py", grader_dir / "authoring.py", grader_dir / "loader_options.py", *(Path(p).resolve() for p in worker_side)]
    etc = [f"/etc/{name}" for name in ETC_FILES]
    system = ["/proc", "/sys", "/dev/urandom", "/dev/random", "/dev/zero", "/dev/full"]
    return allowed + [str(p) for p in worker_side] + etc + system


def writable_paths(workdir: str, home: str) -> list[str]:
    return [workdir, home, "/dev/shm", "/dev/null", *glob.glob("/dev/nvidia*"), *glob.glob("/dev/dri/*")]


# -- applied in the child ---------------------------------------------------------------------


def set_limits(limits: dict[str, int | None]) -> None:
    names = {
        "memory_bytes": resource.RLIMIT_AS,
        "file_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
        "cpu_seconds": resource.RLIMIT_CPU,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in names.items():
        value = limits.get(key)
        if not value:
            continue
        _, hard = resource.getrlimit(which)
        soft_value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        hard_value = value + CPU_GRACE_S if key == "cpu_seconds" else value
        hard_value = hard_value if hard == resource.RLIM_INFINITY else min(hard_value, hard)
        resource.setrlimit(which, (soft_value, hard_value))
    if limits.get("max_processes") and os.geteuid() != 0:  # root ignores RLIMIT_NPROC: cgroups cover it
        ceiling = _tasks_of(os.getuid()) + int(limits["max_processes"])
        resource.setrlimit(resource.RLIMIT_NPROC, (ceiling, ceiling))


def _tasks_of(uid: int) -> int:
    """Processes and threads of `uid` now: RLIMIT_NPROC counts them all, system-wide."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            count += int(fields.get("Threads", "1").strip())
    return count


def close_other_fds(keep: Iterable[int]) -> None:
    keep = sorted({0, 1, 2, *keep})
    start = 0
    for fd in keep:
        if fd > start:
            os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 1 << 16)


def _enter_namespaces(gpu: bool = False) -> None:
    """New user, network, mount, PID and IPC namespaces; returns in the PID namespace's first process.

    No network; a private /dev/shm (and /run) where no GPU is used; SysV and POSIX message
    queue IPC of its own, gone with the worker; and a PID namespace whose first process (pid
    1, its init) is the worker itself, with a /proc that shows only its own processes. No
    process of the worker can name any other (prlimit, setpriority, sched_setaffinity, kill,
    ptrace, process_vm_readv, pidfd_open all take pids of its namespace), and when the
    worker ends the kernel kills every process left in the namespace, however deep or fast
    the tree regrows. The process that called unshare stays outside as the worker's
    supervisor (`_supervise`): the template knows its pid.

    The worker's own tmpfs on /dev/shm keeps what one learner leaves there (DataLoader needs
    it writable) away from the next; a tmpfs on /run hides the host's service sockets
    (Docker, D-Bus). Where a GPU is used both stay the host's: the NVIDIA driver was not
    measured with them replaced.
    """
    uid, gid = os.getuid(), os.getgid()
    libc = _libc()
    if libc.unshare(NAMESPACES) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    child = os.fork()
    if child != 0:
        _supervise(child)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the supervisor killed: so is the namespace
    libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None)  # nothing we mount reaches the host
    for target in () if gpu else (b"/dev/shm", b"/run", b"/var/run"):
        if os.path.isdir(target) and not os.path.islink(target):
            libc.mount(b"tmpfs", target, b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1g,mode=1777")
    # Our namespace's /proc; where the kernel refuses (a /proc with masked paths, as in some
    # containers), the host's stays: its pids then name nothing the worker can act on.
    libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)


def _supervise(child: int) -> None:
    """Outside the PID namespace: pass the judge's signals on to the worker, then end the way it ended. Never returns.

    The template and the judge know this process's pid; the worker (the namespace's init)
    only receives signals it handles, such as SIGUSR1 for its stack dump.
    """
    code = SUPERVISOR_FAILED
    try:
        # The worker's pipes stay open here too: the judge sees the end of the reply pipe only once this
        # process has ended as well, so the template then reports the worker's own signal, not its own SIGKILL.
        drop_capabilities()
        for number in FORWARDED_SIGNALS:
            signal.signal(number, lambda received, _frame: _forward(child, received))
        _, raw = os.waitpid(child, 0)
        if os.WIFSIGNALED(raw):
            number = os.WTERMSIG(raw)
            signal.signal(number, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
            os.kill(os.getpid(), number)
            code = 128 + number
        else:
            code = os.waitstatus_to_exitcode(raw)
    finally:
        os._exit(code)


def _forward(child: int, number: int) -> None:
    try:
        os.kill(child, number)
    except OSError:
        pass


SUPERVISOR_FAILED = 70  # the same status as a sandbox that could not be set up (template.SANDBOX_FAILED)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> bool:
    """Give up every capability, for good (bounding set too, so that no exec gets them back).

    A root worker keeps uid 0 and with it ownership of root's files, but loses what lets root
    step around the sandbox: CAP_SYS_PTRACE (reading the non-dumpable judge's environment and
    memory through /proc, which Landlock alone does not refuse for reads), CAP_SYS_RESOURCE
    (raising its own rlimits), CAP_SYS_MODULE, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE and the rest.
    In a user namespace it gives up the namespace's capabilities. True when done.
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "capset"):
        return False
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 63
    for capability in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # needs CAP_SETPCAP, so before capset
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    return libc.capset(ctypes.byref(_CapHeader(CAPABILITY_VERSION_3, 0)), (_CapData * 2)()) == 0


def _initialise_cuda() -> None:
    """Open the GPU before Landlock: the NVIDIA driver's first use needs files outside the allow-list.

    Measured on an H100 machine: CUDA fails with error 304 when first used under the
    allow-list, and works when initialised before it. The template never touches CUDA, so
    each forked worker gets its own context.
    """
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.init()
            torch.zeros(1, device="cuda")
    except Exception:
        pass  # the CUDA checks then fail with the driver's own message


def set_dumpable(dumpable: bool) -> None:
    """Non-dumpable: a process of the same (non-root, or capability-less root) user cannot read our memory or environment."""
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(PR_SET_DUMPABLE, int(dumpable), 0, 0, 0)


def enter(workdir: str, config: dict[str, Any], keep_fds: Iterable[int]) -> None:
    """Confine this (child) process; the order matters: cgroups and limits need privilege first."""
    set_dumpable(True)  # the template is not; the worker's /proc/self must be its own (uid_map, below)
    close_other_fds(keep_fds)
    home = config["home"]
    os.makedirs(home, exist_ok=True)
    os.chdir(workdir)
    os.environ["HOME"] = os.environ["TMPDIR"] = home
    import tempfile

    tempfile.tempdir = home
    used = config.get("isolation", {}).get("used", {})
    limits = dict(config.get("limits", {}))
    if config.get("gpu"):
        limits["memory_bytes"] = None  # CUDA reserves far more address space than it uses
    # With cgroups, the per-process limit stays too: one huge allocation then fails at once,
    # with a MemoryError at the learner's line, instead of thrashing against the cgroup.
    set_limits(limits)
    if used.get("namespaces"):
        _enter_namespaces(bool(config.get("gpu")))  # before CUDA: unshare needs a single-threaded process
    if config.get("gpu"):
        _initialise_cuda()
    drop_capabilities()  # at every tier: without it a root worker could raise its limits and read the judge through /proc
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(seccomp.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if used.get("landlock_abi"):
        landlock.restrict(config["readable"], writable_paths(workdir, home), used["landlock_abi"])
    if used.get("seccomp"):
        seccomp.install(outside_rules=not used.get("namespaces"))
