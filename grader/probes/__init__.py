"""Probes: small scripted interactions with the learner's classes, run inside the worker.

A probe takes judge-chosen inputs, drives the learner's code through `Learner.call`
(so any exception is reported with the learner's file and line), and returns plain data.
Probes never judge: the suites in `grader.suites` compare what they return.
"""
from __future__ import annotations

from typing import Any

from torch import nn

from grader.worker.learner import ProbeFailure


def blank_instance(cls: type) -> Any:
    """An instance whose `__init__` was not run, so that a method can be tested alone.

    The judge then sets the attributes the contract names to values it chose.
    """
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ProbeFailure("not_a_module", f"{getattr(cls, '__name__', cls)} is not a subclass of nn.Module", name=getattr(cls, "__name__", "?"))
    instance = cls.__new__(cls)
    nn.Module.__init__(instance)
    return instance


MISSING = {"__missing__": True}


def optional_attribute(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:
        return MISSING
