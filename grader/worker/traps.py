"""Tripwires an exercise asks for with its `forbid` option: autograd, torch.optim.

A hand-written backward must not call autograd; an exercise that implements an optimizer
step by hand must not call torch.optim's. The pack says which (`forbid = ["autograd",
"optim"]`); `serve.py` sets the probed exercise's list before each probe runs, and the
probe wraps the calls that must obey it in `autograd_forbidden()`.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import torch

TARGETS: dict[str, list[tuple[Any, str, str]]] = {
    "autograd": [
        (torch.Tensor, "backward", "loss.backward() (Tensor.backward)"),
        (torch.autograd, "backward", "torch.autograd.backward"),
        (torch.autograd, "grad", "torch.autograd.grad"),
    ],
    "optim": [(torch.optim.Optimizer, "step", "a torch.optim optimizer's step()")],
}
_forbidden: tuple[str, ...] = ()  # the current exercise's `forbid` option


class ForbiddenCall(Exception):
    """Learner code called something the exercise forbids."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _tripwire(name: str):
    def trap(*args, **kwargs):
        raise ForbiddenCall(name)

    return trap


def configure(forbid: tuple[str, ...]) -> None:
    """The traps of the exercise whose probe runs next (set by the request loop)."""
    global _forbidden
    _forbidden = tuple(forbid)


@contextlib.contextmanager
def autograd_forbidden(*forbid: str) -> Iterator[None]:
    """While inside, the entry points the exercise forbids raise ForbiddenCall.

    `forbid` defaults to the exercise's option; with "autograd", gradients are also off
    (torch.no_grad), so that nothing the learner computes records a graph.
    """
    chosen = forbid or _forbidden
    targets = [target for what in chosen for target in TARGETS[what]]
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in targets]
    try:
        for owner, attr, label in targets:
            setattr(owner, attr, _tripwire(label))
        with torch.no_grad() if "autograd" in chosen else contextlib.nullcontext():
            yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)
