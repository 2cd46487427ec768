"""Turning what went wrong inside the worker into sentences a learner can act on.

Every known bug of the lesson's code has a rule here that recognises it and names it.
"""
from __future__ import annotations

import re
from typing import Any

from grader.results import Location


def location_of(error: dict[str, Any] | None, where: dict[str, Any] | None = None) -> Location | None:
    """The learner's innermost frame for an exception, else where the tested method lives."""
    frames = (error or {}).get("frames") or []
    if frames:
        last = frames[-1]
        return Location(file=str(last.get("file")), line=int(last.get("line") or 0), code=str(last.get("code") or ""))
    details = (error or {}).get("details") or {}
    if isinstance(details, dict) and details.get("file"):
        return Location(file=str(details["file"]), line=0)
    if where:
        return Location(file=str(where.get("file")), line=int(where.get("line") or 0))
    return None


def _known_bug(error: dict[str, Any]) -> str | None:
    exc_type, message = error.get("exc_type"), str(error.get("message", ""))
    frames = error.get("frames") or []
    code = str(frames[-1].get("code", "")) if frames else ""
    if exc_type == "NameError" and "super(" in code:
        name = re.search(r"name '(\w+)' is not defined", message)
        missing = name.group(1) if name else "that name"
        return (
            f"`{code}` names a class `{missing}` that does not exist (the lesson's code has this bug). "
            "Write `super().__init__()`, or name your own class in `super(...)`."
        )
    if exc_type == "TypeError" and re.search(r"'(float|int)' object is not callable", message):
        return (
            f"`{code}` calls a number like a function: in Python, `(1/n)(...)` is a call, not a "
            "product (the lesson's code has this bug). Multiply with `*`: `(1/n) * torch.sum(...)`."
        )
    if exc_type == "RuntimeError" and "Expected all tensors to be on the same device" in message:
        devices = re.search(r"devices?, (\S+) and (\S+?)!", message)
        pair = f" ({devices.group(1)} and {devices.group(2)})" if devices else ""
        return (
            f"`{code or error.get('during')}` mixes tensors on different devices{pair}. Create no tensor on a "
            "fixed device: use the device of your inputs and parameters (e.g. `x.device`, "
            "`torch.zeros_like(...)`), so that the code works on the CPU and on a GPU."
        )
    if "pickl" in message.lower() or "pickl" in str(error.get("during", "")):
        return (
            f"{error.get('during')} failed because your dataset cannot be pickled ({exc_type}: {message}). "
            "With num_workers > 0 and the 'spawn' start method, the dataset is pickled: keep no lambdas, "
            "open files or generators in it."
        )
    return None


def describe_error(error: dict[str, Any]) -> str:
    """One paragraph for an error reply from the worker."""
    kind = error.get("kind")
    details = error.get("details") or {}
    if kind == "missing_class":
        expected, file = details.get("expected"), details.get("file")
        similar = details.get("similar") or []
        if similar:
            return (
                f"no class `{expected}` in {file}; found `{similar[0]}`. The class must be named "
                f"exactly `{expected}` (names are case-sensitive)."
            )
        found = ", ".join(f"`{name}`" for name in details.get("classes") or []) or "no classes"
        return f"no class `{expected}` in {file} (it defines {found})."
    if kind == "missing_file":
        return f"file {details.get('file')} not found in the submission."
    if kind in ("missing_attribute", "not_a_module", "state_dict", "spawn"):
        return str(error.get("message"))
    if kind == "internal":
        return f"internal grader error: {error.get('exc_type', '')} {error.get('message', '')}".strip()
    during = error.get("during", "your code")
    if error.get("forbidden"):
        return (
            f"{during} called {error['forbidden']}: this exercise must not use autograd or torch.optim. "
            "Compute the gradients with tensor operations, by hand."
        )
    if error.get("not_implemented"):
        return f"not implemented yet: {during} raises NotImplementedError."
    if error.get("exc_type") == "SyntaxError":
        return f"syntax error: {error.get('message')}."
    known = _known_bug(error)
    if known:
        return known
    return f"{during} raised {error.get('exc_type')}: {error.get('message')}"


def error_category(error: dict[str, Any]) -> str:
    """A short, input-free name for what went wrong, safe to show for hidden checks."""
    if error.get("not_implemented"):
        return "not implemented yet"
    if error.get("forbidden"):
        return "uses autograd where it must not"
    return {
        "missing_class": "class not found",
        "missing_file": "file not found",
        "missing_attribute": "attribute missing",
        "not_a_module": "not an nn.Module",
        "internal": "grader error",
    }.get(str(error.get("kind")), f"raised {error.get('exc_type', 'an exception')}")


def describe_location(location: Location | None) -> str:
    if location is None:
        return ""
    text = f"{location.file}:{location.line}" if location.line else location.file
    return f" ({text}: `{location.code}`)" if location.code else f" ({text})"
