"""The judge's oracles: expected values computed with torch itself, never with learner code.

`autograd_gradients` differentiates the judge's reference formula with autograd, so a
suite states the formula once and gets the gradients a hand-written backward (or the
learner's module under autograd) must match. `reference_batches` runs torch's DataLoader
over a plain list of samples with the same plain-data options the worker's loader gets.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from grader.loader_options import build_loader


def autograd_gradients(fn: Callable[..., torch.Tensor], *inputs: torch.Tensor,
                       grad_output: torch.Tensor | None = None) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """`fn(*inputs)` and the gradient of `sum(fn(*inputs) * grad_output)` (of the scalar
    `fn(*inputs)` when `grad_output` is None) with respect to each input, all detached."""
    leaves = [t.detach().clone().requires_grad_() for t in inputs]
    output = fn(*leaves)
    loss = output if grad_output is None else (output * grad_output).sum()
    grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    return output.detach(), tuple(torch.zeros_like(t) if g is None else g for t, g in zip(inputs, grads))


def reference_batches(samples: list[Any], options: dict[str, Any]) -> list[Any]:
    """What torch's DataLoader yields over `samples` (a plain list) for `options` (loader_options)."""
    return list(build_loader(samples, options, len(samples), reference=True))
