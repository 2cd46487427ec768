"""Turning whatever the learner's code returned into plain data the judge can load safely."""
from __future__ import annotations

from typing import Any

import torch

from grader.worker.learner import safe_text

MAX_ITEMS = 10_000
MAX_DEPTH = 12
MAX_STRING = 10_000
TENSOR_MARK = "__tensor__"
OBJECT_MARK = "__object__"


def describe_tensor(t: torch.Tensor) -> dict[str, Any]:
    """A tensor as plain CPU values plus what the judge needs to know about the original."""
    info = {
        TENSOR_MARK: True,
        "type": f"{type(t).__module__}.{type(t).__qualname__}",
        "device": str(t.device),
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "requires_grad": bool(t.requires_grad),
        "has_grad_fn": t.grad_fn is not None,
        "is_parameter": isinstance(t, torch.nn.Parameter),
        "values": None,
    }
    if t.numel() <= 1_000_000 and t.layout == torch.strided and t.device.type != "meta":
        with torch.no_grad():
            plain = torch.Tensor._make_subclass(torch.Tensor, t.detach())
            info["values"] = plain.to("cpu", copy=True).contiguous()
    return info


def to_plain(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return {OBJECT_MARK: "nested too deeply"}
    if value is None or type(value) in (bool, int, float):
        return value
    if isinstance(value, str):  # a str subclass (numpy's str_) is a string too: sent as a plain copy
        text = str.__str__(value)
        return text if len(text) <= MAX_STRING else text[:MAX_STRING]
    if isinstance(value, torch.Tensor):
        return describe_tensor(value)
    if type(value) in (list, tuple):
        items = [to_plain(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
        return items if type(value) is list else tuple(items)
    if type(value) is dict:
        return {safe_text(lambda: k, 200): to_plain(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    return {
        OBJECT_MARK: f"{type(value).__module__}.{type(value).__qualname__}",
        "repr": safe_text(lambda: repr(value), 300),
    }
