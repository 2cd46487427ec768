"""The judge's and the template's resource limits and scheduling, checked after every submission.

A worker that can reach the judge or the template (at the process tier: no PID namespace,
no seccomp) can lower their rlimits or their scheduling with prlimit, setpriority,
sched_setaffinity or sched_setscheduler, and every later worker would inherit it (a
template with RLIMIT_NOFILE=4 fails every later submission; a judge with RLIMIT_FSIZE=1
dies writing its reports). The launcher reads both when it starts, compares after each
worker is reaped, restores the judge's own settings and restarts a changed template.

Scheduling is per thread on Linux: every thread is compared with what the main thread had.
"""
from __future__ import annotations

import os
import resource
from dataclasses import dataclass

RLIMITS = {name: getattr(resource, name) for name in sorted(dir(resource)) if name.startswith("RLIMIT_")}


@dataclass(frozen=True)
class Scheduling:
    affinity: frozenset[int] | None
    nice: int | None
    policy: int | None


@dataclass(frozen=True)
class Settings:
    """What a process's children inherit and a same-user process can change."""

    rlimits: dict[str, tuple[int, int]]
    threads: dict[int, Scheduling]
    main: Scheduling  # the main thread's, which every thread is held to


def _scheduling(tid: int) -> Scheduling:
    def attempt(read):
        try:
            return read()
        except (OSError, AttributeError):
            return None

    affinity = attempt(lambda: frozenset(os.sched_getaffinity(tid)))
    return Scheduling(affinity, attempt(lambda: os.getpriority(os.PRIO_PROCESS, tid)), attempt(lambda: os.sched_getscheduler(tid)))


def threads_of(pid: int) -> list[int]:
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return [pid]


def read(pid: int) -> Settings:
    """`pid`'s rlimits and each of its threads' scheduling (a same-user process, or ourselves)."""
    rlimits = {}
    for name, which in RLIMITS.items():
        try:
            rlimits[name] = resource.prlimit(pid, which) if pid != os.getpid() else resource.getrlimit(which)
        except (OSError, ValueError):
            continue
    threads = {tid: _scheduling(tid) for tid in threads_of(pid)}
    return Settings(rlimits, threads, threads.get(pid) or _scheduling(pid))


def changes(baseline: Settings, now: Settings) -> list[str]:
    """What differs from the baseline, one phrase each; every thread is held to the main thread's scheduling."""
    found = [f"{name} {baseline.rlimits[name]} -> {value}" for name, value in now.rlimits.items() if baseline.rlimits.get(name, value) != value]
    expected = baseline.main
    for tid, current in sorted(now.threads.items()):
        for field in ("affinity", "nice", "policy"):
            before, after = getattr(expected, field), getattr(current, field)
            if before is not None and after is not None and _worse(field, before, after):
                shown = (sorted(before), sorted(after)) if field == "affinity" else (before, after)
                found.append(f"thread {tid} {field} {shown[0]} -> {shown[1]}")
    return found


def _worse(field: str, before, after) -> bool:
    """Only what slows a process down counts: a higher nice, fewer CPUs, another policy (a worker has no
    CAP_SYS_NICE, so it cannot do the opposite; the machine's own tuning, such as a renice to -20, is not an attack)."""
    if field == "nice":
        return after > before
    if field == "affinity":
        return not after >= before
    return after != before


def restore_own(baseline: Settings) -> list[str]:
    """Put this process's rlimits and scheduling back; what could not be restored (a non-root judge cannot raise a lowered hard limit or its nice)."""
    failed = []
    for name, value in baseline.rlimits.items():
        try:
            if resource.getrlimit(RLIMITS[name]) != value:
                resource.setrlimit(RLIMITS[name], value)
        except (OSError, ValueError) as exc:
            failed.append(f"{name} ({exc})")
    for tid in threads_of(os.getpid()):
        failed += _restore_scheduling(tid, baseline.main)
    return failed


def _restore_scheduling(tid: int, expected: Scheduling) -> list[str]:
    current, failed = _scheduling(tid), []
    steps = (
        ("policy", lambda: os.sched_setscheduler(tid, expected.policy, os.sched_param(0))),
        ("nice", lambda: os.setpriority(os.PRIO_PROCESS, tid, expected.nice)),
        ("affinity", lambda: os.sched_setaffinity(tid, expected.affinity)),
    )
    for field, step in steps:
        before, after = getattr(expected, field), getattr(current, field)
        if before is None or after is None or not _worse(field, before, after):
            continue
        try:
            step()
        except ProcessLookupError:
            return failed  # the thread ended meanwhile
        except OSError as exc:
            failed.append(f"thread {tid} {field} ({exc.strerror})")
    return failed
