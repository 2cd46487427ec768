"""The platforms' own rules, as checkers for the tests: schemas, the Actions runner's command
parser, Canvas's CSV importer. Each says where its rules come from."""
from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
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
# instructure/canvas-lms lib/gradebook_importer.rb (master, 2025): header? / update_column_count
# (student columns), strip_non_assignment_columns (NON_ASSIGNMENT_COLUMN_HEADERS joined into
# one unanchored Regexp, grep_v: a title that merely contains "Final Score" is dropped),
# process_pp (a row whose column A includes "Points Possible" sets each assignment's points),
# calc_assignment_indices (a title's first column), check_for_non_student_row.

CANVAS_DROPPED = re.compile("|".join(["Current Score", "Current Points", "Current Grade", "Final Score", "Final Points", "Final Grade",
                                      "Override Score", "Override Grade", "Override Status"]))


def canvas_import(text: str) -> dict:
    """What the importer makes of the CSV: assignments (title → points possible, None when no
    Points Possible row gives them) and each student row's cells by title, as the preview shows."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "invalid header row"
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        extra = 1 if re.search(r"Integration\s+ID", header[4]) else 0
        student_columns += 2 + extra + (1 if re.search(r"Root\s+Account", header[4 + extra]) else 0)
    assert "Section" in header[student_columns - 1], "Section must be the last student-information column"
    titles = [title for title in header[student_columns:] if not CANVAS_DROPPED.search(title)]
    index = {title: header.index(title) for title in titles}
    points: dict[str, str | None] = {title: None for title in titles}
    students = []
    for row in rows[1:]:
        if row[0] and "Points Possible" in row[0]:
            points.update({title: row[i] for title, i in index.items() if row[i]})
        elif all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", cell, re.I) for cell in row):
            continue
        else:
            students.append({"row": row, **{title: row[i] for title, i in index.items()}})
    return {"header": header, "assignments": points, "dropped": [t for t in header[student_columns:] if t not in titles], "students": students}


def canvas_rows(text: str) -> list[list[str]]:
    """The rows, after checking that the importer reads every column and every row as meant."""
    imported = canvas_import(text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert header[1] == "ID" and header[2:4] == ["SIS User ID", "SIS Login ID"] and header[4] == "Section", header
    assert not imported["dropped"], f"the importer drops {imported['dropped']}"
    assignments = header[5:]
    assert assignments and len(set(assignments)) == len(assignments), "duplicate assignment titles"
    assert all(points is not None for points in imported["assignments"].values()), "a column without points possible"
    assert len(imported["students"]) == len(rows) - 2, "every row but the Points Possible one is a student"
    for row in rows[1:]:
        assert len(row) == len(header), row
        for cell in row[5:]:
            if cell.strip() in ("", "-") or cell.strip().upper() == "EX":
                continue
            assert math.isfinite(float(cell.replace(",", ".")))
    for student in imported["students"]:
        assert any(student["row"][:4]), "no way to match the student"
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
