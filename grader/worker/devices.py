"""Running learner code on PyTorch's `meta` device, so that device bugs show without a GPU.

A meta tensor has a shape, a dtype and a device but no data. Device-agnostic learner code
runs on it unchanged; code that makes a tensor on the CPU behind the learner's back
(`torch.zeros(n)` inside `forward`), goes through numpy or calls `.cpu()` meets a meta
tensor and raises, as it would meet a CUDA tensor on a GPU. Reading a value (`.item()`,
`float(t)`, `bool(t)`) is legitimate on CUDA but impossible on meta: `values_needed` tells
the judge not to count that as a device bug.

Not caught: a matrix product of a meta tensor with a CPU tensor (torch's meta kernel for
matmul does not compare devices). A dispatch mode could catch it, but entering one imports
torch._dynamo, about a second per worker.
"""
from __future__ import annotations

import torch

META = "meta"


def values_needed(exc: BaseException) -> bool:
    """Whether `exc` is a meta tensor refusing to give a value (not a device bug)."""
    return isinstance(exc, RuntimeError) and "cannot be called on meta tensors" in str(exc)


def warm_up() -> None:
    """Run each kind of operation once on meta, in the template before it forks.

    The first meta operation imports torch's Python meta kernels (sympy among them), over a
    second; done once here, every worker starts with them loaded.
    """
    x = torch.zeros(2, 3, device=META, requires_grad=True)
    w = torch.nn.Parameter(torch.zeros(3, 4, device=META))
    y = 1 / (1 + torch.exp(-(x @ w + torch.zeros(4, device=META))))
    y = torch.where(y > 0.5, y, y * 0.5).clamp(0, 1)
    ((y - torch.ones_like(y)) ** 2).mean().backward()
    torch.cat([y, y]).sum(dim=0, keepdim=True).T.reshape(-1).abs()
