"""Feedback rules for logistic_regression: the lesson's bug in LogisticRegression.backward: (1/n)(...) calls a number.

Each rule gets what the learner's code raised (`Raised`) and returns a paragraph naming the
mistake, or None. The active pack's rules are tried before the grader's generic ones.
"""
from __future__ import annotations

import re

from grader.authoring import Raised


def _number_called(e: Raised) -> str | None:
    if e.exc_type == "TypeError" and re.search(r"'(float|int)' object is not callable", e.message):
        return (
            f"`{e.code}` calls a number like a function: in Python, `(1/n)(...)` is a call, not a "
            "product (the lesson's code has this bug). Multiply with `*`: `(1/n) * torch.sum(...)`."
        )
    return None


RULES = (_number_called,)
