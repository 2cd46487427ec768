"""The platform renderers on hand-built results: schemas, escaping, caps, hidden checks.

No grading here (fast); `test_platforms_cli.py` runs `grade` end to end.
"""
from __future__ import annotations

import copy
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from grader.report import github, gradebook_csv, gradescope, junit, visible
from grader.results import CheckResult, ExerciseResult, Location, RunResult, SubmissionResult
from platform_rules import (
    classroom_reporter, canvas_import, canvas_rows, decode_payload, gitlab_system_output, gradescope_shows_passed, junit_schema, load_json_strict, runner_commands, validate_classroom_payload, validate_gradescope,
)

SECRET = "SECRET-HIDDEN-INPUT-0.8125"
INJECTION = "boom\n::error file=my_linear.py,line=1::pwned\n::set-output name=result::pwned\n##[set-output name=result;]pwned\r\n::add-mask::pwned"
NASTY = "\x1b[31mred\x1b[0m \x00nul \x0cff ]]> <b>&amp; ```` `code` | pipe %0A %25 😀 \ud800"


def _check(id, title, status, points, **kw) -> CheckResult:
    return CheckResult(id=id, title=title, status=status, max_score=points, **kw)


def nasty_submission(sid: str = 'doe, "jj" <b>') -> SubmissionResult:
    where = Location("my_linear.py", 7, "return x @ self.weights", ((6, "    def forward(self, x):"), (7, "        return x @ self.weights  # ::error::in-code ```")))
    secret_where = Location("my_linear.py", 9, f"assert x[0] != {SECRET}", ((9, f"assert x[0] != {SECRET}"),))
    linear = ExerciseResult("my_linear", [
        _check("my_linear.init", "MyLinear keeps in_features", "passed", 1, duration_s=0.01),
        _check("my_linear.forward[cpu]", "forward(x) computes x @ weights + bias [cpu]", "failed", 2.5,
               message=f"result differs: without + b\n{INJECTION}\n{NASTY}", location=where, output=f"hello\n{INJECTION}\n{NASTY}",
               category="wrong result", device="cpu"),
        _check("my_linear.forward[cuda]", "forward(x) computes x @ weights + bias [cuda]", "skipped", 2, message="not run: no GPU", device="cuda"),
        _check("my_linear.secret[cpu]", "hidden: forward on unseen inputs [cpu]", "failed", 0.5, hidden=True, category="wrong result",
               message=f"expected {SECRET} at index 3", location=secret_where, output=f"printed {SECRET}"),
        _check("my_linear.secret_ok[cpu]", "hidden: passes too [cpu]", "passed", 1, hidden=True),
        _check("my_linear.dup", "same title", "passed", 1),
        _check("my_linear.dup2", "same title", "failed", 1, message="second one", location=where),
    ])
    dataset = ExerciseResult("custom_dataset", [
        _check("custom_dataset.len", "len(dataset) is the number of samples", "error", 1, message="file not found: expected custom_dataset.py"),
        _check("custom_dataset.item", "dataset[i] is {'Text': ..., 'Class': ...}", "error", 2, message="file not found: expected custom_dataset.py"),
    ], error="file not found: expected custom_dataset.py in the submission directory.")
    return SubmissionResult(id=sid, path=f"/work/class/{sid}", exercises=[linear, dataset], duration_s=1.25)


def full_marks(sid: str) -> SubmissionResult:
    return SubmissionResult(id=sid, path=f"/work/class/{sid}", exercises=[
        ExerciseResult("my_linear", [_check("my_linear.init", "MyLinear keeps in_features", "passed", 1), _check("my_linear.f", "forward", "passed", 2.5)]),
        ExerciseResult("custom_dataset", [_check("custom_dataset.len", "len", "passed", 3)]),
    ])


def make_run(*submissions: SubmissionResult) -> RunResult:
    return RunResult(list(submissions), "0.1.0", "2.13.0+cpu", ["cpu"], "2026-01-01T00:00:00+00:00")


@pytest.fixture
def run() -> RunResult:
    return make_run(nasty_submission())


def test_the_fixture_scores_as_the_model_says(run):
    s = run.submissions[0]
    assert (s.score, s.max_score) == (3.0, 10.0)  # skipped cuda counts toward neither


