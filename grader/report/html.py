"""The HTML view: a feedback page per submission and, for a batch, a class dashboard.

Pages are rendered with the jinja2 templates in `templates/` (autoescaped: every string
the learner controls, from stdout to a directory name, is inert) and are self-contained:
inline CSS and SVG, no script, no request to the network, so that a page can be attached
to a CI run or mailed. A Content-Security-Policy meta tag blocks scripts and remote
loads even if something slipped through.

This module only reads the result model: scores and maxima come from `.score` and
`.max_score`. The dashboard's per-check pass rates and score histogram are counts for
display over those values.

Hidden checks (`@check(..., hidden=True)`): on a learner's page they show their title,
status, points and failure category only, never the message, the location and source,
the captured output or the tensor values. `instructor=True` renders everything.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import urllib.parse
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2

from grader.report import causes, visible
from grader.report.text import CONTROL, reveal
from grader.results import CheckResult, ExerciseResult, RunResult, SubmissionResult

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Status words and symbols: the status is always written out, never shown by colour alone.
STATUS = {
    "passed": {"label": "passed", "icon": "✓"},
    "failed": {"label": "failed", "icon": "✗"},
    "error": {"label": "error", "icon": "!"},
    "skipped": {"label": "not run", "icon": "–"},
}
PROBLEM_CATEGORIES = ("crashed", "timed out")

OUTPUT_MAX_LINES = 25
OUTPUT_MAX_CHARS = 3000
MESSAGE_MAX_CHARS = 4000
ID_MAX_CHARS = 200
HISTOGRAM_BINS = 10


# ---------------------------------------------------------------------------- text helpers


def clip(text: str | None, max_chars: int = MESSAGE_MAX_CHARS, max_lines: int | None = None) -> tuple[str, str]:
    """Learner text without control characters, capped; and a note on what was cut ("" if nothing)."""
    text = CONTROL.sub("\N{REPLACEMENT CHARACTER}", reveal((text or "").replace("\r\n", "\n")))
    notes = []
    if max_lines is not None:
        lines = text.splitlines()
        if len(lines) > max_lines:
            text = "\n".join(lines[:max_lines])
            notes.append(f"{len(lines) - max_lines} more lines")
    if len(text) > max_chars:
        notes.append(f"{len(text) - max_chars} more characters")
        text = text[:max_chars]
    return text, (" and ".join(notes) + " not shown") if notes else ""


def short(text: str | None, max_chars: int = MESSAGE_MAX_CHARS) -> str:
    body, cut = clip(text, max_chars)
    return body + (" …" if cut else "")


def points(value: float) -> str:
    return visible.points(value)


def number(value: Any) -> str:
    """A tensor entry: NaN and infinities arrive as strings, booleans and ints as themselves."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return str(value)
    return short(str(value), 40)


def as_float(value: Any) -> float | None:
    """A finite float, or None (for NaN, infinities and anything that is not a number)."""
    if isinstance(value, bool):
        return float(value)
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def percent(part: float, whole: float) -> float | None:
    return None if not whole else 100.0 * part / whole


# ---------------------------------------------------------------------------- page names

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
RESERVED = {"index", "con", "prn", "aux", "nul"}


def page_names(ids: Iterable[str]) -> list[str]:
    """A distinct, safe file name for each submission id, in order.

    Ids are directory names chosen by learners: anything outside [A-Za-z0-9._-] becomes
    "-", and a name that had to change (or would collide, also case-insensitively)
    gets a short hash of the id, so that no id can pick another page's name or a path.
    """
    names: list[str] = []
    taken: set[str] = {"index.html"}
    for submission_id in ids:
        slug = SAFE_NAME.sub("-", submission_id).strip(".-")[:60] or "submission"
        digest = hashlib.sha256(submission_id.encode("utf-8", "surrogatepass")).hexdigest()
        name = f"{slug}.html"
        if slug != submission_id or slug.lower() in RESERVED or name.lower() in taken:
            name = f"{slug}-{digest[:8]}.html"
        extra = 8
        while name.lower() in taken:
            extra += 4
            name = f"{slug}-{digest[:extra]}.html"
        taken.add(name.lower())
        names.append(name)
    return names


# ---------------------------------------------------------------------------- view models


