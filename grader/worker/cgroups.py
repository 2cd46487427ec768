"""Control groups for a worker's whole process tree: a memory cap and a process cap (root only).

Unlike rlimits, a cgroup limit covers every process the learner starts (DataLoader workers
included) and holds for root too. Both layouts are handled: cgroup v2, and v1's separate
`memory` and `pids` hierarchies. Anything missing or not writable means: not available.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def _own_path(controller: str) -> str | None:
    """This process's cgroup path in `controller`'s hierarchy ('' for v2)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
        if controller == "" and controllers == "":
            return path
    return None


def _v2_base() -> Path | None:
    if not (ROOT / "cgroup.controllers").is_file():
        return None
    own = _own_path("")
    base = ROOT / (own or "/").lstrip("/")
    controllers = set((ROOT / "cgroup.controllers").read_text().split())
    return base if {"memory", "pids"} <= controllers else None


def _v1_base(controller: str) -> Path | None:
    own = _own_path(controller)
    if own is None or not (ROOT / controller).is_dir():
        return None
    return ROOT / controller / own.lstrip("/")


@dataclass
class WorkerCgroups:
    """The cgroup directories made for one worker; `remove` when it is gone."""

    paths: list[Path] = field(default_factory=list)
    memory_events: Path | None = None

    def out_of_memory(self) -> bool:
        if self.memory_events is None or not self.memory_events.exists():
            return False
        text = self.memory_events.read_text()
        if self.memory_events.name == "memory.failcnt":
            return int(text.strip() or 0) > 0
        counts = dict(line.split() for line in text.splitlines() if line.strip())
        return int(counts.get("oom_kill", 0)) > 0 or int(counts.get("oom", 0)) > 0

    def remove(self) -> None:
        for path in self.paths:
            try:
                path.rmdir()
            except OSError:
                pass


def available() -> bool:
    """Whether a worker cgroup with both limits can really be made here: try one."""
    if os.geteuid() != 0:
        return False
    try:
        trial = create(f"grade-probe-{os.getpid()}", 1 << 30, 64)
    except OSError:
        return False
    trial.remove()
    return True


def create(name: str, memory_bytes: int | None, max_processes: int | None) -> WorkerCgroups:
    """Make the cgroup(s) for a worker, before it starts; raises OSError when impossible."""
    made = WorkerCgroups()
    try:
        v2 = _v2_base()
        if v2 is not None:
            path = v2 / name
            path.mkdir()
            made.paths.append(path)
            if memory_bytes:
                (path / "memory.max").write_text(str(memory_bytes))
                if (path / "memory.swap.max").exists():
                    (path / "memory.swap.max").write_text("0")
            if max_processes:
                (path / "pids.max").write_text(str(max_processes))
            made.memory_events = path / "memory.events"
            return made
        for controller in ("memory", "pids"):
            base = _v1_base(controller)
            if base is None:
                raise OSError(f"no {controller} cgroup hierarchy")
            path = base / name
            path.mkdir()
            made.paths.append(path)
        if memory_bytes:
            (made.paths[0] / "memory.limit_in_bytes").write_text(str(memory_bytes))
            made.memory_events = made.paths[0] / "memory.failcnt"
        if max_processes:
            (made.paths[1] / "pids.max").write_text(str(max_processes))
    except OSError:
        made.remove()  # half-made: leave nothing behind
        raise
    return made


def join(cgroups: WorkerCgroups, pid: int = 0) -> None:
    """Move `pid` (0: this process) into the worker's cgroups."""
    for path in cgroups.paths:
        (path / "cgroup.procs").write_text(str(pid or os.getpid()))