# Gradescope ---------------------------------------------------------------------------------

def test_gradescope_results_match_the_schema_and_the_model(run, tmp_path):
    path = tmp_path / "results" / "results.json"
    gradescope.write_gradescope(run, path)
    data = load_json_strict(path.read_text(encoding="utf-8"))
    validate_gradescope(data)
    s = run.submissions[0]
    assert data["score"] == s.score == sum(t["score"] for t in data["tests"])
    assert sum(t["max_score"] for t in data["tests"]) == s.max_score
    assert "\r" not in path.read_text(encoding="utf-8")
    by_id = {t["extra_data"]["id"]: t for t in data["tests"]}
    forward = by_id["my_linear.forward[cpu]"]
    assert forward["status"] == "failed" and forward["visibility"] == "visible" and (forward["score"], forward["max_score"]) == (0, 2.5)
    assert "without + b" in forward["output"] and "at my_linear.py:7" in forward["output"] and "hello" in forward["output"]
    assert "\x1b" not in forward["output"] and "\x00" not in forward["output"]
    assert by_id["my_linear.init"]["status"] == "passed" and by_id["my_linear.init"]["score"] == 1
    assert "my_linear.forward[cuda]" not in by_id and "1 checks were not run (no GPU)" in data["output"]
    assert by_id["custom_dataset.len"]["status"] == "failed" and "file not found" in by_id["custom_dataset.len"]["output"]


def test_gradescope_shows_as_passed_only_the_checks_that_passed(run):
    """Gradescope (autograder_samples docs/specs.md at af5dee4) shows a test without `status`
    as passed when score == max_score: a check not run, at 0 of 0, would read as passed."""
    submission = run.submissions[0]
    checks = {c.id: c for e in submission.exercises for c in e.checks}
    tests = gradescope.gradescope_results(submission)["tests"]
    shown_passed = {t["extra_data"]["id"] for t in tests if gradescope_shows_passed(t)}
    assert shown_passed == {i for i, c in checks.items() if c.status == "passed"}
    assert not any(checks[t["extra_data"]["id"]].status == "skipped" for t in tests)


def test_gradescope_hidden_checks_are_hidden_and_say_nothing_of_their_inputs(run, tmp_path):
    path = tmp_path / "results.json"
    gradescope.write_gradescope(run, path)
    data = json.loads(path.read_text())
    hidden = [t for t in data["tests"] if "hidden" in t["tags"]]
    assert {t["visibility"] for t in hidden} == {"hidden"} and len(hidden) == 2
    assert {t["visibility"] for t in data["tests"] if t not in hidden} == {"visible"}
    failed = next(t for t in hidden if t["status"] == "failed")
    assert failed["name"] == "hidden: forward on unseen inputs [cpu]" and "wrong result" in failed["output"]
    assert SECRET not in path.read_text()


def test_gradescope_refuses_a_batch(run, tmp_path):
    with pytest.raises(ValueError, match="one submission"):
        gradescope.write_gradescope(make_run(nasty_submission("a"), nasty_submission("b")), tmp_path / "r.json")


# JUnit --------------------------------------------------------------------------------------

def test_junit_is_valid_against_junit_10_xsd_with_hostile_text(tmp_path):
    path = tmp_path / "junit.xml"
    junit.write_junit(make_run(nasty_submission(), full_marks("alice")), path)
    junit_schema().validate(str(path))
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ['doe, "jj" <b>.my_linear', 'doe, "jj" <b>.custom_dataset', "alice.my_linear", "alice.custom_dataset"]
    cases = [c for s in suites for c in s.findall("testcase")]
    assert int(root.get("tests")) == len(cases)
    assert sum(int(s.get("failures")) for s in suites) == sum(1 for c in cases if c.find("failure") is not None) == int(root.get("failures"))
    assert sum(int(s.get("errors")) for s in suites) == sum(1 for c in cases if c.find("error") is not None) == int(root.get("errors")) == 2
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(set(names)) == len(names), "GitLab drops duplicate classname+name"


