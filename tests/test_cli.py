"""The `grade` command as users run it: exit codes, terminal output, JSON that matches its schema."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import EXERCISES, SOLUTIONS, make_submission, mutate
from grader.report.json_report import load_schema


def run_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("class")
    make_submission(root / "alice")
    make_submission(root / "bob", base=EXERCISES)
    make_submission(root / "carol", {"logistic_regression.py": mutate("logistic_regression", "self.w.T @ x + self.b", "self.w.T @ x")})
    (root / "carol" / "custom_dataset.py").unlink()
    return root


@pytest.fixture(scope="module")
def batch_run(batch, tmp_path_factory):
    report = tmp_path_factory.mktemp("out") / "results.json"
    completed = run_grade(str(batch), "--json", str(report))
    return completed, json.loads(report.read_text())


def test_batch_grades_every_subdirectory_and_exits_1(batch_run):
    completed, data = batch_run
    assert completed.returncode == 1
    assert [s["id"] for s in data["submissions"]] == ["alice", "bob", "carol"]
    scores = {s["id"]: (s["score"], s["max_score"]) for s in data["submissions"]}
    assert scores["alice"][0] == scores["alice"][1] > 0
    assert scores["bob"][0] == 0
    assert 0 < scores["carol"][0] < scores["carol"][1]
    assert "3 submissions graded, 1 with full marks." in completed.stdout


def test_json_matches_the_documented_schema(batch_run):
    _, data = batch_run
    jsonschema.validate(data, load_schema())
    for submission in data["submissions"]:
        assert submission["score"] == sum(e["score"] for e in submission["exercises"])
        for exercise in submission["exercises"]:
            counted = [c for c in exercise["checks"] if c["status"] != "skipped"]
            assert exercise["max_score"] == sum(c["max_score"] for c in counted)


def test_missing_file_scores_zero_for_that_exercise_only(batch_run):
    _, data = batch_run
    carol = {e["name"]: e for e in next(s for s in data["submissions"] if s["id"] == "carol")["exercises"]}
    assert carol["custom_dataset"]["score"] == 0
    assert "expected custom_dataset.py" in carol["custom_dataset"]["error"]
    assert all(c["status"] == "error" for c in carol["custom_dataset"]["checks"])
    assert carol["my_linear"]["score"] == carol["my_linear"]["max_score"]
    forward = next(c for c in carol["logistic_regression"]["checks"] if c["id"] == "logistic_regression.forward[cpu]")
    assert forward["status"] == "failed" and "without + b" in forward["message"]
    assert forward["location"]["file"] == "logistic_regression.py" and forward["location"]["line"] > 0


def test_terminal_output_explains_failures(batch_run):
    completed, _ = batch_run
    assert "FAIL forward(x) computes sigmoid(w.T @ x + b) [cpu]  0/2" in completed.stdout
    assert "at logistic_regression.py:" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr


def test_full_marks_exit_0_and_verbose_timings():
    completed = run_grade(str(SOLUTIONS), "--exercise", "my_linear", "-v")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "(full marks)" in completed.stdout
    assert "PASS forward(x) computes x @ weights + bias [cpu]" in completed.stdout
    assert "logistic_regression" not in completed.stdout
    assert "worker started 1x" in completed.stdout and "whole run:" in completed.stdout


@pytest.mark.parametrize("args", [["/no/such/dir"], [], ["--exercise", "nope", "."], ["EMPTY"]])
def test_usage_errors_exit_2(args, tmp_path):
    args = [str(tmp_path) if a == "EMPTY" else a for a in args]
    completed = run_grade(*args)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_folder_inside_the_submission_folder_is_graded(tmp_path):
    make_submission(tmp_path / "class" / "judy" / "hw1")
    make_submission(tmp_path / "class" / "ken")
    completed = run_grade(str(tmp_path / "class"), "-q", "--exercise", "my_linear")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2 submissions graded, 2 with full marks." in completed.stdout


def test_two_submissions_with_one_name_are_refused(tmp_path):
    make_submission(tmp_path / "a" / "sub")
    make_submission(tmp_path / "b" / "sub")
    completed = run_grade(str(tmp_path / "a" / "sub"), str(tmp_path / "b" / "sub"))
    assert completed.returncode == 2 and "both named 'sub'" in completed.stderr


def test_assign_refuses_to_overwrite_hand_edits_without_force(tmp_path):
    out = tmp_path / "stubs"
    assert run_grade("assign", str(SOLUTIONS), str(out)).returncode == 0
    edited = out / "my_linear.py"
    edited.write_text(edited.read_text() + "\n# my own work\n")
    refused = run_grade("assign", str(SOLUTIONS), str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr and "my_linear.py" in refused.stderr
    assert "# my own work" in edited.read_text()
    assert run_grade("assign", str(SOLUTIONS), str(out), "--force").returncode == 0
    assert "# my own work" not in edited.read_text()


def test_instructor_view_needs_html():
    completed = run_grade(str(SOLUTIONS), "--instructor")
    assert completed.returncode == 2 and "--html" in completed.stderr


def test_a_file_path_grades_that_exercise_of_its_folder():
    completed = run_grade(str(SOLUTIONS / "my_linear.py"))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "my_linear" in completed.stdout and "custom_dataset" not in completed.stdout
    other = run_grade(str(SOLUTIONS / "my_linear.md"))
    assert other.returncode == 2 and "pass the submission's folder" in other.stderr
