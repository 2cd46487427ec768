"""HTML feedback pages and the class dashboard (`grade PATH --html DIR`).

The pages are checked by parsing their HTML (scores, messages, escaping, what hidden checks
show), and then in headless Chromium, driven over the DevTools protocol (`cdp.py`): each
page loads from disk with no console error and no request, axe-core finds no serious or
critical accessibility violation, nothing overflows at 320 px wide, and it prints. The
browser tests skip when no Chromium is installed; `.ci/run` installs it.

Screenshots go to a temporary directory; with GRADER_SCREENSHOTS=DIR (what
`scripts/screenshots.py` sets) the README's two go to DIR as well.
"""
from __future__ import annotations

import copy
import dataclasses
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cdp import Browser, CDPError, find_chromium
from conftest import EXERCISES, make_submission, mutate, grade
from grader.report.gradebook_csv import write_gradebook
from grader.report.html import DEVICE_SUFFIX, base_id, companion_links, page_names, render_dashboard, render_submission_page, write_html
from grader.report.json_report import write_json
from grader.results import CheckResult, ExerciseResult, Location, RunResult, SubmissionResult

CRAFTED_ID = '"><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
PRINTED = "<script>window.pwned=3</script> forward got"
SECRET = {
    "message": "SECRET-MESSAGE: for x = [[7.25, -3.5]] expected [[4242.5]]",
    "output": "SECRET-OUTPUT printed from a hidden input",
    "code": "SECRET-SOURCE = hidden_input",
    "value": 4242.5,
}


def points(value: float) -> str:
    return f"{value:g}"


def checks(result: SubmissionResult):
    return [c for e in result.exercises for c in e.checks]


# ---------------------------------------------------------------------------------- the data


def crashed_submission(base: SubmissionResult) -> SubmissionResult:
    """A submission whose my_linear.py kills its worker on import, and whose forward crashes."""
    result = copy.deepcopy(base)
    result.id, result.path = "dana-crashed", "/class/dana-crashed"
    linear, logistic = result.exercises[0], result.exercises[1]
    linear.error = "loading my_linear.py failed: the worker process died (signal 9: SIGKILL)."
    linear.checks = [
        c if c.status == "skipped" else dataclasses.replace(c, status="error", message=linear.error, category="crashed", location=None, detail=None)
        for c in linear.checks
    ]
    logistic.checks = [
        dataclasses.replace(c, status="failed", message="the worker process died (signal 11: SIGSEGV).", category="crashed", detail=None)
        if c.id.startswith("logistic_regression.forward") and c.status != "skipped" else c
        for c in logistic.checks
    ]
    return result


def timed_out_submission(base: SubmissionResult) -> SubmissionResult:
    result = copy.deepcopy(base)
    result.id, result.path = "erin-timed-out", "/class/erin-timed-out"
    here = Location("my_linear.py", 19, "while True:", ((18, "    def forward(self, x):"), (19, "        while True:"), (20, "            print('still going')")))
    linear = result.exercises[0]
    linear.checks = [
        dataclasses.replace(c, status="failed", message="timed out after 5 s (an endless loop, or far too slow?).", category="timed out",
                            location=here, output="still going\n" * 500, detail=None)
        if c.id.startswith("my_linear.forward") and c.status != "skipped" else c
        for c in linear.checks
    ]
    return result


def hidden_submission(base: SubmissionResult) -> SubmissionResult:
    """Full marks but for one hidden check whose message, source, output and values are secret."""
    result = copy.deepcopy(base)
    result.id, result.path = "frank-hidden", "/class/frank-hidden"
    custom = result.exercises[2]
    hidden = CheckResult(
        id="custom_dataset.hidden_edge_case", title="a hidden edge case", status="failed", max_score=2.0,
        message=SECRET["message"], category="wrong values", hidden=True, output=SECRET["output"],
        location=Location("custom_dataset.py", 12, SECRET["code"], ((11, "def __getitem__(self, i):"), (12, SECRET["code"]))),
        detail={"kind": "tensor", "shape": [1, 1], "max_abs_diff": 1.0, "mean_abs_diff": 1.0, "mismatches": 1, "numel": 1,
                "worst_index": [0, 0], "expected": [[SECRET["value"]]], "actual": [[4241.5]], "mismatch": [[True]]},
    )
    custom.checks.append(hidden)
    custom.checks.append(CheckResult(id="custom_dataset.hidden_passes", title="another hidden check", status="passed", max_score=1.0, hidden=True))
    return result


def tensor_submission(base: SubmissionResult) -> SubmissionResult:
    """A large tensor (summary only) and a small one with NaN and infinity."""
    result = copy.deepcopy(base)
    result.id, result.path = "gina-tensors", "/class/gina-tensors"
    linear = result.exercises[0]
    large = {"kind": "tensor", "shape": [100, 10], "max_abs_diff": 0.52, "mean_abs_diff": 0.013, "mismatches": 37, "numel": 1000, "worst_index": [3, 4]}
    small = {"kind": "tensor", "shape": [3], "max_abs_diff": 2.0, "mean_abs_diff": 1.0, "mismatches": 2, "numel": 3, "worst_index": [2],
             "expected": [1.0, 2.0, 3.0], "actual": [1.0, "nan", 5.0], "mismatch": [False, True, True]}
    linear.checks[6] = dataclasses.replace(linear.checks[6], status="failed", message="forward(x) has wrong values (large).", category="wrong values", detail=large)
    linear.checks[8] = dataclasses.replace(linear.checks[8], status="failed", message="forward(x) has wrong values (nan).", category="wrong values", detail=small)
    return result


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, SubmissionResult]:
    """Three real gradings (full marks, the stubs, a partial one that prints and lacks a file)."""
    root = tmp_path_factory.mktemp("html-class")
    alice = make_submission(root / "alice")
    bob = make_submission(root / "bob", base=EXERCISES)
    carol = make_submission(root / "carol", {"my_linear.py": mutate("my_linear", "        y = x @ self.weights\n", f"        print({PRINTED!r}, tuple(x.shape))\n        y = x @ self.weights * 1.5\n")})
    (carol / "custom_dataset.py").unlink()
    results = {"alice": grade(alice), "bob": grade(bob), "carol": grade(carol)}
    # A real failing check, marked hidden: its real message, values, source and output must not show.
    carol_result = results["carol"]
    for exercise in carol_result.exercises:
        exercise.checks = [dataclasses.replace(c, hidden=True) if c.id == "my_linear.training[cpu]" else c for c in exercise.checks]
    return results


