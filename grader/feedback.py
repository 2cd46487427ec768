"""Turning what went wrong inside the worker into sentences a learner can act on.

Generic rules live here (devices mixed, super().__init__() missing, out of memory, ...);
an exercise's own known bugs are rules in its pack (`NAME/feedback.py`, `RULES`), tried first.
"""
from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from typing import Any

from grader import pack
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


@dataclass(frozen=True)
class Raised:
    """An exception from learner code, as the rules below see it."""

    exc_type: str
    message: str
    code: str  # the learner's innermost line, or "" when the error arose in torch
    during: str








META_NOTE = (
    "(The grader also runs your code with every tensor on PyTorch's 'meta' device, a stand-in "
    "for a GPU, so that device bugs show on machines without one.)"
)


def _super_init_missing(e: Raised) -> str | None:
    before_init = "before Module.__init__() call" in e.message
    internals = re.search(r"object has no attribute '(_parameters|_buffers|_modules|_forward_hooks|_forward_pre_hooks|_backward_hooks|training)'", e.message)
    if e.exc_type == "AttributeError" and (before_init or internals):
        return (
            f"{e.during} failed because nn.Module's own __init__ never ran: call `super().__init__()` as the "
            "first line of your class's __init__, before you assign any attribute."
        )
    return None


def _meta_copied_out(e: Raised) -> str | None:
    where = f"`{e.code}`" if e.code else e.during
    if "can't convert meta device type tensor to numpy" in e.message:
        return (
            f"{where} turns a tensor into a numpy array (np.exp, .numpy(), np.array(...)). That only works for "
            "CPU tensors: on a GPU it fails, and autograd cannot follow it. Use torch functions (torch.exp) "
            f"on the tensor itself. {META_NOTE}"
        )
    if "Cannot copy out of meta tensor" in e.message:
        return (
            f"{where} copies a tensor to the CPU (.cpu(), .tolist(), .numpy() or a CPU tensor's copy_): code must stay on the "
            f"device of its inputs and parameters, so that it works on a GPU too. {META_NOTE}"
        )
    return None


def _made_on_fixed_device(e: Raised) -> str:
    return (
        f"`{e.code or e.during}` mixes a tensor on the CPU with tensors on another device: a tensor was made on a fixed "
        "device (e.g. `torch.zeros(n)` or `torch.tensor(...)` without `device=`). Create tensors on the device of "
        f"your inputs and parameters (`device=x.device`, `torch.zeros_like(...)`). {META_NOTE}"
    )


def _devices_mixed(e: Raised) -> str | None:
    if e.exc_type == "RuntimeError" and re.search(r"Tensor on device \S+ is not on the expected device", e.message):
        return _made_on_fixed_device(e)
    if e.exc_type == "RuntimeError" and "Expected all tensors to be on the same device" in e.message:
        devices = re.search(r"devices?, (\S+) and (\S+?)!", e.message)
        pair = f" ({devices.group(1)} and {devices.group(2)})" if devices else ""
        if devices and "meta" in devices.groups():
            return _made_on_fixed_device(e)
        return (
            f"`{e.code or e.during}` mixes tensors on different devices{pair}. Create no tensor on a "
            "fixed device: use the device of your inputs and parameters (e.g. `x.device`, "
            "`torch.zeros_like(...)`), so that the code works on the CPU and on a GPU."
        )
    if "Torch not compiled with CUDA enabled" in e.message or "no NVIDIA driver" in e.message:
        return (
            f"`{e.code or e.during}` puts a tensor on the GPU ('cuda'), and this machine has none. "
            "Use the device you are given (the inputs', the parameters' or the `device` argument) instead of a fixed one."
        )
    return None




def _shapes_do_not_fit(e: Raised) -> str | None:
    shapes = re.search(r"mat1 and mat2 shapes cannot be multiplied \((\w+) and (\w+)\)", e.message)
    if e.exc_type == "RuntimeError" and shapes:
        return (
            f"`{e.code or e.during}` multiplies matrices whose shapes do not fit ({shapes.group(1)} and "
            f"{shapes.group(2)}): the inner sizes must be equal. Check the layout the exercise asks for "
            "(which side is transposed)."
        )
    return None




def _graph_used_twice(e: Raised) -> str | None:
    if e.exc_type == "RuntimeError" and "backward through the graph a second time" in e.message:
        return (
            f"{e.during} failed: autograd met a graph it had already used. Your forward seems to return a result from an "
            "earlier call (a cached or stale output, or a tensor kept between calls): compute the result from x on every call."
        )
    return None






def _out_of_memory(e: Raised) -> str | None:
    limit = re.search(r"\[your code exceeded the memory limit of ([\d.]+ GiB)\]", e.message)
    if limit or e.exc_type == "MemoryError":
        size = re.search(r"allocate (\d+) bytes", e.message)
        wanted = f" (it asked for {int(size.group(1)) / 2**30:.2g} GiB more)" if size else ""
        cap = f"the memory limit of {limit.group(1)}" if limit else "the memory it may use"
        return (
            f"`{e.code or e.during}` ran out of memory{wanted}: your code exceeded {cap}. "
            "Keep tensors small and do not keep copies you no longer need."
        )
    return None


def _module_not_installed(e: Raised) -> str | None:
    missing = re.search(r"No module named '([\w.]+)'", e.message)
    if e.exc_type == "ModuleNotFoundError" and missing:
        return (
            f"`{e.code or e.during}` imports `{missing.group(1)}`, which is not installed where your code is "
            "graded (only torch and Python's standard library are). Remove imports the exercise does not need, "
            "such as plotting libraries."
        )
    return None


RULES = (
    _super_init_missing, _meta_copied_out, _devices_mixed, _shapes_do_not_fit, _graph_used_twice, _module_not_installed, _out_of_memory,
)


def _known_bug(error: dict[str, Any]) -> str | None:
    frames = error.get("frames") or []
    raised = Raised(
        exc_type=str(error.get("exc_type", "")), message=str(error.get("message", "")),
        code=str(frames[-1].get("code", "")) if frames else "", during=str(error.get("during", "your code")),
    )
    for rule in (*pack.feedback_rules(), *RULES):  # the course's rules first: they know its exercises
        message = rule(raised)
        if message:
            return message
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
    if kind in ("missing_attribute", "not_a_module", "state_dict", "spawn", "training"):
        return str(error.get("message"))
    if kind == "internal":
        return (
            "the grader could not finish this check; this is not your fault, tell your instructor "
            f"(internal error: {error.get('exc_type', '')} {error.get('message', '')})"
        ).strip()
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
    }.get(str(error.get("kind")), _raised(str(error.get("exc_type") or "")))


BUILTIN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException))


def _raised(exc_type: str) -> str:
    """Only Python's own exception names: a learner's class name could smuggle hidden inputs out."""
    return f"raised {exc_type}" if exc_type in BUILTIN_EXCEPTIONS else "raised an exception"


def describe_location(location: Location | None) -> str:
    if location is None:
        return ""
    text = location.label
    return f" ({text}: `{location.code}`)" if location.code else f" ({text})"
