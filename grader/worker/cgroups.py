"""Control groups for a worker's whole process tree: a memory cap and a process cap (root only).

Unlike rlimits, a cgroup limit covers every process the learner starts (DataLoader workers
included) and holds for root too. Both layouts are handled: cgroup v2, and v1's separate
`memory` and `pids` hierarchies. Anything missing or not writable means: not available.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
EMPTY_WAIT_S = 5.0  # for the killed processes to finish exiting, before the directories are removed


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
    pids_max: Path | None = None
    kill_file: Path | None = None  # cgroup v2's cgroup.kill: every process in the group, at once

    def out_of_memory(self) -> bool:
        if self.memory_events is None or not self.memory_events.exists():
            return False
        text = self.memory_events.read_text()
        if self.memory_events.name == "memory.failcnt":
            return int(text.strip() or 0) > 0
        counts = dict(line.split() for line in text.splitlines() if line.strip())
        return int(counts.get("oom_kill", 0)) > 0 or int(counts.get("oom", 0)) > 0

    def kill(self) -> None:
        """Kill every process in the group; none can fork meanwhile (pids.max 0), so none is missed."""
        for path, value in ((self.pids_max, "0"), (self.kill_file, "1")):
            if path is not None:
                try:
                    path.write_text(value)
                except OSError:
                    pass
        deadline = time.monotonic() + EMPTY_WAIT_S
        while self.members() and time.monotonic() < deadline:
            for pid in self.members():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.005)

    def members(self) -> set[int]:
        pids: set[int] = set()
        for path in self.paths:
            try:
                pids |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                continue
        return pids

    def remove(self) -> None:
        """Kill what is left, then remove the directories (retrying while the last processes exit)."""
        self.kill()
        deadline = time.monotonic() + EMPTY_WAIT_S
        for path in self.paths:
            while path.exists():
                try:
                    path.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.01)


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
            made.pids_max = path / "pids.max"
            made.kill_file = path / "cgroup.kill" if (path / "cgroup.kill").exists() else None
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
        made.pids_max = made.paths[1] / "pids.max"
        _add_unified_kill_group(made, name)
    except OSError:
        made.remove()  # half-made: leave nothing behind
        raise
    return made


def _unified_mount() -> Path | None:
    """Where a cgroup v2 hierarchy is mounted beside v1's (a "hybrid" machine), if anywhere."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split(" - ", 1)
        if len(fields) == 2 and fields[1].split()[0] == "cgroup2":
            return Path(fields[0].split()[4])
    return None


def _add_unified_kill_group(made: WorkerCgroups, name: str) -> None:
    """On a v1 machine with a v2 hierarchy beside it, a v2 group too, only for its cgroup.kill."""
    mount = _unified_mount()
    own = _own_path("")
    if mount is None or own is None:
        return
    path = mount / own.lstrip("/") / name
    try:
        path.mkdir()
    except OSError:
        return
    made.paths.append(path)
    if (path / "cgroup.kill").exists():
        made.kill_file = path / "cgroup.kill"


def join(cgroups: WorkerCgroups, pid: int = 0) -> None:
    """Move `pid` (0: this process) into the worker's cgroups."""
    for path in cgroups.paths:
        (path / "cgroup.procs").write_text(str(pid or os.getpid()))
