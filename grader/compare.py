"""Comparing what the learner's code produced with what the judge expects, in words.

All comparisons use the judge's own torch on validated plain tensors. Nothing here calls
anything that came from the worker.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from grader.checks import fail
from grader.observations import ObjectObservation, TensorObservation

ATOL = 1e-5
RTOL = 1e-4


def is_missing(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__missing__") is True


def render(value: Any, limit: int = 160) -> str:
    """A value the learner's code produced, written as Python and torch would print it.

    Observations are shown as what they were (`tensor([0, 0])`, `'Happy'`), never in the
    form they travelled in.
    """
    text = _render(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render(value: Any) -> str:
    if is_missing(value):
        return "nothing (no such attribute)"
    if isinstance(value, TensorObservation):
        if value.values is None:
            return f"a {value.device} tensor of shape {value.shape}"
        body = repr(value.values)
        return body if value.device == "cpu" else body[:-1] + f", device='{value.device}')"
    if isinstance(value, torch.Tensor):
        return repr(value.detach())
    if isinstance(value, ObjectObservation):
        return f"a {value.type_name.rsplit('.', 1)[-1]} object"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_render(k)}: {_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_render(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def describe_value(value: Any) -> str:
    """A short phrase for a value where a sentence expects a noun: 'a tensor of shape (3,)'."""
    if is_missing(value):
        return "nothing (the attribute does not exist)"
    if isinstance(value, TensorObservation):
        return f"a tensor of shape {value.shape}"
    if isinstance(value, ObjectObservation):
        return f"a {value.type_name.rsplit('.', 1)[-1]} object"
    if value is None or type(value) in (bool, int, float, str):
        return render(value, 80)
    name = type(value).__name__
    article = "an" if name[0] in "aeiou" else "a"
    return f"{article} {name} ({render(value, 80)})"


def fmt_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(i) for i in index) + ("," if len(index) == 1 else "") + ")"


def fmt_number(x: float) -> str:
    return f"{x:.6g}"


def expect_tensor_like(actual: Any, what: str, *, shape: tuple[int, ...] | None = None, device: str | None = None, dtype: str | None = "float32") -> TensorObservation:
    """Check type, device, dtype and shape; return the observation for a value comparison."""
    if not isinstance(actual, TensorObservation):
        fail(f"{what} should be a tensor, but it is {describe_value(actual)}.", category="not a tensor", cause=f"{what}: not a tensor")
    if not actual.is_plain_tensor:
        fail(f"{what} is a {actual.type_name}, not a plain torch.Tensor: return ordinary tensors.", category="not a plain tensor", cause=f"{what}: not a plain tensor")
    if device is not None and actual.device.split(":")[0] != device.split(":")[0]:
        note = " (The grader runs your code with tensors on PyTorch's 'meta' device too, a stand-in for a GPU.)" if device == "meta" else ""
        fail(f"{what} is on device {actual.device}, expected {device}: create no tensor on a fixed device; use the device of your inputs and parameters.{note}", category="wrong device", cause=f"{what}: wrong device")
    if dtype is not None and actual.dtype != dtype:
        fail(f"{what} has dtype {actual.dtype}, expected {dtype}.", category="wrong dtype", cause=f"{what}: wrong dtype")
    if shape is not None and actual.shape != tuple(shape):
        fail(f"{what} has shape {actual.shape}, expected {tuple(shape)}.", category="wrong shape", cause=f"{what}: wrong shape")
    if actual.values is None and actual.device != "meta":
        fail(f"{what} is too large to compare ({actual.shape}).", category="too large")
    return actual


def closeness(actual: torch.Tensor, expected: torch.Tensor, atol: float, rtol: float) -> torch.Tensor:
    """Elementwise 'close' with NaN never close, on the judge's own float64 copies."""
    a, e = actual.double(), expected.double()
    return (a - e).abs() <= atol + rtol * e.abs()


def matches(actual: TensorObservation, expected: torch.Tensor, atol: float = ATOL, rtol: float = RTOL) -> bool:
    if not isinstance(actual, TensorObservation) or actual.values is None or tuple(actual.values.shape) != tuple(expected.shape):
        return False
    return bool(closeness(actual.values, expected, atol, rtol).all())


