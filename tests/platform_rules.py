"""The platforms' own rules, as checkers for the tests: schemas, the Actions runner's command
parser, Canvas's CSV importer. Each says where its rules come from."""
from __future__ import annotations

import base64
import csv
import io
import json
import math
from pathlib import Path

import jsonschema
import xmlschema

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def load_json_strict(text: str):
    """json.loads that refuses NaN and Infinity, which Python writes unless told not to."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def gradescope_shows_passed(test: dict) -> bool:
    """How Gradescope styles a test (gradescope/autograder_samples docs/specs.md at af5dee4,
    "Scoring"): its `status` when given, else passed exactly when score == max_score."""
    if "status" in test:
        return test["status"] == "passed"
    return test.get("score") == test.get("max_score")


def validate_gradescope(data: dict) -> None:
    jsonschema.validate(data, json.loads((SCHEMAS / "gradescope-results.schema.json").read_text()))


def validate_classroom_payload(payload: dict) -> None:
    jsonschema.validate(payload, json.loads((SCHEMAS / "classroom-payload.schema.json").read_text()))


def decode_payload(encoded: str) -> dict:
    """As the reporter does: base64 (standard alphabet, padded, one line), then JSON.parse."""
    assert "\n" not in encoded and encoded.isascii()
    return load_json_strict(base64.b64decode(encoded, validate=True).decode("utf-8"))


def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


# The GitHub Actions runner ------------------------------------------------------------------
# actions/runner src/Runner.Common/ActionCommand.cs (TryParseV2, TryParse) and
# src/Runner.Worker/ActionCommandManager.cs: a line is a command when, after leading
# whitespace, it starts with `::` and has a second `::`; `::stop-commands::TOKEN` turns
# processing off until a line `::TOKEN::`. The old `##[name props]data` syntax is matched
# anywhere in a line.

def _unescape(text: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def runner_commands(log: str) -> list[dict]:
    """The workflow commands the runner would act on in this step log, in order."""
    commands = []
    stop_token = None
    for line in log.splitlines():
        text = line.lstrip()
        parsed = None
        if text.startswith("::"):
            end = text.find("::", 2)
            if end >= 0:
                info, data = text[2:end], text[end + 2:]
                name, _, props = info.partition(" ")
                properties = {}
                for pair in filter(None, props.strip().split(",")):
                    key, sep, value = pair.partition("=")
                    if sep:
                        properties[key.lower()] = _unescape(value, True)
                parsed = {"command": name.lower(), "properties": properties, "data": _unescape(data, False), "line": line}
        if stop_token is not None:
            if parsed and parsed["command"] == stop_token.lower():
                stop_token = None
            continue
        if parsed is None and "##[" in line:
            commands.append({"command": "v1", "properties": {}, "data": line, "line": line})
            continue
        if parsed is None:
            continue
        if parsed["command"] == "stop-commands":
            stop_token = parsed["data"]
        commands.append(parsed)
    return commands


# Canvas's gradebook importer ----------------------------------------------------------------
# instructure/canvas-lms lib/gradebook_importer.rb, as summarised in shared/reference/formats.md
# section 5.1.

def canvas_rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert "Student" in header[0], "column A must contain 'Student'"
    assert header[1] == "ID", "column B must be 'ID'"
    assert len(header) >= 4
    assert "Section" in header, "Section must be the last student-information column"
    section = header.index("Section")
    assert header[2:section] in ([], ["SIS Login ID"], ["SIS User ID", "SIS Login ID"], ["SIS User ID", "SIS Login ID", "Integration ID"],
                                 ["SIS User ID", "SIS Login ID", "Integration ID", "Root Account"]), header[2:section]
    assignments = header[section + 1:]
    assert assignments, "no assignment columns"
    assert len(set(assignments)) == len(assignments), "duplicate assignment titles"
    ignored = ("Current Score", "Final Score", "Unposted Score", "Current Points", "Final Points", "Current Grade", "Final Grade")
    assert not any(title.startswith(ignored) for title in assignments), "a read-only column"
    for row in rows[1:]:
        assert len(row) == len(header), row
        assert not row[0].startswith("Points Possible"), "we write no Points Possible row"
        assert row[1] or row[2] or row[3] or row[0], "no way to match the student"
        for cell in row[section + 1:]:
            if cell.strip() in ("", "-") or cell.strip().upper() == "EX":
                continue
            value = float(cell.replace(",", "."))
            assert math.isfinite(value)
    return rows


# GitLab's JUnit parser -------------------------------------------------------------------------
# gitlabhq/gitlabhq lib/gitlab/ci/parsers/test/junit.rb (GitLab 17.x, create_test_case) reads a
# report with ActiveSupport's Hash.from_xml (XMLConverter): an element with text becomes that
# text, attributes dropped; one with attributes only becomes a Hash of them. The test case's
# `system_output`, what the Tests tab shows, is that value of its <failure>, else <error>, else
# <skipped>.

def gitlab_system_output(case) -> object:
    """What GitLab shows for one <testcase> (an xml.etree element): a string, a dict, or None."""
    for tag in ("failure", "error", "skipped"):
        element = case.find(tag)
        if element is None:
            continue
        if element.text and element.text.strip():
            return element.text
        return dict(element.attrib) or None
    return None


# GitHub Classroom's grading reporter ---------------------------------------------------------
# classroom-resources/autograding-grading-reporter v1 (commit 43c2d9f): src/main.js reads
# `<RUNNER>_RESULTS` for each runner in `runners`; src/console-results.js prints the log;
# src/aggregate-results.js the table; src/helpers/test-helpers.js getTestScore (passed tests /
# tests × max_score, test scores ignored); src/notify-classroom.js the total Classroom records
# (Σ tests[].score of the runners whose max_score is truthy, out of Σ max_score).

def js_number(value: float) -> str:
    """A number as JavaScript's template strings print it (46, 2.5, NaN)."""
    if value != value:
        return "NaN"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _runner_score(results: dict) -> float:
    tests = results["tests"]
    passed = sum(1 for t in tests if t["status"] == "pass")
    return passed / len(tests) * (results.get("max_score") or 0) if tests else float("nan")


