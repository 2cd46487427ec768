"""Tripwires for the hand-written backward exercise: autograd and torch.optim are off limits."""
from __future__ import annotations

import contextlib
from typing import Iterator

import torch


class ForbiddenCall(Exception):
    """Learner code called something the exercise forbids."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _tripwire(name: str):
    def trap(*args, **kwargs):
        raise ForbiddenCall(name)

    return trap


@contextlib.contextmanager
def autograd_forbidden() -> Iterator[None]:
    """Switch autograd off and make its entry points raise ForbiddenCall."""
    targets = [
        (torch.Tensor, "backward", "loss.backward() (Tensor.backward)"),
        (torch.autograd, "backward", "torch.autograd.backward"),
        (torch.autograd, "grad", "torch.autograd.grad"),
        (torch.optim.Optimizer, "step", "a torch.optim optimizer's step()"),
    ]
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in targets]
    try:
        for owner, attr, label in targets:
            setattr(owner, attr, _tripwire(label))
        with torch.no_grad():
            yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)