def _status(status: str) -> dict[str, str]:
    return {"name": status, **STATUS.get(status, {"label": status, "icon": "?"})}


def tensor_view(detail: dict[str, Any]) -> dict[str, Any]:
    """An expected-vs-actual view: every entry of a small tensor, summary statistics always."""
    shape = [int(n) for n in detail.get("shape") or []]
    max_diff, mean_diff = as_float(detail.get("max_abs_diff")), as_float(detail.get("mean_abs_diff"))
    view: dict[str, Any] = {
        "shape": "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")",
        "numel": detail.get("numel"),
        "mismatches": detail.get("mismatches"),
        "mismatch_percent": None,
        "max_abs_diff": number(max_diff) if max_diff is not None else ("not finite" if "max_abs_diff" in detail else "—"),
        "mean_abs_diff": number(mean_diff) if mean_diff is not None else ("not finite" if "mean_abs_diff" in detail else "—"),
        "worst_index": "(" + ", ".join(str(i) for i in detail.get("worst_index") or []) + ")",
        "slices": [],
        "complete": False,
    }
    numel, mismatches = detail.get("numel"), detail.get("mismatches")
    if isinstance(numel, int) and isinstance(mismatches, int) and numel:
        view["mismatch_percent"] = f"{100.0 * mismatches / numel:.3g}"
    if all(k in detail for k in ("expected", "actual", "mismatch")):
        worst = tuple(detail.get("worst_index") or ())
        view["slices"] = _slices(detail["expected"], detail["actual"], detail["mismatch"], len(shape), worst, max_diff)
        view["complete"] = bool(view["slices"])
    return view


def _slices(expected: Any, actual: Any, mismatch: Any, ndim: int, worst: tuple, max_diff: float | None) -> list[dict[str, Any]]:
    """2-D grids of cells; a tensor of 3 or more dimensions becomes one grid per leading index."""

    def cell(e: Any, a: Any, bad: Any, index: tuple) -> dict[str, Any]:
        fe, fa = as_float(e), as_float(a)
        diff = abs(fa - fe) if fe is not None and fa is not None else None
        if bad:
            heat = 1.0 if diff is None or not max_diff else min(1.0, diff / max_diff)
        else:
            heat = 0.0
        # white to a light red: dark text keeps its contrast on every shade
        lightness = round(100 - 18 * heat)
        return {
            "expected": number(e), "actual": number(a), "bad": bool(bad), "worst": index == worst,
            "diff": number(diff) if diff is not None else "—", "shade": f"hsl(0, 85%, {lightness}%)" if bad else "",
        }

    def grid(e: Any, a: Any, m: Any, prefix: tuple, dims: int) -> list[list[dict[str, Any]]]:
        if dims == 0:
            return [[cell(e, a, m, prefix)]]
        if dims == 1:
            return [[cell(e[j], a[j], m[j], prefix + (j,)) for j in range(len(e))]]
        return [[cell(e[i][j], a[i][j], m[i][j], prefix + (i, j)) for j in range(len(e[i]))] for i in range(len(e))]

    result: list[dict[str, Any]] = []

    def walk(e: Any, a: Any, m: Any, prefix: tuple, dims: int) -> None:
        if dims <= 2:
            label = "[" + ", ".join([*(str(i) for i in prefix), *([":"] * dims)]) + "]" if prefix else ""
            rows = grid(e, a, m, prefix, dims)
            if rows and rows[0]:  # an empty tensor has no grid to show
                result.append({"label": label, "rows": rows})
            return
        for i in range(len(e)):
            walk(e[i], a[i], m[i], prefix + (i,), dims - 1)

    try:
        walk(expected, actual, mismatch, (), ndim)
    except (IndexError, TypeError, KeyError):
        return []  # data that does not match its shape: the summary still shows
    return result


