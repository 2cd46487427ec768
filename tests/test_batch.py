"""Batch grading: parallel judges give the same results, progress is reported, --resume reuses."""
import json
import subprocess
import sys

import pytest

from conftest import EXERCISES, make_submission, mutate


def run_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=600)


def comparable(data: dict) -> list:
    """The results without what legitimately changes from run to run (timings, dates)."""
    drop = {"duration_s", "timings", "started_at"}

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(data["submissions"])


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("classroom")
    make_submission(root / "a_correct")
    make_submission(root / "b_stubs", base=EXERCISES)
    make_submission(root / "c_no_bias", {"logistic_regression.py": mutate("logistic_regression", "self.w.T @ x + self.b", "self.w.T @ x")})
    make_submission(root / "d_keys", {"custom_dataset.py": mutate("custom_dataset", '{"Text": self.data[idx]', '{"text": self.data[idx]')})
    make_submission(root / "e_sign", {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y - self.bias")})
    return root


def test_one_job_and_two_jobs_give_identical_results(classroom, tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    first = run_grade(str(classroom), "-q", "--jobs", "1", "--json", str(one))
    second = run_grade(str(classroom), "-q", "--jobs", "2", "--json", str(two))
    assert first.returncode == second.returncode == 1
    a, b = json.loads(one.read_text()), json.loads(two.read_text())
    assert [s["id"] for s in a["submissions"]] == ["a_correct", "b_stubs", "c_no_bias", "d_keys", "e_sign"]
    verdicts = lambda data: [(s["id"], c["id"], c["status"], c["message"]) for s in data["submissions"] for e in s["exercises"] for c in e["checks"]]
    assert [v for v in verdicts(a) if v not in verdicts(b)] == []
    assert comparable(a) == comparable(b)
    assert first.stdout.splitlines()[-1] == "5 submissions graded, 1 with full marks."


def test_progress_lines_when_not_a_terminal_and_resume_reuses_unchanged(classroom, tmp_path):
    report = tmp_path / "results.json"
    first = run_grade(str(classroom), "-q", "--json", str(report))
    assert sorted(line.split(":")[1].split()[0] for line in first.stderr.splitlines() if line.startswith("graded ")) == [
        "a_correct", "b_stubs", "c_no_bias", "d_keys", "e_sign"]
    assert "graded 5/5" in first.stderr
    before = json.loads(report.read_text())
    (classroom / "e_sign" / "my_linear.py").write_text(mutate("my_linear", "y = y + self.bias", "y = y + self.bias"))
    second = run_grade(str(classroom), "-q", "--json", str(report), "--resume")
    kept = [line for line in second.stderr.splitlines() if "(unchanged, kept)" in line]
    assert len(kept) == 4 and not any("e_sign" in line for line in kept)
    after = {s["id"]: s for s in json.loads(report.read_text())["submissions"]}
    assert after["e_sign"]["score"] == after["e_sign"]["max_score"]
    assert comparable({"submissions": [after[s["id"]] for s in before["submissions"] if s["id"] != "e_sign"]}) == comparable(
        {"submissions": [s for s in before["submissions"] if s["id"] != "e_sign"]})


def test_resume_needs_a_results_file(classroom):
    completed = run_grade(str(classroom), "--resume")
    assert completed.returncode == 2 and "--resume needs --json" in completed.stderr