def classroom_reporter(runners: str, environ: dict[str, str]) -> dict:
    """What the reporter prints and sends: log lines, table rows, the notice, whether it fails."""
    results = [(name, json.loads(base64.b64decode(environ[f"{name.strip().upper()}_RESULTS"]).decode("utf-8"))) for name in runners.split(",")]
    log, table = [], []
    for name, data in results:
        log.append(f"🔄 Processing: {name}")
        for test in data["tests"]:
            suffix = f" - line {test['line_no']}" if test.get("line_no") != 0 else ""
            if test["status"] == "pass":
                log.append(f"✅ {test['name']}{suffix}")
            elif test["status"] == "error":
                log.append(f"Error: {test.get('message') or 'Failed to run test ' + repr(test['name'])}")
            else:
                log.append(f"❌ {test['name']}{suffix}")
            if test.get("test_code"):
                log.append(f"Test code:\n{test['test_code']}")
        max_score = data.get("max_score") or 0
        if max_score != 0:
            log.append(f"Total points for {name}: {_runner_score(data):.2f}/{js_number(max_score)}")
        table.append((name.strip(), _runner_score(data), max_score))
    table.append(("Total: ", sum(row[1] for row in table), sum(row[2] for row in table)))
    counted = [data for _, data in results if data.get("max_score")]
    total = sum(t["score"] for data in counted for t in data["tests"])
    maximum = sum(data["max_score"] for data in counted)
    notice = f"Points {js_number(total)}/{js_number(maximum)}" if maximum else None
    failed = any(data["status"] in ("fail", "error") for _, data in results)
    return {"log": log, "table": table, "notice": notice, "total": (total, maximum), "failed": failed}