def check_view(check: CheckResult, exercise: ExerciseResult, instructor: bool, anchor: str, seen_places: dict) -> dict[str, Any]:
    """What a page shows of one check; `seen_places` maps a source place to the anchor that shows it."""
    redacted = check.hidden and not instructor
    failing = check.status in ("failed", "error")
    view: dict[str, Any] = {
        "anchor": anchor,
        "id": check.id,
        "title": short(check.title, 300),
        "status": _status(check.status),
        "score": points(check.score),
        "max_score": points(check.max_score),
        "counted": check.counted,
        "hidden": check.hidden,
        "redacted": redacted,
        "category": short(check.category, 200) if failing else "",
        "device": check.device or "",
        "duration": f"{check.duration_s:.2f}",
        "message": "", "message_cut": "", "same_as_exercise_error": False, "same_cause_as": None,
        "location": None, "output": "", "output_cut": "", "tensor": None, "detail": "",
        "problem": failing and check.category in PROBLEM_CATEGORIES,
    }
    if redacted:
        return view
    if check.status == "skipped" or failing or instructor:
        view["message"], view["message_cut"] = clip(check.message)
        view["same_as_exercise_error"] = failing and bool(exercise.error) and check.message == exercise.error
    if failing or instructor:
        view["output"], view["output_cut"] = clip(check.output, OUTPUT_MAX_CHARS, OUTPUT_MAX_LINES)
        if not view["output"].strip():
            view["output"], view["output_cut"] = "", ""
    if check.location is not None and not view["same_as_exercise_error"]:
        loc = check.location
        place = loc.label
        view["location"] = {
            "file": short(loc.file, 200), "line": loc.line, "code": short(loc.code, 300), "label": short(loc.label, 300),
            "excerpt": [{"number": n, "text": short(text, 300), "target": n == loc.line} for n, text in loc.excerpt],
            "first_shown_at": seen_places.get(place, ""),
        }
        if loc.excerpt and place not in seen_places:
            seen_places[place] = anchor  # later checks failing at the same place link here
    if isinstance(check.detail, dict):
        if check.detail.get("kind") == "tensor":
            view["tensor"] = tensor_view(check.detail)
        elif instructor:
            view["detail"] = short(repr(check.detail), 2000)
    return view


def check_anchors(submission: SubmissionResult) -> dict[int, str]:
    """Each check's anchor on its submission's page (`id(check)` -> "check-N"), numbered in page order.

    One function for the page and the dashboard, so that the dashboard's matrix links to the
    card a learner's page really has. Checks not run get a number but no card (they are one
    line per exercise): link only to checks that ran.
    """
    checks = (check for exercise in submission.exercises for check in exercise.checks)
    return {id(check): f"check-{n}" for n, check in enumerate(checks, start=1)}


def exercise_anchor(index: int) -> str:
    """The anchor of the `index`-th exercise's section (from 0) on a submission's page."""
    return f"exercise-{index + 1}"


def submission_view(run: RunResult, submission: SubmissionResult, instructor: bool) -> dict[str, Any]:
    exercises = []
    anchors = check_anchors(submission)
    problems: Counter[str] = Counter()
    skipped_reasons: Counter[str] = Counter()
    for exercise in submission.exercises:
        seen_places: dict = {}
        checks, not_run = [], []
        counts: Counter[str] = Counter()
        explained_by = causes.followers(exercise.checks)
        for check in exercise.checks:
            counts[check.status] += 1
            if check.status == "skipped":  # one line per exercise, not a card per check
                skipped_reasons[short(check.message, 200) or "not run"] += 1
                not_run.append(check)
                continue
            view = check_view(check, exercise, instructor, anchors[id(check)], seen_places)
            leader = explained_by.get(id(check))
            if leader is not None:  # explained once, by the first check that met the same cause
                view.update(message="", message_cut="", location=None, output="", output_cut="", tensor=None, detail="",
                            same_cause_as={"anchor": anchors[id(leader)], "title": short(leader.title, 300)})
            if view["problem"]:
                problems[check.category] += 1
            checks.append(view)
        error, error_cut = clip(exercise.error)
        exercises.append({
            "name": exercise.name, "anchor": exercise_anchor(len(exercises)),
            "score": points(exercise.score), "max_score": points(exercise.max_score),
            "percent": percent(exercise.score, exercise.max_score),
            # checks not run (no GPU) after those that ran, so that they do not split the failures
            "error": error, "error_cut": error_cut, "checks": checks,
            "not_run": {"count": len(not_run), "titles": short(causes.titles(not_run, limit=20), 2000),
                        "reasons": sorted({short(c.message, 200) for c in not_run})} if not_run else None,
            "notes": [short(note, 1000) for note in visible.notes(exercise)],
            "counts": {s: counts.get(s, 0) for s in STATUS},
        })
    return {
        "id": short(submission.id, ID_MAX_CHARS),
        "score": points(submission.score), "max_score": points(submission.max_score),
        "percent": percent(submission.score, submission.max_score),
        "full_marks": submission.full_marks and submission.max_score > 0,
        "duration": f"{submission.duration_s:.1f}",
        "exercises": exercises,
        "not_graded": [e["name"] for e in exercises if e["error"]],
        "left_out": [short(note, 1000) for note in submission.notes],  # files not graded (links, pipes, the size cap)
        "problems": sorted(problems.items()),
        "skipped": sorted(skipped_reasons.items()),
        "skipped_total": sum(skipped_reasons.values()),
        "timings": {k: f"{v:.2f}" for k, v in submission.timings.items()} if instructor else {},
    }


