"""`grade new-exercise NAME`: a new exercise's files, complete enough to grade on day one.

The skeleton is a tiny `nn.Module` (keep a factor, multiply by it) with a solution, a text,
a suite of two checks (one over every device) and its probes: `grade` gives the solution
full marks and the stub zero, so an author edits something that works, step by step.
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.pack import MANIFEST, NAME, PackError, load


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part) or "Exercise"


def files(name: str, cls: str, number: int) -> dict[str, str]:
    """The exercise's files, by path relative to the pack."""
    return {
        f"{name}/solution.py": f'''"""Reference solution of {name} (the instructor's: `grade assign` writes the learner's stub)."""
import torch
from torch import nn


class {cls}(nn.Module):
    """Multiplies its input by a fixed factor."""

    def __init__(self, factor: float):
        super().__init__()
        # BEGIN SOLUTION
        # STUB: # TODO: keep `factor` as self.factor
        self.factor = factor
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        # STUB: # TODO: return x multiplied by self.factor
        return x * self.factor
        # END SOLUTION
''',
        f"{name}/text.md": f'''# Exercise {number}: {cls}, a module that scales its input

<!-- lesson -->
An `nn.Module` keeps its settings in `__init__` and computes in `forward`.

<!-- contract -->
`{cls}(factor)` is an `nn.Module` that keeps `factor` as `self.factor`;
`forward(x)` returns `x * self.factor`, on the device of `x`.
''',
        f"{name}/suite.py": f'''"""Hidden suite of {name}: the judge picks the inputs and computes what is expected."""
import pytest

from grader.authoring import DEVICES, LearnerClient, check, describe_value, expect_close, fail, randn

FACTOR = 2.5


@check("{cls}(factor) keeps factor")
def test_keeps_factor(learner: LearnerClient):
    kept = learner.probe("construct", factor=FACTOR)["factor"]
    if kept != FACTOR:
        fail(f"{cls}({{FACTOR}}).factor should be {{FACTOR}}, but it is {{describe_value(kept)}}.")


@check("forward(x) computes x * factor", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_forward(learner: LearnerClient, device: str):
    x = randn(1, 3, 4)
    y = learner.probe("forward", factor=FACTOR, x=x, device=device)
    expect_close(y, x * FACTOR, f"forward(x) for x of shape {{tuple(x.shape)}}", device=device,
                 mistakes={{"x, unscaled": x, "x + factor": x + FACTOR}})
''',
        f"{name}/probes.py": f'''"""Probes of {name}: they drive the learner's class and return plain data; they never judge."""
from typing import Any

import torch

from grader.authoring import Learner, optional_attribute, running_on

MODULE, CLASS = "{name}", "{cls}"


def construct(learner: Learner, factor: float) -> Any:
    return learner.call(f"{{CLASS}}({{factor!r}})", learner.cls(MODULE, CLASS), factor)


def probe_construct(learner: Learner, factor: float) -> dict[str, Any]:
    return {{"factor": optional_attribute(construct(learner, factor), "factor")}}


def probe_forward(learner: Learner, factor: float, x: torch.Tensor, device: str) -> Any:
    module = construct(learner, factor)
    with running_on(device):
        return learner.call(f"{{CLASS}}.forward", module.forward, x.to(device))
''',
    }


def new_exercise(pack_dir: Path, name: str, cls: str | None = None) -> list[Path]:
    """Write the skeleton into `pack_dir` (a new pack when it has no pack.toml); the paths written."""
    if not NAME.match(name):
        raise PackError(pack_dir / name, f"{name!r} is not a lower-case Python module name (the learner's {name}.py)")
    cls = cls or class_name(name)
    manifest = pack_dir / MANIFEST
    existing = load(pack_dir) if manifest.is_file() else None
    if existing is not None and name in existing.by_name():
        raise PackError(manifest, f"the pack already has an exercise {name!r}")
    if (pack_dir / name).exists():
        raise PackError(pack_dir / name, "exists already: choose another name, or remove it")
    written = []
    for relative, text in files(name, cls, len(existing.exercises) + 1 if existing else 1).items():
        path = pack_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    entry = f'\n[[exercises]]\nname = "{name}"\nclass = "{cls}"\n'
    if existing is None:
        pack_name = re.sub(r"[^a-z0-9_-]+", "-", pack_dir.resolve().name.lower()) or "course"
        manifest.write_text(f'[pack]\nname = "{pack_name}"\nversion = "1"\n{entry}', encoding="utf-8")
    else:
        text = manifest.read_text(encoding="utf-8")
        points = re.search(r"^\[points\]", text, re.M)  # exercises before [points], where TOML wants them
        text = text[:points.start()] + entry.lstrip("\n") + "\n" + text[points.start():] if points else text.rstrip("\n") + "\n" + entry
        manifest.write_text(text, encoding="utf-8")
    written.append(manifest)
    load(pack_dir)  # what was written must load
    return written