def test_junit_statuses_messages_and_locations(run, tmp_path):
    path = tmp_path / "junit.xml"
    junit.write_junit(run, path)
    junit_schema().validate(str(path))
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    suites = {s.get("name"): s for s in ET.parse(path).getroot()}
    linear = {c.get("name"): c for c in suites["my_linear"].findall("testcase")}
    assert {c.get("classname") for c in linear.values()} == {"my_linear"}
    forward = linear["forward(x) computes x @ weights + bias [cpu]"]
    failure = forward.find("failure")
    assert failure.get("message") == "result differs: without + b" and failure.get("type") == "wrong result"
    assert "at my_linear.py:7: return x @ self.weights" in failure.text and "]]>" in failure.text and "\x00" not in failure.text
    assert "hello" in forward.find("system-out").text
    skipped = linear["forward(x) computes x @ weights + bias [cuda]"].find("skipped")
    assert skipped is not None and skipped.get("message") == "not run: no GPU"
    hidden = linear["hidden: forward on unseen inputs [cpu]"]
    assert hidden.find("failure").get("message") == "hidden check failed: wrong result." and hidden.find("system-out") is None
    assert linear["MyLinear keeps in_features"].find("*") is None
    assert "same title (my_linear.dup2)" in linear
    errors = suites["custom_dataset"].findall("testcase/error")
    assert len(errors) == 2 and all("file not found" in e.get("message") for e in errors)
    props = {p.get("name"): p.get("value") for p in suites["my_linear"].iter("property")}
    assert (props["score"], props["max_score"], props["submission_score"]) == ("3", "7", "3")


def test_junit_reads_in_gitlab_as_text_for_every_status(run, tmp_path):
    """GitLab 17.x (lib/gitlab/ci/parsers/test/junit.rb via Hash.from_xml) shows the text of
    <failure>, <error> or <skipped>; an element with only attributes shows as an object."""
    path = tmp_path / "junit.xml"
    junit.write_junit(run, path)
    cases = {c.get("name"): c for c in ET.parse(path).getroot().iter("testcase")}
    skipped = gitlab_system_output(cases["forward(x) computes x @ weights + bias [cuda]"])
    assert isinstance(skipped, str) and "not run: no GPU" in skipped
    for case in cases.values():
        if any(case.find(tag) is not None for tag in ("failure", "error", "skipped")):
            assert isinstance(gitlab_system_output(case), str), case.get("name")


# Gradebook CSV ------------------------------------------------------------------------------