@pytest.fixture(scope="module")
def run(graded) -> RunResult:
    alice = graded["alice"]
    crafted = copy.deepcopy(graded["bob"])
    crafted.id, crafted.path = CRAFTED_ID, "/class/crafted"
    index_named = copy.deepcopy(alice)
    index_named.id = "index"
    submissions = [
        alice, graded["bob"], graded["carol"], crashed_submission(alice), timed_out_submission(alice),
        hidden_submission(alice), tensor_submission(alice), crafted, index_named,
    ]
    return RunResult(submissions=submissions, grader_version="0.1.0", torch_version="2.13.0+cpu", devices=["cpu"], started_at="2026-11-27T09:30:00+00:00")


@pytest.fixture(scope="module")
def pages(run, tmp_path_factory) -> dict[str, Path]:
    """The learner view of the batch: submission id -> page, and "index" -> the dashboard."""
    out = tmp_path_factory.mktemp("html-learner")
    written = write_html(run, out)
    names = page_names(s.id for s in run.submissions)
    mapping = {s.id: out / name for s, name in zip(run.submissions, names)}
    mapping["(dashboard)"] = out / "index.html"
    assert set(written) == set(mapping.values())
    return mapping


@pytest.fixture(scope="module")
def instructor_pages(run, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html-instructor")
    write_html(run, out, instructor=True)
    names = page_names(s.id for s in run.submissions)
    return {**{s.id: out / name for s, name in zip(run.submissions, names)}, "(dashboard)": out / "index.html"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def check_items(page: BeautifulSoup) -> list:
    return page.select("li.check")


def item_for(page: BeautifulSoup, title: str):
    found = [li for li in check_items(page) if text(li.find("h3")) == " ".join(title.split())]
    assert len(found) == 1, f"{title!r}: {len(found)} items"
    return found[0]


def header_score(page: BeautifulSoup) -> str:
    return text(page.select_one("header .score-line p"))


# ---------------------------------------------------------------------------------- files


def test_one_page_per_submission_and_an_index(run, pages):
    directory = pages["(dashboard)"].parent
    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in pages.values())
    assert len(set(pages.values())) == len(run.submissions) + 1
    for path in pages.values():
        assert path.parent == directory and re.fullmatch(r"[A-Za-z0-9._-]+\.html", path.name)
    assert pages["index"].name != "index.html"  # a learner called "index" does not replace the dashboard


def test_one_submission_gets_no_dashboard(run, tmp_path):
    single = dataclasses.replace(run, submissions=[run.submissions[0]])
    assert [p.name for p in write_html(single, tmp_path)] == ["alice.html"]


def test_page_names_are_safe_and_distinct():
    ids = ["alice", "Alice", "a b", "a-b", "../../etc/passwd", "", "index", "x" * 300, CRAFTED_ID, "ü"]
    names = page_names(ids)
    assert len({n.lower() for n in names}) == len(ids)
    assert names[0] == "alice.html"
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.html", name) and len(name) < 90 and name != "index.html"


# ---------------------------------------------------------------------------------- one submission


def test_full_marks_page(graded, pages):
    alice, page = graded["alice"], soup(pages["alice"])
    assert header_score(page).startswith(f"{points(alice.score)} / {points(alice.max_score)} points")
    assert "Full marks" in text(page.find("header"))
    ran = [c for c in checks(alice) if c.status != "skipped"]
    assert len(check_items(page)) == len(ran)  # checks not run are one line per exercise, not cards
    assert not page.select("li.check.failed, li.check.error, .notice")
    rows = page.select("table.stack tbody tr")
    for exercise, row in zip(alice.exercises, rows):
        assert text(row.find("th")) == exercise.name
        assert text(row.find("td")) == f"{points(exercise.score)} / {points(exercise.max_score)}"
    for check in ran:
        item = item_for(page, check.title)
        assert "passed" in text(item.select_one(".badge"))
        assert f"{points(check.score)} / {points(check.max_score)}" in text(item.select_one(".points"))
    skipped = [c for c in checks(alice) if c.status == "skipped"]
    if skipped:  # CUDA checks without a GPU: one "not run" line per exercise, not a failure
        lines = [text(p) for p in page.select("section p.note") if "not run (not run: no GPU)" in text(p) and "count toward" not in text(p)]
        assert len(lines) == len({c.id.split(".")[0] for c in skipped})


def test_skipped_checks_are_not_failures(run, tmp_path):
    skipped = CheckResult(id="my_linear.forward[cuda]", title="forward on the GPU [cuda]", status="skipped", max_score=2, message="not run: no GPU", device="cuda")
    passed = CheckResult(id="my_linear.forward[cpu]", title="forward [cpu]", status="passed", max_score=2)
    submission = SubmissionResult(id="solo", path="/solo", exercises=[ExerciseResult("my_linear", [passed, skipped])])
    page = BeautifulSoup(render_submission_page(dataclasses.replace(run, submissions=[submission]), submission), "html.parser")
    assert header_score(page).startswith("2 / 2 points")
    assert [text(li.find("h3")) for li in check_items(page)] == ["forward [cpu]"]  # not a card: a line
    assert "1 check was not run (not run: no GPU): forward on the GPU [cuda]." in text(page)
    assert not page.select(".badge.failed, .badge.error")


def test_zero_page_explains_every_failure_with_the_source(graded, pages):
    bob, page = graded["bob"], soup(pages["bob"])
    assert header_score(page).startswith(f"0 / {points(bob.max_score)} points")
    failing = [c for c in checks(bob) if c.status == "failed"]
    assert failing and len(page.select("li.check.failed")) == len(failing)
    for check in failing:  # each explained in its card, or in the card of the check with the same cause
        item = item_for(page, check.title)
        link = item.select_one(".check-body p.note a")
        if link is not None and "same reason" in text(item):
            leader = next(c for c in failing if c.title == text(link))
            assert leader.cause == check.cause != "" and leader.message in text(page.find(id=link["href"][1:]))
        else:
            assert check.message in text(item)
        assert "0 / " in text(item.select_one(".points"))
    first = item_for(page, failing[0].title)
    figure = first.select_one("figure.source")
    assert figure is not None and failing[0].location.label in text(figure.figcaption)
    marked = figure.find("mark")
    assert "raise NotImplementedError" in marked.get_text() and str(failing[0].location.line) in marked.get_text()
    assert len(figure.pre.get_text().splitlines()) == len(failing[0].location.excerpt)
    # the next check failing at the same line links back instead of repeating the excerpt
    same = [c for c in failing[1:] if c.location == failing[0].location]
    assert same and item_for(page, same[0].title).select_one(f"a[href='#{first['id']}']") is not None


def test_partial_page_shows_tensor_differences_and_printed_output(graded, pages):
    carol, page = graded["carol"], soup(pages["carol"])
    assert 0 < carol.score < carol.max_score
    assert header_score(page).startswith(f"{points(carol.score)} / {points(carol.max_score)} points")
    forward = next(c for c in checks(carol) if c.id == "my_linear.forward[cpu]")
    item = item_for(page, forward.title)
    assert forward.message in text(item)
    expected, actual = item.select("table.grid")[:2]
    shape = forward.detail["shape"]
    assert len(actual.select("tbody tr")) == shape[0] and len(actual.select("tbody tr")[0].find_all("td")) == shape[1]
    assert len(actual.select("td.bad")) == forward.detail["mismatches"] == sum(map(sum, forward.detail["mismatch"]))
    assert len(actual.select("td.worst")) == 1 and all("✗" in td.get_text() for td in actual.select("td.bad"))
    assert text(expected.select("tbody td")[0]) == f"{forward.detail['expected'][0][0]:.4g}"
    assert f"{forward.detail['mismatches']} of {forward.detail['numel']}" in text(item.select_one(".tensor"))
    # printed output is shown as text: the learner's <script> is no element
    printed = item.select_one("pre.stdout")
    assert PRINTED in printed.get_text()
    assert not page.find_all("script") and "pwned" not in "".join(str(t) for t in page.find_all(attrs={"onerror": True}))
    assert "&lt;script&gt;window.pwned=3" in pages["carol"].read_text()


def test_missing_file_is_shown_first_and_per_exercise(graded, pages):
    carol, page = graded["carol"], soup(pages["carol"])
    custom = next(e for e in carol.exercises if e.name == "custom_dataset")
    assert custom.error and custom.score == 0
    notice = page.select_one("section.notice")
    assert "custom_dataset could not be graded" in text(notice)
    section = page.find("h2", id=re.compile("exercise-")).find_parent("main").find_all("section")[-1]
    assert "custom_dataset" in text(section.h2) and custom.error in text(section)
    assert text(section).count(custom.error) == 1  # once for the exercise, not per check


def test_crashed_submission(run, pages):
    dana = next(s for s in run.submissions if s.id == "dana-crashed")
    page = soup(pages["dana-crashed"])
    assert header_score(page).startswith(f"{points(dana.score)} / {points(dana.max_score)} points")
    notice = text(page.select_one("section.notice"))
    assert "my_linear could not be graded" in notice and "crashed" in notice
    assert "signal 9: SIGKILL" in text(page) and "signal 11: SIGSEGV" in text(page)
    crashed = [c for c in checks(dana) if c.category == "crashed" and c.status in ("failed", "error")]
    assert len(crashed) > 1 and f"{len(crashed)} checks crashed" in notice


def test_timed_out_submission_caps_the_output(run, pages):
    erin = next(s for s in run.submissions if s.id == "erin-timed-out")
    page = soup(pages["erin-timed-out"])
    timed_out = [c for c in checks(erin) if c.category == "timed out"]
    assert f"{len(timed_out)} checks timed out" in text(page.select_one("section.notice"))
    item = item_for(page, timed_out[0].title)
    assert "timed out after 5 s" in text(item)
    assert "while True:" in item.select_one("figure.source mark").get_text()
    printed = item.select_one("pre.stdout").get_text()
    assert 0 < printed.count("still going") <= 25 < timed_out[0].output.count("still going")
    assert "more lines" in text(item) and "not shown" in text(item)


def test_hidden_checks_show_status_and_category_only(run, pages, instructor_pages, graded):
    page_text = pages["frank-hidden"].read_text()
    page = soup(pages["frank-hidden"])
    item = item_for(page, "a hidden edge case")
    assert "failed" in text(item.select_one(".badge")) and "wrong values" in text(item) and "hidden check" in text(item)
    assert not item.select("table, pre, figure, mark")
    for secret in (SECRET["message"], "SECRET", "4242.5", "4.242e+03", "4242", "custom_dataset.hidden_edge_case"):
        assert secret not in page_text
    assert "passed" in text(item_for(page, "another hidden check").select_one(".badge"))
    # the instructor sees everything
    instructor = soup(instructor_pages["frank-hidden"])
    item = item_for(instructor, "a hidden edge case")
    for secret in (SECRET["message"], SECRET["output"], SECRET["code"], "4242", "custom_dataset.hidden_edge_case"):
        assert secret in text(item)
    # a real graded check marked hidden: nothing that came from running it
    training = next(c for c in checks(graded["carol"]) if c.id == "my_linear.training[cpu]")
    assert training.hidden and training.detail and training.output
    carol = soup(pages["carol"])
    item = item_for(carol, training.title)
    assert training.message not in pages["carol"].read_text() and not item.select("table, pre, figure")
    assert text(item.select_one(".badge")).endswith("failed") and training.category in text(item)
    assert training.message in text(item_for(soup(instructor_pages["carol"]), training.title))


def test_tensor_views_for_large_and_non_finite_values(run, pages):
    gina = next(s for s in run.submissions if s.id == "gina-tensors")
    large_check, small_check = (next(c for c in checks(gina) if c.message.endswith(f"({kind}).")) for kind in ("large", "nan"))
    page = soup(pages["gina-tensors"])
    large = item_for(page, large_check.title)
    assert not large.select("table.grid")
    summary = text(large.select_one(".tensor"))
    assert "Shape (100, 10)" in summary and "37 of 1000" in summary and "3.7%" in summary and "0.52" in summary and "(3, 4)" in summary
    small = item_for(page, small_check.title)
    actual = small.select("table.grid")[1]
    assert [td.contents[0].strip() for td in actual.select("td")] == ["1", "nan", "5"]
    assert len(actual.select("td.bad")) == 2 and "Shape (3,)" in text(small)


def test_odd_details_render(run):
    """Empty, 0-d, 3-d and inconsistent tensor details, and details of another kind, all render."""
    details = [
        {"kind": "tensor", "shape": [0, 3], "max_abs_diff": None, "mean_abs_diff": None, "mismatches": 0, "numel": 0, "worst_index": [], "expected": [], "actual": [], "mismatch": []},
        {"kind": "tensor", "shape": [], "max_abs_diff": "nan", "mean_abs_diff": "inf", "mismatches": 1, "numel": 1, "worst_index": [], "expected": 1.0, "actual": "nan", "mismatch": True},
        {"kind": "tensor", "shape": [2, 1, 2], "max_abs_diff": 1.0, "mean_abs_diff": 0.25, "mismatches": 1, "numel": 4, "worst_index": [1, 0, 1],
         "expected": [[[1.0, 2.0]], [[3.0, 4.0]]], "actual": [[[1.0, 2.0]], [[3.0, 5.0]]], "mismatch": [[[False, False]], [[False, True]]]},
        {"kind": "tensor", "shape": [2, 2], "expected": [[1.0]], "actual": [], "mismatch": [[True]]},
        {"kind": "something else", "value": "<i>x</i>"},
    ]
    exercise = ExerciseResult("my_linear", [
        CheckResult(id=f"my_linear.c{i}", title=f"check {i}", status="failed", max_score=1, message="wrong", category="wrong values", detail=d)
        for i, d in enumerate(details)
    ])
    submission = SubmissionResult(id="odd", path="/odd", exercises=[exercise])
    for instructor in (False, True):
        page = BeautifulSoup(render_submission_page(run, submission, instructor=instructor), "html.parser")
        assert len(page.select("li.check.failed")) == len(details) and not page.find("i")
        assert "not finite" in text(item_for(page, "check 1")) and len(item_for(page, "check 1").select("td.bad")) == 1
        grids = item_for(page, "check 2").select("table.grid caption")
        assert [text(c) for c in grids] == ["expected [0, :, :]", "your result [0, :, :]", "expected [1, :, :]", "your result [1, :, :]"]
        assert not item_for(page, "check 0").select("table") and not item_for(page, "check 3").select("table")
        assert ("<i>x</i>" in text(item_for(page, "check 4"))) == instructor


def test_scores_are_read_from_the_model_not_recomputed(run):
    class Scored(SubmissionResult):  # a model whose totals differ from any sum a renderer might do
        @property
        def score(self) -> float:
            return 41.5

        @property
        def max_score(self) -> float:
            return 99.0

    submission = Scored(id="model", path="/model", exercises=copy.deepcopy(run.submissions[0].exercises))
    page = BeautifulSoup(render_submission_page(run, submission), "html.parser")
    assert header_score(page).startswith("41.5 / 99 points")
    dashboard = BeautifulSoup(render_dashboard(dataclasses.replace(run, submissions=[submission, run.submissions[1]])), "html.parser")
    assert "41.5 / 99" in text(dashboard.select("#submissions ~ table tbody tr")[0])


# ---------------------------------------------------------------------------------- dashboard


def test_dashboard_histogram_and_submissions(run, pages):
    page = soup(pages["(dashboard)"])
    assert f"{len(run.submissions)} submissions graded" in text(page.h1)
    bars = page.select("svg.histogram rect.bar")
    assert len(bars) == 10
    counts = [int(text(t)) for t in page.select("svg.histogram text.count")]
    assert sum(counts) == len(run.submissions)
    expected = Counter(min(9, int(100 * s.score / s.max_score // 10)) for s in run.submissions)
    assert counts == [expected.get(i, 0) for i in range(10)]
    assert page.select_one("svg.histogram")["role"] == "img" and page.select_one("svg.histogram title")
    rows = page.select("#submissions ~ table tbody tr")
    assert len(rows) == len(run.submissions)
    for submission, row, name in zip(run.submissions, rows, page_names(s.id for s in run.submissions)):
        link = row.find("a")
        assert link.get_text() == submission.id and link["href"] == name
        assert (pages["(dashboard)"].parent / link["href"]).is_file()
        assert text(row.select("td")[0]).startswith(f"{points(submission.score)} / {points(submission.max_score)}")
        assert f"{submission.duration_s:.1f} s" in text(row)
    meta = text(page.select_one("dl.meta"))
    for value in ("0.1.0", "2.13.0+cpu", "cpu", "2026-11-27T09:30:00+00:00", f"Submissions {len(run.submissions)}"):
        assert value in meta
    odd = BeautifulSoup(render_dashboard(dataclasses.replace(run, devices=["cpu", "cuda:0 (<b>GPU</b>)"])), "html.parser")
    assert "cuda:0 (<b>GPU</b>)" in text(odd.select_one("dl.meta")) and not odd.find("b")


def check_rows(page: BeautifulSoup) -> dict[str, list]:
    """The dashboard's check rows, by exercise (one table per exercise under "Checks by exercise")."""
    section = page.find("h2", id="checks").find_parent("section")
    return {text(table.find_previous("h3").find("span")): table.select("tbody tr") for table in section.select("table")}


def test_dashboard_checks_sorted_by_failure_rate(run, pages, instructor_pages):
    page = soup(pages["(dashboard)"])
    by_exercise = check_rows(page)
    graded = [(e, c) for s in run.submissions for e in s.exercises for c in e.checks]
    for name, rows in by_exercise.items():
        ids = {c.id for e, c in graded if e.name == name and c.status != "skipped"}
        assert len(rows) == len(ids)  # checks not run anywhere: one line under the tables
        rates = [float(text(r.find("td")).split("%")[0]) if "%" in text(r.find("td")) else None for r in rows]
        counted = [r for r in rates if r is not None]
        assert counted == sorted(counted) and rates[: len(counted)] == counted  # most failed first, within each exercise
    rows = [r for rs in by_exercise.values() for r in rs]
    titles = [text(r.find("th")) for r in rows]
    # the most common failure of forward[cpu] among graded exercises: bob's "not implemented yet", shared by the crafted copy
    forward = [c for e, c in graded if not e.error and c.id == "my_linear.forward[cpu]" and c.status in ("failed", "error")]
    common, n = Counter(c.message for c in forward).most_common(1)[0]
    row = next(r for r, t in zip(rows, titles) if t.endswith("forward(x) computes x @ weights + bias [cpu]"))
    assert common in text(row) and f"({n} of {len(forward)})" in text(row)
    # hidden checks: the category for learners, the message for instructors
    row = next(r for r, t in zip(rows, titles) if "a hidden edge case" in t)
    assert "wrong values" in text(row) and "SECRET" not in pages["(dashboard)"].read_text()
    assert SECRET["message"] in instructor_pages["(dashboard)"].read_text()


def test_learner_strings_are_escaped_everywhere(run, pages):
    for path in pages.values():
        page = soup(path)
        assert page.find_all(["script", "iframe", "object", "embed", "img", "base", "form"]) == []
        assert [(tag.get("rel"), tag.get("href")) for tag in page.find_all("link")] == [(["icon"], "data:,")]
        assert [tag for tag in page.find_all(True) if any(a.lower().startswith("on") for a in tag.attrs)] == []
    crafted = soup(pages[CRAFTED_ID])
    assert CRAFTED_ID in crafted.title.get_text() and CRAFTED_ID in text(crafted.h1)
    dashboard = soup(pages["(dashboard)"])
    assert any(a.get_text() == CRAFTED_ID for a in dashboard.select("a"))


def test_pages_are_self_contained(pages, instructor_pages):
    for path in [*pages.values(), *instructor_pages.values()]:
        html = path.read_text()
        page = BeautifulSoup(html, "html.parser")
        assert "default-src 'none'" in page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert page.find("style") and page.html["lang"] == "en" and page.find("main")
        for tag in page.find_all(href=True):
            href = tag["href"]
            assert href.startswith("#") or href == "data:," or re.fullmatch(r"[A-Za-z0-9._-]+\.html(#[a-z]+-[0-9]+)?", href), href
        assert not page.find_all(src=True)
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html


TABLE_PARTS = ("thead", "tbody", "tfoot", "tr", "th", "td")


def nu_table_role_errors(page: BeautifulSoup) -> list[str]:
    """The Nu HTML checker's rule (validator/validator, nu.validator.checker.schematronequiv.
    Assertions, as run by vnu 24.x): "The role attribute must not be used on a tr [thead,
    tbody, tfoot, th, td] element which has a table ancestor with no role attribute, or with
    a role attribute whose value is table, grid or treegrid"."""
    errors = []
    for part in page.find_all(TABLE_PARTS):
        table = part.find_parent("table")
        if part.has_attr("role") and table is not None and table.get("role", "table") in ("table", "grid", "treegrid"):
            errors.append(f"<{part.name} role={part['role']!r}> inside <table role={table.get('role')!r}>")
    return errors


def test_tables_keep_implicit_roles_as_the_nu_checker_requires(pages, instructor_pages):
    for path in [*pages.values(), *instructor_pages.values()]:
        page = soup(path)
        assert not nu_table_role_errors(page), (path.name, nu_table_role_errors(page)[:3])
        for table in page.select("table.stack"):
            assert table.get("role") == "table", "kept a table for screen readers when its display is block"


def test_cli_writes_html(tmp_path):
    root = tmp_path / "class"
    make_submission(root / "alice")
    make_submission(root / "zed<b>", {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y - self.bias")})
    out = tmp_path / "html"
    completed = subprocess.run([sys.executable, "-m", "grader", str(root), "--exercise", "my_linear", "--html", str(out), "--instructor", "-q",
                                "--json", str(tmp_path / "results.json"), "--csv", str(tmp_path / "grades.csv")],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["alice.html", "index.html", page_names(["zed<b>"])[0]])
    dashboard = soup(out / "index.html")
    assert [a.get_text() for a in dashboard.select("#submissions ~ table tbody a")] == ["alice", "zed<b>"]
    zed = soup(out / page_names(["zed<b>"])[0])
    assert "instructor view" in text(zed.header) and zed.select("li.check.failed") and not zed.find("b")
    assert zed.select_one("nav.back a")["href"] == "index.html"
    assert [a["href"] for a in dashboard.select("header p.files a")] == ["../results.json", "../grades.csv"]  # written by the same run


# ---------------------------------------------------------------------------------- in a browser

AXE_SPEC = importlib.util.find_spec("axe_core_python")
AXE_JS = Path(AXE_SPEC.origin).parent / "axe.min.js" if AXE_SPEC and AXE_SPEC.origin else None
BROWSER_PAGES = ["alice", "bob", "carol", "dana-crashed", "erin-timed-out", "frank-hidden", "gina-tensors", CRAFTED_ID, "(dashboard)"]


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium: `apt-get install chromium` to run the browser tests (.ci/run installs it)")
    chromium = Browser(executable)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


BROWSER_CASES = [*((name, "learner") for name in BROWSER_PAGES), *((name, "instructor") for name in ("carol", "frank-hidden", "(dashboard)"))]


@pytest.mark.parametrize(("name", "view"), BROWSER_CASES, ids=[f"{'crafted' if n == CRAFTED_ID else n.strip('()')}-{v}" for n, v in BROWSER_CASES])
def test_in_a_browser(browser, name, view, pages, instructor_pages, screenshots):
    path = (pages if view == "learner" else instructor_pages)[name]
    page = browser.page()
    try:
        loaded = page.load(path.as_uri())
        assert loaded["errors"] == []
        assert loaded["requests"] == [path.as_uri()], "the page requested something besides itself"
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert not [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
        title = page.evaluate("document.title")
        assert (CRAFTED_ID in title) if name == CRAFTED_ID else title
        shot = page.screenshot(screenshots / f"{view}-{path.stem}.png")
        assert shot.stat().st_size > 1000
        # accessibility: axe-core, no serious or critical violation
        violations = axe_violations(page)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)
        # readable at 320 px: nothing makes the page scroll sideways
        page.viewport(320, 640, mobile=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.screenshot(screenshots / f"{view}-{path.stem}-320.png", width=320)
        # prints: print styles apply and a PDF comes out
        page.media("print")
        assert page.evaluate("getComputedStyle(document.querySelector('.skip')).display") == "none"
        assert page.pdf()[:5] == b"%PDF-"
        page.media("")
    finally:
        page.close()


def test_readme_screenshots(browser, pages, class_pages):
    """With GRADER_SCREENSHOTS=DIR, the README's pictures: a submission page and the dashboard of 300."""
    target = os.environ.get("GRADER_SCREENSHOTS")
    if not target:
        pytest.skip("GRADER_SCREENSHOTS is not set (scripts/screenshots.py sets it)")
    page = browser.page()
    try:
        page.load(pages["carol"].as_uri())
        page.screenshot(Path(target) / "submission.png", width=960, max_height=1500)
        page.load(class_pages["(dashboard)"].as_uri())
        page.screenshot(Path(target) / "dashboard.png", width=960, max_height=1400)
    finally:
        page.close()


def axe_violations(page) -> list[dict]:
    if AXE_JS is None:
        pytest.skip("axe-core-python is not installed (pip install -e '.[test]')")
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        await_promise=True, timeout_s=60,
    )


def test_the_browser_checks_catch_problems(browser, tmp_path):
    """The checks above are not vacuous: a console error, a remote load and a missing alt text show."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>bad</title>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; script-src 'unsafe-inline'\"></head>"
        "<body><main><img src='http://127.0.0.1:9/pixel.png'><script>console.error('bad')</script></main></body></html>"
    )
    page = browser.page()
    try:
        with pytest.raises(CDPError):
            page.evaluate("throw new Error('boom')")
        loaded = page.load(bad.as_uri())
        assert "bad" in loaded["errors"]  # console.error
        assert any("127.0.0.1:9" in e for e in loaded["errors"] + loaded["requests"])  # refused by the CSP, and reported
        page.send("Page.setBypassCSP", {"enabled": True})
        assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in axe_violations(page))
    finally:
        page.close()


def test_the_pages_say_how_the_run_was_isolated():
    from grader.report.html import isolation_summary

    used = {"landlock_abi": 7, "seccomp": True, "namespaces": False, "cgroups": False, "subreaper": True}
    assert isolation_summary({"tier": "kernel-features", "used": used}) == "kernel-features (Landlock, seccomp)"
    assert isolation_summary({}) == ""


# ---------------------------------------------------------------------------------- a class of 300

CLASS_SIZE = 300
CATEGORY_MESSAGES = {  # failures a synthetic learner gets, in the grader's categories and words
    "wrong values": "forward(x) has wrong values: 12 of 12 entries differ (largest difference 0.75 at (0, 1)).",
    "wrong shape": "the result has shape torch.Size([3, 4]), expected (4, 3).",
    "wrong device": "the result is on device cpu, expected meta: create no tensor on a fixed device.",
    "not a tensor": "the result should be a tensor, but it is a list.",
}


def missing_file(exercise: ExerciseResult) -> ExerciseResult:
    """The exercise as the grader reports it when its file was not handed in (see carol's custom_dataset)."""
    error = f"file not found: expected {exercise.name}.py (or {exercise.name}.ipynb) in the submission directory."
    checks = [c if c.status == "skipped" else dataclasses.replace(c, status="error", message=error, category="file not found", location=None, detail=None, output="")
              for c in exercise.checks]
    return ExerciseResult(exercise.name, checks, error=error)


def with_bugs(exercise: ExerciseResult, rng: random.Random) -> ExerciseResult:
    """A correct exercise with one to three of its checks failed, now and then on the meta device only."""
    ran = sorted({base_id(c.id) for c in exercise.checks if c.status == "passed"})
    broken = set(rng.sample(ran, rng.randint(1, min(3, len(ran)))))
    only_meta = rng.random() < 0.3
    category = rng.choice(sorted(CATEGORY_MESSAGES))
    checks = []
    for check in exercise.checks:
        hit = base_id(check.id) in broken and check.status == "passed" and (not only_meta or check.device in (None, "meta"))
        checks.append(dataclasses.replace(check, status="failed", message=CATEGORY_MESSAGES[category], category=category) if hit else check)
    return ExerciseResult(exercise.name, checks)


def synthetic_class(full: SubmissionResult, stub: SubmissionResult, count: int = CLASS_SIZE, seed: int = 14) -> RunResult:
    """`count` learners whose exercises are each correct, the stub, buggy, or missing their file.

    Built from two real gradings (the solutions and the stubs) rather than by grading 300
    directories, so the check ids, titles, devices and messages are the grader's own and the
    fixture takes seconds; a few learners time out.
    """
    rng = random.Random(seed)
    stubs = {e.name: e for e in stub.exercises}
    submissions = []
    for index in range(count):
        exercises = []
        for exercise in full.exercises:
            roll = rng.random()
            if roll < 0.07:
                exercises.append(missing_file(exercise))
            elif roll < 0.17:
                exercises.append(copy.deepcopy(stubs[exercise.name]))
            elif roll < 0.55:
                exercises.append(with_bugs(exercise, rng))
            else:
                exercises.append(copy.deepcopy(exercise))
        if index % 97 == 5 and not exercises[0].error:  # now and then a forward that loops forever
            exercises[0].checks = [dataclasses.replace(c, status="failed", category="timed out", message="timed out after 5 s (an endless loop, or far too slow?).")
                                   if base_id(c.id).endswith(".forward") and c.status != "skipped" else c for c in exercises[0].checks]
        name = f"learner{index + 1:03d}"
        submissions.append(SubmissionResult(id=name, path=f"/class/{name}", exercises=exercises, duration_s=round(rng.uniform(1.5, 4.0), 1)))
    return RunResult(submissions=submissions, grader_version="0.1.0", torch_version="2.13.0+cpu", devices=["cpu"], started_at="2026-11-27T09:30:00+00:00")


@pytest.fixture(scope="module")
def class_run(graded) -> RunResult:
    return synthetic_class(graded["alice"], graded["bob"])


@pytest.fixture(scope="module")
def class_pages(class_run, tmp_path_factory) -> dict[str, Path]:
    """The 300 learners' pages and dashboard in out/html, beside the run's JSON and CSV in out/."""
    out = tmp_path_factory.mktemp("html-class-300")
    write_json(class_run, out / "results.json")
    write_gradebook(class_run, out / "grades.csv")
    write_html(class_run, out / "html", companions={"JSON": out / "results.json", "CSV": out / "grades.csv", "JUnit": None})
    names = page_names(s.id for s in class_run.submissions)
    return {**{s.id: out / "html" / name for s, name in zip(class_run.submissions, names)}, "(dashboard)": out / "html" / "index.html"}


@pytest.fixture(scope="module")
def class_dashboard(class_pages) -> BeautifulSoup:
    return soup(class_pages["(dashboard)"])


def matrix_cells(page: BeautifulSoup) -> tuple[list[str], dict[str, list]]:
    """The matrix's column titles, and per learner id the cell under each column (colspans expanded)."""
    titles = [a["title"] for a in page.select("table.matrix thead tr.names th a")]
    rows = {}
    for tr in page.select("table.matrix tbody tr"):
        cells = []
        for td in tr.find_all("td")[1:]:  # after the score
            cells += [td] * int(td.get("colspan", 1))
        assert len(cells) == len(titles)
        rows[text(tr.th)] = cells
    return titles, rows


def test_class_dashboard_is_under_two_megabytes(class_pages, class_run):
    size = class_pages["(dashboard)"].stat().st_size
    print(f"dashboard of {len(class_run.submissions)} submissions: {size:,} bytes")
    assert size < 2_000_000


def test_class_matrix_shows_who_failed_what(class_run, class_dashboard, class_pages):
    titles, rows = matrix_cells(class_dashboard)
    column = {title: i for i, title in enumerate(titles)}
    assert len(rows) == CLASS_SIZE and len(titles) == len(set(titles))
    seen = Counter()
    for submission, name in zip(class_run.submissions, page_names(s.id for s in class_run.submissions)):
        cells = rows[submission.id]
        anchors = {id(c): f"check-{n}" for n, c in enumerate((c for e in submission.exercises for c in e.checks), start=1)}
        for index, exercise in enumerate(submission.exercises):
            variants: dict[str, list[CheckResult]] = {}
            for check in exercise.checks:
                variants.setdefault(DEVICE_SUFFIX.sub("", check.title), []).append(check)
            for title, group in variants.items():
                if title not in column:  # not run in any submission: no column
                    assert all(c.status == "skipped" for c in group)
                    continue
                cell = cells[column[title]]
                failing = [c for c in group if c.status in ("failed", "error")]
                if exercise.error:
                    seen["not graded"] += 1
                    assert text(cell) == "file not found" and cell.a["href"] == f"{name}#exercise-{index + 1}"
                elif failing:
                    seen["failed"] += 1
                    assert cell["class"] == ["f"] and text(cell).startswith("✗") and cell.a["href"] == f"{name}#{anchors[id(failing[0])]}"
                    if len(failing) < len([c for c in group if c.status != "skipped"]):
                        seen["some devices"] += 1
                        assert text(cell) == "✗M" and cell.a["aria-label"] == "failed on meta"
                else:
                    seen["passed"] += 1
                    assert cell["class"] == ["p"] and text(cell) == "✓" and cell.a is None
    assert min(seen.values()) > 10, seen
    # the links land on a card of the learner's page
    first = class_run.submissions[0]
    page = soup(class_pages[first.id])
    for link in [cell.a for cell in rows[first.id] if cell.a is not None]:
        assert page.find(id=link["href"].split("#")[1]) is not None


def test_class_averages_at_the_top(class_run, class_dashboard):
    header = class_dashboard.find("header")
    mean = sum(s.score for s in class_run.submissions) / CLASS_SIZE
    assert f"Average score {mean:.2f}".rstrip("0").rstrip(".") in text(header)
    rows = header.select("table tbody tr")
    assert [text(r.th) for r in rows] == [e.name for e in class_run.submissions[0].exercises]
    for row, name in zip(rows, (text(r.th) for r in rows)):
        results = [e for s in class_run.submissions for e in s.exercises if e.name == name]
        shown, maximum = text(row.td).split(" (")[0].split(" / ")
        assert abs(float(shown) - sum(e.score for e in results) / len(results)) < 0.005
        assert float(maximum) == results[0].max_score
        full = sum(1 for e in results if e.score == e.max_score)
        assert text(row.select("td")[1]) == f"{full} of {CLASS_SIZE}"


def test_class_missing_files_are_counted_apart(class_run, class_dashboard):
    header_rows = {text(r.th): r for r in class_dashboard.find("header").select("table tbody tr")}
    by_exercise = check_rows(class_dashboard)
    for name, rows in by_exercise.items():
        results = [e for s in class_run.submissions for e in s.exercises if e.name == name]
        missing = sum(1 for e in results if e.error)
        assert missing > 5
        assert text(header_rows[name].select("td")[2]) == f"{missing} file not found"
        section = class_dashboard.find("h3", id=re.compile("checks-")).find_parent("section").find_parent("section")
        note = next(p for p in section.select("p.not-graded") if p.find_previous("h3").find("span").get_text() == name)
        assert f"Not graded in {missing} of {CLASS_SIZE} submissions: file not found ({missing})" in text(note)
        for row in rows:  # each check counts only the submissions whose exercise was graded
            assert "file not found" not in text(row)
            counted = int(re.search(r"\((\d+) of (\d+)\)", text(row.select("td")[0])).group(2))
            assert counted == CLASS_SIZE - missing
    # checks never run (no GPU) are one line, not rows
    assert "checks were not run in any submission (no GPU)" in text(class_dashboard)


def test_class_links_to_the_outputs_and_back(class_pages, class_dashboard):
    files = {a.get_text(): a["href"] for a in class_dashboard.select("header p.files a")}
    assert files == {"results.json": "../results.json", "grades.csv": "../grades.csv"}
    for href in files.values():
        assert (class_pages["(dashboard)"].parent / href).is_file()
    back = '<nav class="back" aria-label="Class"><a href="index.html">'
    assert all(back in path.read_text() for key, path in class_pages.items() if key != "(dashboard)")
    assert soup(class_pages["learner001"]).select_one("nav.back a")["href"] == "index.html"


def test_companion_links_cannot_become_a_scheme(tmp_path):
    (tmp_path / "html").mkdir()
    links = companion_links(tmp_path / "html", {"JSON": tmp_path / "javascript:alert(1).json", "CSV": None})
    assert [link["href"] for link in links] == ["../javascript%3Aalert%281%29.json"]


def table_width_errors(page: BeautifulSoup) -> list[str]:
    """The Nu HTML checker's table model (vnu 24.x, nu.validator.checker.table.Table): a row
    wider or narrower than the columns its colgroups establish is an error. Rowspans carry."""
    errors = []
    for table in page.find_all("table"):
        groups = table.find_all("colgroup", recursive=False)
        width = sum(int(g.get("span", 1)) for g in groups) if groups else None
        for section in table.find_all(["thead", "tbody", "tfoot"], recursive=False):
            carried: list[int] = []  # rows left for each earlier cell with a rowspan
            for tr in section.find_all("tr", recursive=False):
                cells = tr.find_all(["th", "td"], recursive=False)
                row = len(carried) + sum(int(c.get("colspan", 1)) for c in cells)
                width = row if width is None else width
                if row != width:
                    errors.append(f"a row {row} columns wide in a table of {width}: {text(tr)[:60]}")
                carried = [n - 1 for n in carried if n > 1] + [int(c["rowspan"]) - 1 for c in cells if int(c.get("rowspan", 1)) > 1]
    return errors


def test_class_dashboard_keeps_the_nu_checker_rules(class_dashboard, class_pages):
    for page in (class_dashboard, soup(class_pages["learner001"])):
        assert nu_table_role_errors(page) == [] and table_width_errors(page) == []
    broken = BeautifulSoup("<table><colgroup span='3'></colgroup><tbody><tr><td>1</td><td>2</td></tr></tbody></table>", "html.parser")
    assert table_width_errors(broken)


def test_class_dashboard_in_a_browser(browser, class_pages):
    """300 learners × 40 columns: loads with no error, axe clean, the matrix's headers stay in view, 320 px."""
    path = class_pages["(dashboard)"]
    page = browser.page()
    try:
        loaded = page.load(path.as_uri(), width=1000, height=900)
        assert loaded["errors"] == [] and loaded["requests"] == [path.as_uri()]
        serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)
        # scrolled down and right inside its box, the matrix keeps its header row and learner column in view
        moved = page.evaluate(
            "(() => { const w = document.querySelector('.matrix-wrap'); w.scrollTop = 3000; w.scrollLeft = 400;"
            " const box = w.getBoundingClientRect(), head = w.querySelector('thead tr.names th').getBoundingClientRect(),"
            " first = w.querySelector('thead tr.groups th.g').getBoundingClientRect(), name = w.querySelector('tbody tr:nth-child(150) th').getBoundingClientRect();"
            " return [w.scrollTop, first.top - box.top, head.top - first.bottom, name.left - box.left]; })()")
        assert moved[0] > 2000 and abs(moved[1]) <= 2 and abs(moved[2]) <= 2 and abs(moved[3]) <= 2, moved
        page.viewport(320, 640, mobile=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        page.close()
