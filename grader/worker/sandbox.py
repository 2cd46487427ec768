"""What a freshly forked worker does to itself before it touches learner code.

Always: its own directory, a private home and temp directory, only the file descriptors it
needs, and resource limits. The stronger kernel features (Landlock, seccomp, namespaces)
are added by tier; `describe_tier` says what this machine offers.
"""
from __future__ import annotations

import ctypes
import os
import resource
from typing import Any, Iterable

PR_SET_CHILD_SUBREAPER = 36


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def become_subreaper() -> bool:
    """Orphaned descendants are reparented to us instead of init, so that we can kill them."""
    libc = _libc()
    return bool(libc is not None and hasattr(libc, "prctl") and libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def describe_tier() -> dict[str, Any]:
    return {"subreaper": os.path.isdir("/proc/self/task")}


CPU_GRACE_S = 5  # between the soft limit (SIGXCPU) and the hard one (SIGKILL)


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
        cap = (lambda v: v) if hard == resource.RLIM_INFINITY else (lambda v: min(v, hard))
        resource.setrlimit(which, (cap(value), cap(value + CPU_GRACE_S if key == "cpu_seconds" else value)))


def close_other_fds(keep: Iterable[int]) -> None:
    keep = sorted({0, 1, 2, *keep})
    start = 0
    for fd in keep:
        if fd > start:
            os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, 1 << 16)


def enter(workdir: str, config: dict[str, Any], keep_fds: Iterable[int]) -> None:
    """Confine this (child) process: directory, environment, descriptors, limits."""
    close_other_fds(keep_fds)
    home = config["home"]
    os.makedirs(home, exist_ok=True)
    os.chdir(workdir)
    os.environ["HOME"] = os.environ["TMPDIR"] = home
    import tempfile

    tempfile.tempdir = home
    set_limits(config.get("limits", {}))