def test_gradebook_follows_canvas_rules_and_quotes(tmp_path):
    path = tmp_path / "grades.csv"
    submissions = [nasty_submission(), full_marks("alice"), full_marks("=cmd|' /C calc'!A0")]
    gradebook_csv.write_gradebook(make_run(*submissions), path, {"total": "HW3 Autograder (48213)"})
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 5
    rows = canvas_rows(raw.decode("utf-8"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "HW3 Autograder (48213)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10"]
    assert b'"doe, ""jj"" <b>"' in raw
    for row, submission in zip(rows[2:], submissions):
        shown = "'" + submission.id if submission.id.startswith("=") else submission.id  # a formula is neutralised (OWASP)
        assert row[0] == row[3] == shown and row[1] == row[2] == row[4] == ""
        assert row[5:] == [visible.points(submission.score)]


def test_gradebook_imports_each_point_once_with_its_points_possible(tmp_path):
    """Canvas (lib/gradebook_importer.rb, re-implemented in platform_rules.canvas_import) makes
    each column an assignment, all in the course total; a column that is new gets points
    only from a Points Possible row."""
    run = make_run(nasty_submission(), full_marks("alice"))
    for titles in ({}, {"total": "HW3 (48213)"}, {"my_linear": "MyLinear, part 1", "custom_dataset": "Dataset (77)"}):
        path = tmp_path / "grades.csv"
        gradebook_csv.write_gradebook(run, path, titles)
        imported = canvas_import(path.read_text(encoding="utf-8"))
        points = imported["assignments"]
        assert not imported["dropped"] and sum(float(p) for p in points.values()) == max(s.max_score for s in run.submissions), (titles, points)
        for student, submission in zip(imported["students"], run.submissions):
            assert sum(float(student[title] or 0) for title in points) == submission.score
    with pytest.raises(ValueError, match="twice"):
        gradebook_csv.write_gradebook(run, tmp_path / "g.csv", {"total": "T", "my_linear": "L"})


@pytest.mark.parametrize("title", ["Final Score (123)", "HW3 Current Points", "Override Grade", "Section", "SIS Login ID"])
def test_gradebook_refuses_titles_canvas_would_not_import(title, tmp_path):
    """Canvas's importer drops any column whose title contains a read-only total's name, and
    reads a student-information heading as that column (lib/gradebook_importer.rb)."""
    run = make_run(full_marks("alice"))
    assert gradebook_csv.columns_problem({"total": title})
    gradebook_csv.write_gradebook(run, tmp_path / "ok.csv", {"total": "HW3 (48213)"})
    with pytest.raises(ValueError):
        gradebook_csv.write_gradebook(run, tmp_path / "g.csv", {"total": title})


def test_gradebook_id_column_and_missing_exercises(tmp_path):
    only_linear = SubmissionResult("bob", "/x/bob", [ExerciseResult("my_linear", [_check("a", "a", "passed", 1)])])
    path = tmp_path / "g.csv"
    gradebook_csv.write_gradebook(make_run(full_marks("alice"), only_linear), path, {"my_linear": "L", "custom_dataset": "D"}, id_column="canvas-id")
    rows = canvas_rows(path.read_text(encoding="utf-8"))
    assert rows[1][5:] == ["3.5", "3"]
    assert rows[2][:4] == ["alice", "alice", "", ""]
    assert rows[3][5:] == ["1", ""], "an exercise not graded is a blank cell: no score"


# GitHub -------------------------------------------------------------------------------------

def test_classroom_payload_totals_equal_ours(run):
    payload = decode_payload(github.encode_payload(run))
    validate_classroom_payload(payload)
    s = run.submissions[0]
    assert sum(t["score"] for t in payload["tests"]) == s.score and payload["max_score"] == 0, "the points are in `earned` and `lost`"
    assert payload["status"] == "fail"
    counted = [c for e in s.exercises for c in e.checks if c.counted]
    assert [t["score"] for t in payload["tests"]] == [c.score for c in counted]
    assert [t["status"] for t in payload["tests"]] == [{"passed": "pass", "failed": "fail", "error": "error"}[c.status] for c in counted]
    forward = next(t for t in payload["tests"] if "[cpu]" in t["name"] and "x @ weights" in t["name"])
    assert (forward["filename"], forward["line_no"]) == ("my_linear.py", 7)
    assert SECRET not in json.dumps(payload)


def _reporter(run: RunResult) -> dict:
    outputs = github.step_outputs(run)
    env = {"GRADER_RESULTS": outputs["result"], "EARNED_RESULTS": outputs["earned"], "LOST_RESULTS": outputs["lost"]}
    return classroom_reporter("grader,earned,lost", env)


@pytest.mark.parametrize("make", [lambda: make_run(nasty_submission()), lambda: make_run(full_marks("alice")),
                                  lambda: make_run(nasty_submission("a"), full_marks("b"))])
def test_the_classroom_reporter_shows_and_records_our_total(make):
    """classroom-resources/autograding-grading-reporter v1 (43c2d9f), re-implemented in
    platform_rules: its log and table count passed tests × max / tests, Classroom gets
    Σ scores / Σ max. Both must be ours (3/10 here, where the checks' points differ)."""
    run = make()
    score, maximum = sum(s.score for s in run.submissions), sum(s.max_score for s in run.submissions)
    reported = _reporter(run)
    assert reported["total"] == (score, maximum) and reported["notice"] == f"Points {visible.points(score)}/{visible.points(maximum)}"
    assert reported["table"][-1][1:] == (score, maximum), reported["table"]
    printed = [float(line.split(": ")[1].split("/")[0]) for line in reported["log"] if line.startswith("Total points for ")]
    assert sum(printed) == score, reported["log"]
    assert reported["failed"] == (score < maximum)


def test_the_classroom_reporter_names_every_test_it_prints(run):
    """The reporter prints an `error` test as "Error: <message>" alone (console-results.js)."""
    payload = decode_payload(github.encode_payload(run))
    log = "\n".join(_reporter(run)["log"])
    errors = [t for t in payload["tests"] if t["status"] == "error"]
    assert errors
    for test in errors:
        assert f"Error: {test['name']}: " in log, test


def test_classroom_payload_strings_cannot_be_commands_when_the_reporter_prints_them(run):
    payload = decode_payload(github.encode_payload(run))
    for test in payload["tests"]:
        for key in ("name", "message", "test_code", "filename"):
            value = test[key] or ""
            assert "\n" not in value and "\r" not in value
            assert not runner_commands(f"{value}\nTest code:\n{value}\n  {value}"), (key, value)


def test_classroom_payload_fits_in_one_environment_variable():
    big = nasty_submission()
    big.exercises[0].checks = [
        _check(f"my_linear.c{i}", f"check {i} " + "t" * 300, "failed", 1, message="m" * 5000, location=Location("my_linear.py", i + 1, "c" * 400))
        for i in range(400)
    ]
    run = make_run(big)
    encoded = github.encode_payload(run)
    payload = decode_payload(encoded)
    assert len(json.dumps(payload, separators=(",", ":")).encode()) <= github.PAYLOAD_JSON_LIMIT and len(encoded) < 128 * 1024
    assert sum(t["score"] for t in payload["tests"]) == big.score and len(payload["tests"]) == 400 + 2


def test_escaping_round_trips_through_the_runner_parser():
    message = "50% done\r\nline two: a,b::c"
    line = github.command("error", message, file="dir, with: colon/f.py", line=3, title="t: 1, 2 %")
    [parsed] = runner_commands(line)
    assert parsed["command"] == "error" and parsed["data"] == message
    assert parsed["properties"] == {"file": "dir, with: colon/f.py", "line": "3", "title": "t: 1, 2 %"}


def test_annotations_point_at_the_learners_lines_and_hide_hidden_checks(run):
    lines = github.annotations(run, Path("/work/class"))
    parsed = [c for line in lines for c in runner_commands(line)]
    assert len(parsed) == len(lines) and {c["command"] for c in parsed} == {"error"}
    at = {(c["properties"].get("file"), c["properties"].get("line")) for c in parsed}
    assert ('doe, "jj" <b>/my_linear.py', "7") in at
    hidden = next(c for c in parsed if "hidden" in c["properties"]["title"])
    assert "file" not in hidden["properties"] and "line" not in hidden["properties"]
    assert SECRET not in "\n".join(lines)
    seven = next(c for c in parsed if c["properties"].get("line") == "7")
    assert "2 failed checks" in seven["properties"]["title"] and "pwned" in seven["data"], "learner text is data, escaped onto one line"


def test_notebook_locations_name_the_cell_not_a_line_of_the_ipynb():
    cell = SimpleNamespace(file="my_linear.ipynb", line=3, cell=4, code="y = x @ w", excerpt=(), label="my_linear.ipynb, cell 4, line 3")
    submission = SubmissionResult("nb", "/work/class/nb", [ExerciseResult("my_linear", [
        _check("my_linear.forward[cpu]", "forward", "failed", 2, message="wrong values", location=cell)])])
    run = make_run(submission)
    [annotation] = runner_commands("\n".join(github.annotations(run, Path("/work/class"))))
    assert annotation["properties"]["file"] == "nb/my_linear.ipynb" and "line" not in annotation["properties"]
    assert annotation["data"].startswith("at my_linear.ipynb, cell 4, line 3: wrong values")
    payload = decode_payload(github.encode_payload(run))
    assert payload["tests"][0]["line_no"] == 0 and "cell 4, line 3" in payload["tests"][0]["test_code"]
    assert "at my_linear.ipynb, cell 4, line 3" in gradescope.gradescope_results(submission)["tests"][0]["output"]
    assert "my_linear.ipynb, cell 4, line 3" in github.render_markdown(submission)


def test_annotations_are_capped_at_ten_per_step():
    many = nasty_submission()
    many.exercises[0].checks = [_check(f"c{i}", f"c{i}", "failed", 1, message="m", location=Location("my_linear.py", i + 1)) for i in range(25)]
    lines = github.annotations(make_run(many), Path("/"))
    assert len(lines) == github.ERRORS_PER_STEP
    # 26 places: 25 lines in my_linear.py, and custom_dataset's two errors (no line) as one
    assert "18 more failed checks at 17 more places" in lines[-1]
    assert len([ln for ln in lines if ",line=" in ln]) == 9


def test_the_fence_stops_commands_until_our_token():
    out = []
    fence = github.CommandFence(out.append)
    fence.begin()
    out += ["::error::pwned", "  ::set-output name=result::pwned", "::stop-commands::guess", "::guess::", "::error::pwned"]
    fence.end()
    out.append("::notice::ours")
    commands = runner_commands("\n".join(out))
    assert [c["command"] for c in commands] == ["stop-commands", "notice"]


def test_job_summary_fences_learner_text_and_stays_under_the_limit(run):
    summary = github.render_summary(run)
    assert SECRET not in summary
    heading = next(line for line in summary.splitlines() if line.startswith("## "))
    assert "<b>" not in heading and "&lt;b&gt;" in heading
    assert "`````text" in summary  # longer than the learner's ```` run
    assert "at <code>my_linear.py:7</code>" in summary and "hidden check failed: wrong result." in summary
    big = make_run(*[nasty_submission(f"learner{i}") for i in range(2000)])
    limited = github.render_summary(big)
    assert len(limited.encode()) < 1024 * 1024 and "more submissions left out" in limited


def test_github_actions_writes_outputs_and_summary(run, tmp_path):
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.write_text("earlier=1\n")
    stream = io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": "/work/class"}
    actions = github.GitHubActions.start(env, stream)
    stream.write("::error::printed while grading\n")
    assert actions.finish(run) == []
    lines = output.read_text().splitlines()
    assert lines[0] == "earlier=1" and [ln.split("=", 1)[0] for ln in lines[1:]] == ["result", "earned", "lost", "score", "max_score"]
    assert decode_payload(lines[1].split("=", 1)[1]) == json.loads(json.dumps(github.classroom_payload(run)))
    assert summary.read_text().startswith("# Autograder")
    commands = runner_commands(stream.getvalue())
    assert "printed while grading" not in json.dumps(commands)
    notice = [c for c in commands if c["command"] == "notice"]
    assert notice[0]["data"] == "Points 3/10"


def test_pages_fit_in_one_github_comment(tmp_path):
    """GitHub's REST API refuses a commit comment whose body is over 65,536 characters (422);
    a page is cut between two checks' blocks, so its Markdown stays whole."""
    many = nasty_submission("many")
    many.exercises[0].checks = [_check(f"c{i}", f"check {i}", "failed", 1, message="m" * 3000, location=Location("my_linear.py", i + 1, "c" * 200))
                                for i in range(60)]
    [path] = github.write_pages(make_run(many), tmp_path)
    page = path.read_text(encoding="utf-8")
    assert len(github.render_markdown(many)) > 65_536 and len(page) <= 65_536 and len(page.encode()) <= 65_536
    assert page.count("<details>") == page.count("</details>") > 0 and page.count("```") % 2 == 0
    assert "longer than a GitHub comment allows" in page and page.startswith("## many: ")


def test_github_without_the_files_warns(run):
    warnings = github.GitHubActions(environ={}, stream=io.StringIO()).finish(run)
    assert any("GITHUB_OUTPUT" in w for w in warnings) and any("GITHUB_STEP_SUMMARY" in w for w in warnings)


def test_enabled_follows_the_flag_then_the_environment():
    assert github.enabled(None, {"GITHUB_ACTIONS": "true"}) and not github.enabled(None, {})
    assert not github.enabled(False, {"GITHUB_ACTIONS": "true"}) and github.enabled(True, {})


def test_renderers_do_not_touch_the_model(run, tmp_path):
    before = copy.deepcopy(run)
    gradescope.write_gradescope(run, tmp_path / "a.json")
    junit.write_junit(run, tmp_path / "a.xml")
    gradebook_csv.write_gradebook(run, tmp_path / "a.csv")
    github.encode_payload(run), github.render_summary(run), github.annotations(run, tmp_path)
    assert run == before


def test_the_terminal_report_in_a_ci_log_shows_hidden_checks_as_learners_see_them(run):
    from grader.report.terminal import render_submission

    submission = run.submissions[0]
    before = copy.deepcopy(submission)
    shown = visible.redacted(submission)
    assert SECRET in render_submission(submission, verbose=True), "instructors' terminal: everything"
    text = render_submission(shown, verbose=True)
    assert SECRET not in text and "hidden check failed: wrong result." in text
    assert (shown.score, shown.max_score) == (submission.score, submission.max_score)
    assert submission == before