def run_view(run: RunResult) -> dict[str, Any]:
    return {
        "grader_version": short(run.grader_version, 100),
        "torch_version": short(run.torch_version, 100),
        "devices": [short(d, 200) for d in run.devices],
        "started_at": short(run.started_at, 100),
        "isolation": isolation_summary(run.isolation),
    }


def isolation_summary(isolation: dict[str, Any]) -> str:
    """The run's sandbox tier in a few words (grader.worker.sandbox.choose says which)."""
    if not isolation:
        return ""
    used = isolation.get("used", {})
    features = [name for name, on in (
        ("Landlock", used.get("landlock_abi")), ("seccomp", used.get("seccomp")),
        ("namespaces", used.get("namespaces")), ("cgroups", used.get("cgroups")),
    ) if on]
    return f"{isolation.get('tier', '?')} ({', '.join(features) or 'separate processes and limits only'})"


def dashboard_view(run: RunResult, names: list[str], instructor: bool, companions: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Everything the class dashboard shows, most used first: totals, averages, who failed what."""
    rates = check_rates(run, instructor)
    exercises = exercise_summaries(run, rates)
    return {
        "count": len(run.submissions),
        "full_marks": sum(1 for s in run.submissions if s.full_marks and s.max_score > 0),
        "average": average_view([(s.score, s.max_score) for s in run.submissions]),
        "companions": companions or [],
        "exercises": exercises,
        "histogram": histogram(run.submissions),
        "matrix": matrix_view(run, names, rates),
        "not_run": [c["title"] for c in rates if c["not_run"]],  # folded into one line
        "submissions": [submission_row(s, name) for s, name in zip(run.submissions, names)],
    }


def submission_row(submission: SubmissionResult, name: str) -> dict[str, Any]:
    """A submission in the dashboard's list: score, failures, time, and what kept parts ungraded."""
    statuses = Counter(c.status for e in submission.exercises for c in e.checks)
    problems = Counter(c.category for e in submission.exercises for c in e.checks if c.status in ("failed", "error") and c.category in PROBLEM_CATEGORIES)
    notes = [f"{e.name}: {not_graded(e)}" for e in submission.exercises if e.error]
    notes += [f"{n} {category}" for category, n in sorted(problems.items())]
    return {
        "id": short(submission.id, ID_MAX_CHARS), "href": name,
        "score": points(submission.score), "max_score": points(submission.max_score),
        "percent": percent(submission.score, submission.max_score),
        "full_marks": submission.full_marks and submission.max_score > 0,
        "duration": f"{submission.duration_s:.1f}",
        "failed": statuses.get("failed", 0) + statuses.get("error", 0),
        "notes": notes,
    }


def average_view(scores: list[tuple[float, float]]) -> dict[str, Any]:
    """The mean score and mean maximum of (score, maximum) pairs, and their ratio as a percentage.

    The ratio of the sums, not a mean of ratios: a submission whose maximum is smaller
    (checks not run on its machine) weighs as many points as it could earn.
    """
    if not scores:
        return {"score": "—", "max_score": "—", "percent": None}
    total, maximum = sum(s for s, _ in scores), sum(m for _, m in scores)
    return {"score": points(total / len(scores)), "max_score": points(maximum / len(scores)), "percent": percent(total, maximum)}


def not_graded(exercise: ExerciseResult) -> str:
    """Why a whole exercise was not graded, in a few words ("file not found"); "" when it was.

    Such an exercise fails every check for one reason; the dashboard counts it once per
    exercise instead of letting it be each check's "most common failure".
    """
    if not exercise.error:
        return ""
    categories = Counter(c.category for c in exercise.checks if c.status in ("failed", "error") and c.category)
    return short(categories.most_common(1)[0][0], 100) if categories else "not graded"


def exercise_summaries(run: RunResult, rates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per exercise: average score, full marks, the submissions not graded by reason, and its checks."""
    found: dict[str, list[ExerciseResult]] = {}
    for submission in run.submissions:
        for exercise in submission.exercises:
            found.setdefault(exercise.name, []).append(exercise)
    summaries = []
    for index, (name, results) in enumerate(found.items()):
        reasons = Counter(not_graded(e) for e in results if e.error)
        summaries.append({
            "name": name, "anchor": f"checks-{index + 1}", "submitted": len(results),
            "average": average_view([(e.score, e.max_score) for e in results]),
            "full_marks": sum(1 for e in results if e.max_score > 0 and e.score >= e.max_score),
            "not_graded": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
            "not_graded_total": sum(reasons.values()),
            "checks": [c for c in rates if c["exercise"] == name and not c["not_run"]],
        })
    return summaries


# ---------------------------------------------------------------------------- the matrix

DEVICE_SUFFIX = re.compile(r"\s*\[[^\[\]]*\]$")
DEVICE_LETTERS = {"cpu": "C", "meta": "M", "cuda": "G"}
LABEL_MAX_CHARS = 18


def base_id(check_id: str) -> str:
    """A check's id without its device ("NAME.forward[cpu]" -> "NAME.forward")."""
    return DEVICE_SUFFIX.sub("", check_id)


def column_label(check_id: str) -> str:
    """A matrix column's heading: the check's own name, short ("forward_leading…")."""
    name = base_id(check_id).split(".", 1)[-1].replace("_", " ")
    return name if len(name) <= LABEL_MAX_CHARS else name[: LABEL_MAX_CHARS - 1].rstrip() + "…"


def device_letter(device: str | None) -> str:
    return DEVICE_LETTERS.get(device or "", (device or "?")[:1].upper())


def matrix_columns(rates: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """exercise -> base id -> column, in the order the checks came; device variants share a column.

    A column exists when one of its variants ran somewhere (checks not run in any
    submission are the one "not run" line) or was failed by a whole ungraded exercise.
    """
    columns: dict[str, dict[str, dict[str, Any]]] = {}
    for rate in sorted(rates, key=lambda r: r["order"]):
        if rate["not_run"]:
            continue
        group = columns.setdefault(rate["exercise"], {})
        key = base_id(rate["id"])
        if key not in group:
            group[key] = {"label": column_label(rate["id"]), "title": DEVICE_SUFFIX.sub("", rate["title"]), "href": f"#{rate['anchor']}"}
    return columns


def matrix_cell(variants: list[CheckResult], href: str, anchors: dict[int, str]) -> dict[str, Any]:
    """One learner's result for one check, its device variants merged: a class, a symbol, a link.

    "✗" when it failed wherever it ran, "✗M" when it failed on some devices only (the
    letters name them), "!" for an error (crash, time-out), "✓" passed, "–" not run.
    """
    ran = [c for c in variants if c.status != "skipped"]
    if not ran:
        return {"css": "s", "text": "–", "label": "", "href": ""}
    failing = [c for c in ran if c.status in ("failed", "error")]
    if not failing:
        return {"css": "p", "text": "✓", "label": "", "href": ""}
    failed = any(c.status == "failed" for c in failing)
    where = "".join(sorted({device_letter(c.device) for c in failing})) if len(failing) < len(ran) else ""
    devices = ", ".join(sorted({c.device or "?" for c in failing}))
    return {
        "css": "f" if failed else "e", "text": ("✗" if failed else "!") + where,
        "label": ("failed" if failed else "error") + (f" on {devices}" if where else ""),
        "href": f"{href}#{anchors[id(failing[0])]}",
    }


def matrix_row(submission: SubmissionResult, name: str, columns: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """A learner's row: a cell per column, or one cell across an exercise that was not graded."""
    anchors = check_anchors(submission)
    exercises = {e.name: (i, e) for i, e in enumerate(submission.exercises)}
    cells: list[dict[str, Any]] = []
    for exercise_name, group in columns.items():
        if exercise_name not in exercises:
            cells.append({"css": "s", "text": "not graded", "label": "", "href": "", "span": len(group)})
            continue
        index, exercise = exercises[exercise_name]
        if exercise.error:
            cells.append({"css": "m", "text": not_graded(exercise), "label": "", "href": f"{name}#{exercise_anchor(index)}", "span": len(group)})
            continue
        variants: dict[str, list[CheckResult]] = {}
        for check in exercise.checks:
            variants.setdefault(base_id(check.id), []).append(check)
        for key in group:
            cells.append({**matrix_cell(variants.get(key, []), name, anchors), "span": 1})
    return {
        "id": short(submission.id, ID_MAX_CHARS), "href": name,
        "score": points(submission.score), "max_score": points(submission.max_score), "cells": cells,
    }


def matrix_view(run: RunResult, names: list[str], rates: list[dict[str, Any]]) -> dict[str, Any]:
    """The learner × check matrix: column groups by exercise, a row per submission."""
    columns = matrix_columns(rates)
    return {
        "groups": [{"exercise": name, "span": len(group), "columns": list(group.values())} for name, group in columns.items()],
        "rows": [matrix_row(submission, name, columns) for submission, name in zip(run.submissions, names)],
        "letters": ", ".join(f"{letter} = {device}" for device, letter in DEVICE_LETTERS.items()),
    }


def histogram(submissions: list[SubmissionResult]) -> dict[str, Any]:
    """Submissions per tenth of the maximum (the last bin holds full marks too), for an SVG chart."""
    counts = [0] * HISTOGRAM_BINS
    ungraded = 0
    for submission in submissions:
        share = percent(submission.score, submission.max_score)
        if share is None:
            ungraded += 1
            continue
        counts[min(HISTOGRAM_BINS - 1, int(share // (100 / HISTOGRAM_BINS)))] += 1
    width, height, top, bottom, left = 440, 220, 22, 42, 30
    plot_w, plot_h = width - left - 8, height - top - bottom
    tallest = max(counts) or 1
    step = plot_w / HISTOGRAM_BINS
    bars = []
    for i, n in enumerate(counts):
        low = i * 100 // HISTOGRAM_BINS
        high = (i + 1) * 100 // HISTOGRAM_BINS - (0 if i == HISTOGRAM_BINS - 1 else 1)
        h = plot_h * n / tallest
        bars.append({
            "label": f"{low}–{high}%", "short": f"{low}", "count": n,
            "x": round(left + i * step + 3, 1), "width": round(step - 6, 1),
            "y": round(top + plot_h - h, 1), "height": round(h, 1),
            "text_x": round(left + i * step + step / 2, 1), "text_y": round(top + plot_h - h - 6, 1),
        })
    ticks = sorted({0, tallest} | ({round(tallest / 2)} if tallest >= 4 else set()))
    return {
        "width": width, "height": height, "bars": bars, "ungraded": ungraded,
        "axis_y": top + plot_h, "left": left, "right": width - 8, "top": top,
        "label_y": top + plot_h + 18, "caption_y": height - 6,
        "ticks": [{"value": t, "y": round(top + plot_h - plot_h * t / tallest, 1)} for t in ticks],
        "summary": "; ".join(f"{b['label']}: {b['count']}" for b in bars),
    }


def check_rates(run: RunResult, instructor: bool) -> list[dict[str, Any]]:
    """Each check across the batch: pass rate, failure categories and most common failure, most failed first.

    Submissions whose exercise was not graded at all (its file missing, or failing to load)
    are counted in `ungraded`, not as failures of each check: the exercise counts them once.
    """
    rows: dict[str, dict[str, Any]] = {}
    for submission in run.submissions:
        for exercise in submission.exercises:
            for check in exercise.checks:
                row = rows.setdefault(check.id, {
                    "id": check.id, "title": short(check.title, 300), "exercise": exercise.name,
                    "order": len(rows), "hidden": False, "passed": 0, "failed": 0, "skipped": 0, "ungraded": 0,
                    "reasons": Counter(), "categories": Counter(),
                })
                row["hidden"] |= check.hidden
                _count(row, check, bool(exercise.error))
    result = [_rate(row, instructor) for row in rows.values()]
    result.sort(key=lambda r: (r["counted"] == 0, -(r["fail_rate"] or 0.0), -r["failed"], r["order"]))
    return result


def _count(row: dict[str, Any], check: CheckResult, exercise_not_graded: bool) -> None:
    if check.status == "skipped":
        row["skipped"] += 1
    elif exercise_not_graded:
        row["ungraded"] += 1
    elif check.status == "passed":
        row["passed"] += 1
    else:
        row["failed"] += 1
        row["categories"][short(check.category, 200) or check.status] += 1
        row["reasons"][short(check.message, 300) or check.status] += 1


def _rate(row: dict[str, Any], instructor: bool) -> dict[str, Any]:
    counted = row["passed"] + row["failed"]
    category, category_count = (row["categories"].most_common(1) or [("", 0)])[0]
    if row["hidden"] and not instructor:  # a hidden check's messages are for instructors only
        reason, reason_count = category, category_count
    else:
        reason, reason_count = (row["reasons"].most_common(1) or [("", 0)])[0]
    return {
        **{k: row[k] for k in ("id", "title", "exercise", "hidden", "passed", "failed", "skipped", "ungraded", "order")},
        "anchor": f"check-row-{row['order'] + 1}",
        "counted": counted,
        "not_run": counted == 0 and row["ungraded"] == 0,
        "pass_rate": percent(row["passed"], counted),
        "fail_rate": percent(row["failed"], counted),
        "reason": reason, "reason_count": reason_count, "category": category,
        "categories": sorted(row["categories"].items(), key=lambda item: (-item[1], item[0])),
    }


# ---------------------------------------------------------------------------- rendering


def _revealed(value: Any) -> Any:
    """Every string a template prints: bidi controls and odd bytes shown as escapes, not obeyed."""
    return reveal(value) if isinstance(value, str) and not isinstance(value, jinja2.runtime.Markup) else value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=_revealed,
    )
    env.filters["pct"] = lambda value: "—" if value is None else f"{value:.0f}%"
    env.filters["width"] = lambda value: "0" if value is None else f"{max(0.0, min(100.0, value)):.1f}"
    return env


def render_submission_page(run: RunResult, submission: SubmissionResult, instructor: bool = False, index_href: str | None = None) -> str:
    template = environment().get_template("submission.html.j2")
    return template.render(
        run=run_view(run), submission=submission_view(run, submission, instructor),
        instructor=instructor, index_href=index_href, statuses=STATUS,
    )


def render_dashboard(run: RunResult, names: list[str] | None = None, instructor: bool = False, companions: list[dict[str, str]] | None = None) -> str:
    """The class dashboard; `companions` are the run's other outputs to link ({"label", "href"})."""
    names = names if names is not None else page_names(s.id for s in run.submissions)
    template = environment().get_template("index.html.j2")
    view = dashboard_view(run, names, instructor, companions)
    return template.render(run=run_view(run), dashboard=view, instructor=instructor)


def companion_links(directory: Path, outputs: dict[str, Path | None]) -> list[dict[str, str]]:
    """Links from `directory` to the run's other outputs (label -> path; None: not written).

    Relative, so that the folder of outputs can be moved or served as a whole; percent-
    encoded, so that no file name can become a scheme ("javascript:") or break the URL.
    """
    links = []
    for label, path in outputs.items():
        if path is None:
            continue
        relative = os.path.relpath(Path(path).resolve(), Path(directory).resolve())
        links.append({"label": label, "name": Path(path).name, "href": urllib.parse.quote(Path(relative).as_posix())})
    return links


def write_html(run: RunResult, directory: Path, instructor: bool = False, companions: dict[str, Path | None] | None = None) -> list[Path]:
    """One page per submission in `directory` and, for more than one, `index.html`; returns the paths.

    With a dashboard, every submission's page links back to it. `companions` (label ->
    path, e.g. {"JSON": results.json}) are the run's other outputs, linked from the dashboard.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = page_names(s.id for s in run.submissions)
    batch = len(run.submissions) > 1
    written = []
    for submission, name in zip(run.submissions, names):
        page = render_submission_page(run, submission, instructor, index_href="index.html" if batch else None)
        written.append(_write(directory / name, page))
    if batch:
        links = companion_links(directory, companions or {})
        written.append(_write(directory / "index.html", render_dashboard(run, names, instructor, links)))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", errors="replace")
    return path
