"""The authoring API: everything a pack's suites, probes and feedback rules import.

This is the public surface a course depends on; keep it small and stable. Suites (judge
side) and probes (worker side) import from here only:

Judge side (`NAME/suite.py`, `NAME/feedback.py`):
- `check(title, points=1, timeout=None, hidden=False)`: marks a test as a graded check;
  the test takes `learner` (a `LearnerClient`) and its own parameters, e.g. `device`.
- `fail(message, category=..., cause=...)`, `CheckFailed`: a check's verdict.
- `LearnerClient.probe(name, **inputs)`: runs `probe_<name>` in the worker, returns plain
  data (tensors arrive as `TensorObservation`); `.reply(...)` for the raw reply.
- `DEVICES`: parametrize a tensor check over cpu, meta (device bugs without a GPU) and
  cuda (skipped without one): `@pytest.mark.parametrize("device", DEVICES)`.
- `expect_tensor_like`, `expect_close(actual, expected, what, device=, mistakes={...})`
  (the largest difference and its index; `mistakes` names a known wrong formula the result
  equals), `expect_same_batches`, `matches`, `describe_value`, `render`, `is_missing`.
- Oracles: `autograd_gradients(fn, *inputs, grad_output=None)` (the judge's own autograd),
  `reference_batches(samples, options)` (torch's DataLoader over a plain list), and
  `build_loader` (the same options on the worker's side).
- Seeded inputs: `randn(seed, *shape)`, `rand(seed, *shape)`, `labels(seed, n)`.
- Feedback rules: `Raised` (what a rule sees), and `describe_error`, `error_category`,
  `location_of`, `sanitize_error` for checks that read an error the probe caught.

Worker side (`NAME/probes.py`):
- `Learner`: `learner.cls(module, class)`, `learner.call(label, fn, *args)` (every touch of
  a learner object goes through it, so exceptions are theirs, with their file and line),
  `LearnerError`, `ProbeFailure`.
- `build`, `set_attribute`, `optional_attribute`, `parameter`, `shares_memory`,
  `blank_instance`: building the learner's object and setting the judge's values on it.
- `running_on(device)`: the meta device's checks; `autograd_forbidden()`: the traps the
  exercise's `forbid` option names ("autograd", "optim") while inside.

Names are imported on first use (PEP 562), so a probe file never pulls pytest or the judge
into the worker, and a suite never imports the worker's learner-loading code.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    # judge side
    "check": "grader.checks", "fail": "grader.checks", "CheckFailed": "grader.checks", "LearnerClient": "grader.checks",
    "DEVICES": "grader.checks",
    "expect_close": "grader.compare", "expect_tensor_like": "grader.compare", "expect_same_batches": "grader.compare",
    "matches": "grader.compare", "describe_value": "grader.compare", "render": "grader.compare", "show": "grader.compare",
    "is_missing": "grader.compare", "as_plain": "grader.compare", "sample_cause": "grader.compare",
    "TensorObservation": "grader.observations",
    "randn": "grader.inputs", "rand": "grader.inputs", "labels": "grader.inputs",
    "autograd_gradients": "grader.oracles", "reference_batches": "grader.oracles",
    "Raised": "grader.feedback", "describe_error": "grader.feedback", "error_category": "grader.feedback", "location_of": "grader.feedback",
    "sanitize_error": "grader.session",
    # both sides
    "build_loader": "grader.loader_options",
    # worker side
    "Learner": "grader.worker.learner", "LearnerError": "grader.worker.learner", "ProbeFailure": "grader.worker.learner",
    "build": "grader.probes", "set_attribute": "grader.probes", "optional_attribute": "grader.probes", "parameter": "grader.probes",
    "shares_memory": "grader.probes", "blank_instance": "grader.probes",
    "running_on": "grader.worker.devices", "autograd_forbidden": "grader.worker.traps",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"grader.authoring has no {name!r} (it offers: {', '.join(__all__)})")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors; at run time, __getattr__ above
    from grader.checks import DEVICES, CheckFailed, LearnerClient, check, fail  # noqa: F401
    from grader.compare import (as_plain, describe_value, expect_close, expect_same_batches, expect_tensor_like,  # noqa: F401
                                is_missing, matches, render, show)
    from grader.feedback import Raised, describe_error, error_category, location_of  # noqa: F401
    from grader.inputs import labels, rand, randn  # noqa: F401
    from grader.observations import TensorObservation  # noqa: F401
    from grader.oracles import autograd_gradients, reference_batches  # noqa: F401
    from grader.probes import blank_instance, build, optional_attribute, parameter, set_attribute, shares_memory  # noqa: F401
    from grader.loader_options import build_loader  # noqa: F401
    from grader.session import sanitize_error  # noqa: F401
    from grader.worker.devices import running_on  # noqa: F401
    from grader.worker.learner import Learner, LearnerError, ProbeFailure  # noqa: F401
    from grader.worker.traps import autograd_forbidden  # noqa: F401
