"""One cause, one explanation: failed checks of an exercise grouped by what they failed from.

A misspelt dictionary key or a stub's NotImplementedError fails many checks with the
same explanation. Every view explains it once, with the first check that met it, and
lists the other checks it cost. A check's `cause` (set by the judge) groups it; without
one, checks group when their message and location are the same (and neither carries a
tensor diff of its own). Hidden checks are never
grouped with others, so that a learner cannot learn what a hidden check met.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from grader.results import CheckResult

FAILING = ("failed", "error")


@dataclass
class Explanation:
    """A failed check explained in full, and the checks that failed for the same reason."""

    check: CheckResult
    also: list[CheckResult] = field(default_factory=list)

    @property
    def points_lost(self) -> float:
        return sum(c.max_score for c in [self.check, *self.also] if c.counted)


def _key(check: CheckResult) -> tuple[str, ...] | None:
    if check.hidden:
        return None
    if check.cause:
        return ("cause", check.cause)
    if check.detail is not None:  # a tensor diff of its own: the same words, not the same values
        return None
    where = check.location.label if check.location else ""
    return ("message", check.message, where)


def explained_once(checks: list[CheckResult]) -> list[Explanation]:
    """The failed checks, each cause once, in the order the first check of each cause ran."""
    groups: dict[tuple[str, ...], Explanation] = {}
    result = []
    for check in checks:
        if check.status not in FAILING:
            continue
        key = _key(check)
        if key is not None and key in groups and not check.output.strip():
            groups[key].also.append(check)
            continue
        explanation = Explanation(check)
        if key is not None:
            groups.setdefault(key, explanation)
        result.append(explanation)
    return result


def followers(checks: list[CheckResult]) -> dict[int, CheckResult]:
    """For each check explained by another one: id(check) -> the check that explains it."""
    return {id(other): e.check for e in explained_once(checks) for other in e.also}


def titles(checks: list[CheckResult], limit: int = 4) -> str:
    """Check titles for a line of text, the device variants of a check merged: 'forward ... [cpu, meta]'."""
    merged: dict[str, list[str]] = {}
    for check in checks:
        base = check.title.removesuffix(f" [{check.device}]") if check.device else check.title
        merged.setdefault(base, [])
        if check.device:
            merged[base].append(check.device)
    shown = [f"{base} [{', '.join(devices)}]" if devices else base for base, devices in merged.items()]
    more = len(shown) - limit
    return "; ".join(shown[:limit]) + (f"; and {more} more" if more > 0 else "")
