"""Probes: small scripted interactions with the learner's classes, run inside the worker.

A probe takes judge-chosen inputs, drives the learner's code through `Learner.call`
(so any exception is reported with the learner's file and line), and returns plain data.
Every touch of a learner object goes through `Learner.call`, torch's own methods on it
included (`named_parameters()` fails when `super().__init__()` was forgotten). Probes
never judge: the suites in `grader.suites` compare what they return.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.worker.learner import Learner, LearnerError, ProbeFailure


def blank_instance(cls: type) -> Any:
    """An instance whose `__init__` was not run: only for when the learner's `__init__` fails."""
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ProbeFailure("not_a_module", f"{getattr(cls, '__name__', cls)} is not a subclass of nn.Module", name=getattr(cls, "__name__", "?"))
    instance = cls.__new__(cls)
    nn.Module.__init__(instance)
    return instance


def build(learner: Learner, cls: type, label: str, *args: Any, **kwargs: Any) -> Any:
    """The learner's object built by their own `__init__`, so that their extra state exists.

    Only when `__init__` raises is the method under test run on an object built without
    it; the reply then carries a caveat that the judge adds to a failure's message.
    """
    try:
        return learner.call(label, cls, *args, **kwargs)
    except LearnerError as exc:
        name = cls.__name__ if isinstance(cls, type) else "the class"
        learner.caveat = (
            f"{name}.__init__ failed ({label} raised {exc.info['exc_type']}), so this method was tested "
            "on an object built without it"
        )
        return blank_instance(cls)


def set_attribute(learner: Learner, obj: Any, name: str, value: Any) -> None:
    """Set a contract attribute to the judge's value (through the learner's own __setattr__).

    Where the learner registered a plain-tensor attribute as an nn.Parameter (a mistake the
    __init__ checks name), it is unregistered first, so that the other methods are tested
    on the contract's form.
    """
    if isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter) and isinstance(optional_attribute(obj, name), nn.Parameter):
        learner.call(f"replacing the nn.Parameter self.{name}", delattr, obj, name)
    learner.call(f"setting self.{name}", setattr, obj, name, value)


def parameter(tensor: torch.Tensor, device: str) -> nn.Parameter:
    return nn.Parameter(tensor.to(device))


MISSING = {"__missing__": True}


def optional_attribute(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:
        return MISSING


def shares_memory(a: Any, b: Any) -> bool:
    """Whether two tensors are views of the same storage (an alias, not a copy)."""
    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)) or a.device.type == "meta":
        return False
    try:
        return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr() and a.untyped_storage().nbytes() > 0
    except Exception:
        return False
