"""Checking what a worker sent before the judge uses any of it.

Decoding with `weights_only=True` already limits the types to plain containers and
tensors. This module goes further: exact types only (no subclasses), plain strided CPU
tensors under a size cap, and the worker's tensor descriptions turned into
`TensorObservation`s that the suites compare with clean torch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

MAX_NUMEL = 1_000_000
MAX_DEPTH = 16
ALLOWED_DTYPES = {
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32,
    torch.int64, torch.uint8, torch.bool, torch.complex64, torch.complex128,
}


class ObservationError(Exception):
    """The worker's reply is not data the judge accepts."""


@dataclass(frozen=True)
class TensorObservation:
    """A tensor the learner's code produced: its values (on the CPU) and what it was."""

    values: torch.Tensor | None
    type_name: str
    device: str
    dtype: str
    shape: tuple[int, ...]
    requires_grad: bool
    has_grad_fn: bool
    is_parameter: bool

    @property
    def is_plain_tensor(self) -> bool:
        return self.type_name in ("torch.Tensor", "torch.nn.parameter.Parameter")


@dataclass(frozen=True)
class ObjectObservation:
    """Something that is neither plain data nor a tensor: only its type and a short repr."""

    type_name: str
    repr: str


def _tensor(data: dict[str, Any]) -> TensorObservation:
    values = data.get("values")
    if values is not None:
        if type(values) is not torch.Tensor:
            raise ObservationError(f"tensor values of type {type(values).__name__}")
        if values.layout != torch.strided or values.is_meta or values.device.type != "cpu":
            raise ObservationError("a tensor that is not a plain CPU tensor")
        if values.numel() > MAX_NUMEL:
            raise ObservationError(f"a tensor of {values.numel()} elements (the limit is {MAX_NUMEL})")
        if values.dtype not in ALLOWED_DTYPES:
            raise ObservationError(f"a tensor of dtype {values.dtype}")
        values = values.clone()
    shape = data.get("shape")
    if type(shape) is not list or not all(type(n) is int for n in shape):
        raise ObservationError("a tensor description without a valid shape")
    if values is not None and list(values.shape) != shape:
        raise ObservationError("a tensor whose values do not match its declared shape")
    fields = {name: data.get(name) for name in ("type", "device", "dtype")}
    if not all(type(v) is str for v in fields.values()):
        raise ObservationError("a tensor description with missing fields")
    return TensorObservation(
        values=values, type_name=fields["type"][:200], device=fields["device"][:50], dtype=fields["dtype"][:50],
        shape=tuple(shape), requires_grad=data.get("requires_grad") is True,
        has_grad_fn=data.get("has_grad_fn") is True, is_parameter=data.get("is_parameter") is True,
    )


def validate(value: Any, depth: int = 0) -> Any:
    """Return `value` rebuilt from exact plain types, or raise ObservationError."""
    if depth > MAX_DEPTH:
        raise ObservationError("data nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind in (list, tuple):
        items = [validate(item, depth + 1) for item in value]
        return items if kind is list else tuple(items)
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise ObservationError("a dict with keys that are not strings")
        if value.get("__tensor__") is True:
            return _tensor(value)
        if "__object__" in value:
            return ObjectObservation(str(value["__object__"])[:200], str(value.get("repr", ""))[:300])
        return {key: validate(item, depth + 1) for key, item in value.items()}
    raise ObservationError(f"a value of type {kind.__name__}")
