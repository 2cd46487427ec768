"""Running learner code on PyTorch's `meta` device, so that device bugs show without a GPU.

A meta tensor has a shape, a dtype and a device but no data. Device-agnostic learner code
runs on it unchanged; code that makes a tensor on the CPU behind the learner's back
(`torch.zeros(n)` inside `forward`), goes through numpy or calls `.cpu()` meets a meta
tensor and raises, as it would meet a CUDA tensor on a GPU.

`running_on("meta")` closes two gaps of torch's meta kernels with a dispatch mode: some
(matrix products) accept a CPU operand without complaint, so every operation is checked
for a meta tensor meeting a CPU tensor that is not a 0-d scalar (CUDA accepts those
too); and reading a value (`.item()`, `float(t)`, `bool(t)`), legitimate on CUDA, gives a
stand-in (0.5, 1, False) instead of an error, so that the code runs on and what it makes
of the value (`torch.tensor(x.item())` is a CPU tensor) is checked. Only shapes, dtypes
and devices are judged on meta, never values.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

META = "meta"
MIXED_DEVICES = "Expected all tensors to be on the same device, but found at least two devices, meta and cpu!"
# Operations that may take a CPU tensor next to a device tensor on CUDA too.
MAY_MIX = frozenset({"aten::copy_", "aten::_to_copy", "aten::index", "aten::index_put_", "aten::index_put", "aten::lift_fresh", "aten::_index_put_impl_"})


def _stand_in(dtype: torch.dtype) -> bool | int | float:
    """A value for `.item()` of a meta tensor: any will do, since values are not judged there."""
    if dtype == torch.bool:
        return False
    return 0.5 if dtype.is_floating_point else 1


class _MetaGuard(TorchDispatchMode):
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        flat, _ = tree_flatten((args, kwargs))
        tensors = [a for a in flat if isinstance(a, torch.Tensor)]
        on_meta = [t for t in tensors if t.device.type == META]
        if on_meta:
            name = func._schema.name
            if name == "aten::_local_scalar_dense":
                return _stand_in(on_meta[0].dtype)
            if name not in MAY_MIX and any(t.device.type == "cpu" and t.dim() > 0 for t in tensors):
                raise RuntimeError(MIXED_DEVICES)
        return func(*args, **kwargs)


@contextlib.contextmanager
def running_on(device: str | None) -> Iterator[None]:
    """Run learner code for `device`: on meta, under the guard above; elsewhere as it is."""
    if device != META:
        yield
        return
    with _MetaGuard():
        yield


def warm_up() -> None:
    """Run each kind of operation once on meta, under the guard, in the template before it forks.

    The first meta operation imports torch's Python meta kernels (sympy among them) and the
    first dispatch mode imports torch._dynamo: about two seconds, paid once here instead of
    in every worker.
    """
    with running_on(META):
        x = torch.zeros(2, 3, device=META, requires_grad=True)
        w = torch.nn.Parameter(torch.zeros(3, 4, device=META))
        y = 1 / (1 + torch.exp(-(x @ w + torch.zeros(4, device=META))))
        y = torch.where(y > 0.5, y, y * 0.5).clamp(0, 1)
        ((y - torch.ones_like(y)) ** 2).mean().backward()
        torch.cat([y, y]).sum(dim=0, keepdim=True).T.reshape(-1).abs().sum().item()