def expect_close(
    actual: Any, expected: torch.Tensor, what: str, *, device: str | None = None, atol: float = ATOL, rtol: float = RTOL,
    mistakes: dict[str, torch.Tensor] | None = None,
) -> None:
    """Fail with the largest difference and its index unless `actual` matches `expected`."""
    expected = expected.detach().cpu()
    observation = expect_tensor_like(actual, what, shape=tuple(expected.shape), device=device, dtype=str(expected.dtype).replace("torch.", ""))
    if observation.values is None:  # the meta device: type, device, dtype and shape are all there is
        return
    values = observation.values
    close = closeness(values, expected, atol, rtol)
    if bool(close.all()):
        return
    nan = torch.isnan(values.double())
    difference = (values.double() - expected.double()).abs().masked_fill(nan, float("inf"))
    flat = int(difference.reshape(-1).argmax()) if difference.numel() else 0
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), tuple(expected.shape))) if expected.dim() else ()
    got, want = values.reshape(-1)[flat].item(), expected.reshape(-1)[flat].item()
    wrong = int((~close).sum())
    where = f" at index {fmt_index(index)}" if index else ""
    if bool(nan.any()):
        message = f"{what} contains NaN ({int(nan.sum())} of {values.numel()} entries){where}: expected {fmt_number(want)}."
    else:
        message = (
            f"{what} has wrong values: the largest difference is {fmt_number(abs(got - want))}{where} "
            f"(expected {fmt_number(want)}, got {fmt_number(got)}); {wrong} of {values.numel()} entries differ."
        )
    for label, candidate in (mistakes or {}).items():
        if matches(observation, candidate.detach().cpu(), atol, rtol):
            message += f" Your result equals {label}."
            break
    fail(message, category="wrong values", detail=tensor_detail(values, expected, close, index))


SMALL_TENSOR = 64


def json_numbers(value: Any) -> Any:
    """Nested lists of floats with NaN and infinities spelled as strings (JSON has no NaN)."""
    if isinstance(value, list):
        return [json_numbers(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def tensor_detail(actual: torch.Tensor, expected: torch.Tensor, close: torch.Tensor, index: tuple[int, ...]) -> dict[str, Any]:
    """Data for an expected-vs-actual view: every entry of a small tensor, a summary of a large one."""
    difference = (actual.double() - expected.double()).abs()
    finite = difference[torch.isfinite(difference)]
    detail: dict[str, Any] = {
        "kind": "tensor",
        "shape": list(expected.shape),
        "max_abs_diff": float(finite.max()) if finite.numel() else None,
        "mean_abs_diff": float(finite.mean()) if finite.numel() else None,
        "mismatches": int((~close).sum()),
        "numel": expected.numel(),
        "worst_index": list(index),
    }
    if expected.numel() <= SMALL_TENSOR:
        detail["expected"] = json_numbers(expected.double().tolist())
        detail["actual"] = json_numbers(actual.double().tolist())
        detail["mismatch"] = (~close).tolist()
    return detail


def as_plain(value: Any) -> Any:
    """Observed or expected data with tensors turned into lists, for equality and display."""
    if isinstance(value, TensorObservation):
        return {"tensor": value.values.tolist() if value.values is not None else None, "dtype": value.dtype}
    if isinstance(value, torch.Tensor):
        return {"tensor": value.tolist(), "dtype": str(value.dtype).replace("torch.", "")}
    if isinstance(value, ObjectObservation):
        return {"object": value.type_name}
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    return value


def show(value: Any, limit: int = 160) -> str:
    return render(value, limit)


def expect_same_batches(actual: Any, expected: list[Any], what: str) -> None:
    """Compare a list of batches with the reference loader's, naming the first difference."""
    observed, wanted = as_plain(actual), as_plain(expected)
    if not isinstance(observed, list):
        fail(f"{what}: iterating gave {describe_value(actual)} instead of a list of batches.")
    if observed == wanted:
        return
    for index, (got, want) in enumerate(zip(observed, wanted)):
        if got != want:
            shown_got, shown_want = show(actual[index]), show(expected[index])
            hint = ""
            if isinstance(want, dict) and not isinstance(got, dict):
                hint = " With the default collate, a batch of dicts is a dict: each `dataset[i]` must be a dict {'Text': ..., 'Class': ...}."
            elif isinstance(got, dict) and isinstance(want, dict) and set(got) != set(want):
                hint = f" The batch has the keys {sorted(got)}; expected {sorted(want)}."
            elif isinstance(got, dict) and isinstance(want, dict) and all(_same_items(got[k], want[k]) for k in want):
                hint = " It holds the right samples in a different order: return the sample at the index you are given."
            cause = sample_cause(got, want)
            fail(f"{what}: batch {index} differs from the reference DataLoader's. Expected {shown_want}, got {shown_got}.{hint}",
                 category="batches differ from the reference", cause=cause)
    fail(f"{what}: {len(observed)} batches instead of the reference DataLoader's {len(wanted)}.", category="batches differ from the reference")


def _same_items(got: Any, want: Any) -> bool:
    """The same values in some order (a batch column shuffled), not merely the same multiset of leaves."""
    if not (isinstance(got, list) and isinstance(want, list)) or len(got) != len(want):
        return False
    return sorted(map(repr, got)) == sorted(map(repr, want))


def sample_cause(got: Any, want: Any) -> str:
    """What is wrong with a sample or a batch, in words that do not depend on the loader's options.

    Every DataLoader check meets the same wrong key or the same wrong field: one cause,
    explained once with `dataset[i]`'s own check.
    """
    if not (isinstance(got, dict) and isinstance(want, dict)):
        return "samples are not dicts"
    if set(got) != set(want):
        return f"sample keys {sorted(got)}"
    wrong = [key for key in want if got[key] != want[key]]
    return f"sample field {wrong[0]!r} wrong" if wrong else ""
