"""Feedback rules for my_linear: the lesson's bugs in MyLinear: a super() naming another class, a None bias added, torch.mm on batched input.

Each rule gets what the learner's code raised (`Raised`) and returns a paragraph naming the
mistake, or None. The active pack's rules are tried before the grader's generic ones.
"""
from __future__ import annotations

import re

from grader.authoring import Raised


def _super_with_wrong_name(e: Raised) -> str | None:
    name = re.search(r"name '(\w+)' is not defined", e.message)
    if e.exc_type == "NameError" and "super(" in e.code and name:
        return (
            f"`{e.code}` names a class `{name.group(1)}` that does not exist (the lesson's code has this bug). "
            "Write `super().__init__()`, or name your own class in `super(...)`."
        )
    return None


def _none_bias_added(e: Raised) -> str | None:
    if e.exc_type == "TypeError" and "NoneType" in e.message and "unsupported operand" in e.message:
        return (
            f"`{e.code or e.during}` computes with None. When the module has no bias (bias=False), "
            "`self.bias` is None: leave out `+ self.bias` in that case."
        )
    return None


def _matrix_only(e: Raised) -> str | None:
    if e.exc_type == "RuntimeError" and ("must be a matrix" in e.message or "2D tensors expected" in e.message):
        return (
            f"`{e.code or e.during}` uses a matrix-only product (`torch.mm`), but the input may have any number "
            "of leading dimensions, e.g. shape (2, 3, in_features). Use `@` (`torch.matmul`), which handles them."
        )
    return None


RULES = (_super_with_wrong_name, _none_bias_added, _matrix_only,)
