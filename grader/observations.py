"""Checking what a worker sent before the judge uses any of it.

Decoding with `weights_only=True` already limits the types to plain containers and
tensors. This module goes further: exact types only (no subclasses), plain strided CPU
tensors under a size cap, and the worker's tensor descriptions turned into
`TensorObservation`s that the suites compare with clean torch.
"""
from __future__ import annotations

import time
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


MAX_REPLY_ELEMENTS = 4_000_000  # all tensors of one reply together
MAX_REPLY_NODES = 200_000  # values of any kind, each counted every time it is reached
MAX_REPLY_CHARS = 2_000_000  # all strings together, each counted every time it is reached
VALIDATION_S = 2.0
CLOCK_EVERY = 1024  # nodes between looks at the clock


def clean_text(text: str) -> str:
    """A learner string made safe to print and to encode: lone surrogates become escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class Budget:
    """What one reply may still cost the judge: tensor elements, values, characters, time.

    A reply is a graph, not a tree: pickle's shared references let 2 KB stand for a list
    reached 10^15 times. Every value is counted each time the walk reaches it, so the
    rebuilt reply is never larger than the budget, however the bytes were shared.
    """

    def __init__(self, deadline: float | None = None) -> None:
        self.left, self.nodes, self.chars = MAX_REPLY_ELEMENTS, MAX_REPLY_NODES, MAX_REPLY_CHARS
        self.deadline = time.monotonic() + VALIDATION_S if deadline is None else deadline

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise ObservationError(f"more than {MAX_REPLY_ELEMENTS} tensor elements in one reply")

    def visit(self) -> None:
        self.nodes -= 1
        if self.nodes < 0:
            raise ObservationError(f"more than {MAX_REPLY_NODES} values in one reply (shared references count each time)")
        if self.nodes % CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise ObservationError(f"checking the reply took longer than {VALIDATION_S:g} s")

    def text(self, count: int) -> None:
        self.chars -= count
        if self.chars < 0:
            raise ObservationError(f"more than {MAX_REPLY_CHARS} characters of text in one reply")


def _tensor(data: dict[str, Any], budget: Budget) -> TensorObservation:
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
        if values.untyped_storage().nbytes() < values.numel() * values.element_size():
            raise ObservationError("a tensor that is a view larger than its storage (an expanded tensor)")
        budget.spend(values.numel())
        values = values.clone()
    shape = data.get("shape")
    if type(shape) is not list or len(shape) > 16 or not all(type(n) is int and 0 <= n for n in shape):
        raise ObservationError("a tensor description without a valid shape")
    if values is not None and list(values.shape) != shape:
        raise ObservationError("a tensor whose values do not match its declared shape")
    fields = {name: data.get(name) for name in ("type", "device", "dtype")}
    if not all(type(v) is str for v in fields.values()):
        raise ObservationError("a tensor description with missing fields")
    return TensorObservation(
        values=values, type_name=clean_text(fields["type"][:200]), device=clean_text(fields["device"][:50]),
        dtype=clean_text(fields["dtype"][:50]), shape=tuple(shape), requires_grad=data.get("requires_grad") is True,
        has_grad_fn=data.get("has_grad_fn") is True, is_parameter=data.get("is_parameter") is True,
    )


def validate(value: Any, depth: int = 0, budget: Budget | None = None) -> Any:
    """Return `value` rebuilt from exact plain types, or raise ObservationError (also when over budget)."""
    budget = budget or Budget()
    budget.visit()
    if depth > MAX_DEPTH:
        raise ObservationError("data nested too deeply")
    kind = type(value)
    if kind is int and value.bit_length() > 1024:
        raise ObservationError("an integer of more than 1024 bits")
    if value is None or kind in (bool, int, float):
        return value
    if kind is str:
        budget.text(len(value))
        return clean_text(value)
    if kind in (list, tuple):
        items = [validate(item, depth + 1, budget) for item in value]
        return items if kind is list else tuple(items)
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise ObservationError("a dict with keys that are not strings")
        if value.get("__tensor__") is True:
            return _tensor(value, budget)
        if "__object__" in value:
            name, text = value["__object__"], value.get("repr", "")
            if type(name) is not str or type(text) is not str:
                raise ObservationError("an object description that is not text")
            return ObjectObservation(clean_text(name[:200]), clean_text(text[:300]))
        budget.text(sum(len(key) for key in value))
        return {clean_text(key): validate(item, depth + 1, budget) for key, item in value.items()}
    raise ObservationError(f"a value of type {kind.__name__}")
