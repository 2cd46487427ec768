"""Where a submission is graded: the facts that go into its fingerprint and its record.

A cluster's nodes need not match the machine that started the run (another torch, a GPU, a
container without user namespaces), so the fingerprint is computed where the grading ran,
from that machine's torch, CUDA and achieved isolation tier, and `--resume` keeps a record
only when the machines grading now would compute the same one.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.session import WorkerLimits


@dataclass
class Place:
    host: str
    torch_version: str
    devices: list[str]
    isolation: dict[str, Any] = field(default_factory=dict)  # grader.worker.sandbox.choose's report

    def environment(self, limits: WorkerLimits) -> str:
        """The part of the fingerprint that is this machine's: torch, devices, limits, isolation mode and tier."""
        return (f"torch {self.torch_version}; devices {', '.join(self.devices)}; limits {limits}; "
                f"isolation {self.isolation.get('mode', 'auto')} tier {self.isolation.get('tier', '?')}")

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "torch_version": self.torch_version, "devices": list(self.devices), "isolation": self.isolation}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Place":
        return cls(host=str(data.get("host", "")), torch_version=str(data.get("torch_version", "")),
                   devices=list(data.get("devices") or []), isolation=dict(data.get("isolation") or {}))


_here: dict[str, Place] = {}


def here(isolation_mode: str, isolation: dict[str, Any] | None = None) -> Place:
    """This machine, for `--isolation MODE` (computed once per process)."""
    if isolation_mode not in _here:
        import torch

        from grader.worker import sandbox

        devices = ["cpu"] + ([f"cuda:0 ({torch.cuda.get_device_name(0)})"] if torch.cuda.is_available() else [])
        report = isolation if isolation is not None else sandbox.choose(sandbox.detect(), isolation_mode)
        _here[isolation_mode] = Place(socket.gethostname(), str(torch.__version__), devices, report)
    return _here[isolation_mode]


TIERS = ("process", "kernel-features", "namespaces", "root-extras")  # weakest first (grader.worker.sandbox.tier_name)


def weakest(places: list[Place]) -> Place | None:
    """The place with the weakest isolation: what a report of a mixed run must own up to."""
    if not places:
        return None
    return min(places, key=lambda p: TIERS.index(p.isolation.get("tier")) if p.isolation.get("tier") in TIERS else -1)


def pack_root() -> str | None:
    """The active exercise pack's folder, for judges elsewhere; None for the built-in one (theirs is the same)."""
    from grader import pack

    chosen = pack.active()
    return None if chosen.builtin else str(chosen.root)


def use_pack(root: str | None) -> None:
    """Activate the coordinator's pack here (a Dask worker, a Slurm task) before any judge or template starts.

    The folder must be at the same path here: on the shared file system, like the submissions.
    """
    from grader import pack

    chosen = pack.active()
    wanted = Path(root).resolve() if root else pack.default_root()
    if chosen.root != wanted:
        pack.activate(pack.load(wanted))
