"""`grade` for the platforms, end to end: a simulated GitHub Actions step, a batch for the
gradebook and JUnit, the Gradescope zip run as Gradescope runs it, and `grade init`."""
from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

import grader
from conftest import EXERCISES, ROOT, SOLUTIONS, make_submission, mutate
from grader.report.json_report import load_schema
from platform_rules import (
    canvas_rows, decode_payload, junit_schema, load_json_strict, runner_commands, validate_classroom_payload, validate_gradescope,
)

PWNED = "pwned"  # every injection attempt below carries it; no workflow command may


def run_grade(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment["PYTHONPATH"] = str(ROOT)  # this checkout's grader, also when cwd is elsewhere
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=180, cwd=cwd, env=environment)


# A learner who tries to talk to the Actions runner ----------------------------------------------

PRINTS = "\n".join(f"            print({line!r})" for line in [
    "::error file=my_linear.py,line=1::pwned-print",
    "::set-output name=result::pwned",
    "  ::warning title=pwned::indented",
    "##[error]pwned-v1",
    "::add-mask::pwned",
    "::stop-commands::pwnedtoken",
    "::pwnedtoken::",
    "::error::pwned-after-a-fake-resume",
])
HOSTILE = {
    "my_linear.py": mutate("my_linear", "            y = y + self.bias", PRINTS + "\n            y = y - self.bias"),
    "logistic_regression.py": mutate(
        "logistic_regression", "        return self.sigmoid(self.w.T @ x + self.b)",
        "        raise ValueError('bad shape\\n::error::pwned-exception\\n::set-output name=score::46')",
    ),
    "custom_dataset.py": (SOLUTIONS / "custom_dataset.py").read_text() + "\n::set-output name=result::pwned-syntax\n",
}


@pytest.fixture(scope="module")
def actions_step(tmp_path_factory):
    """`grade .` in a learner's repository, as the Classroom workflow's step runs it."""
    workspace = make_submission(tmp_path_factory.mktemp("learner-repo"), HOSTILE)
    out = tmp_path_factory.mktemp("runner")
    output, summary = out / "github_output", out / "step_summary"
    output.write_text("")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(workspace)}
    completed = run_grade(".", "--json", str(out / "results.json"), "--gradescope", str(out / "gradescope.json"),
                          "--junit", str(out / "junit.xml"), cwd=workspace, env=env)
    return {
        "completed": completed, "workspace": workspace, "output": output.read_text(), "summary": summary.read_text(),
        "json": json.loads((out / "results.json").read_text()), "gradescope": out / "gradescope.json", "junit": out / "junit.xml",
    }


def _outputs(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines())


def test_actions_payload_decodes_to_the_same_totals_as_json(actions_step):
    assert actions_step["completed"].returncode == 1, actions_step["completed"].stderr
    outputs = _outputs(actions_step["output"])
    assert set(outputs) == {"result", "earned", "lost", "score", "max_score"}
    payload = decode_payload(outputs["result"])
    validate_classroom_payload(payload)
    [submission] = actions_step["json"]["submissions"]
    # the reporter sends Σ tests[].score out of Σ max_score to Classroom
    assert sum(t["score"] for t in payload["tests"]) == submission["score"]
    assert payload["max_score"] == 0 and decode_payload(outputs["earned"])["max_score"] + decode_payload(outputs["lost"])["max_score"] == submission["max_score"]
    assert 0 < submission["score"] < submission["max_score"]
    assert float(outputs["score"]) == submission["score"] and float(outputs["max_score"]) == submission["max_score"]
    counted = [c for e in submission["exercises"] for c in e["checks"] if c["status"] != "skipped"]
    assert [t["score"] for t in payload["tests"]] == [c["score"] for c in counted]
    assert {t["status"] for t in payload["tests"]} == {"pass", "fail", "error"}


def _line_of(file: str, text: str) -> str:
    return str(next(n for n, line in enumerate(HOSTILE[file].splitlines(), 1) if text in line))


def test_actions_annotations_point_at_the_learners_lines(actions_step):
    commands = runner_commands(actions_step["completed"].stdout)
    errors = [c for c in commands if c["command"] == "error"]
    [submission] = actions_step["json"]["submissions"]
    failed_at = {
        (c["location"]["file"], str(c["location"]["line"]))
        for e in submission["exercises"] for c in e["checks"]
        if c["status"] in ("failed", "error") and c["location"] and c["location"]["line"] and not c["hidden"]
    }
    annotated = {(c["properties"]["file"], c["properties"]["line"]) for c in errors if "line" in c["properties"]}
    assert annotated == failed_at and 0 < len(errors) <= 10
    assert ("logistic_regression.py", _line_of("logistic_regression.py", "raise ValueError")) in annotated
    assert ("custom_dataset.py", _line_of("custom_dataset.py", "pwned-syntax")) in annotated  # the syntax error's line
    for file, line in annotated:
        assert 1 <= int(line) <= len((actions_step["workspace"] / file).read_text().splitlines())
    assert [c["data"] for c in commands if c["command"] == "notice"] == [f"Points {outputs_points(actions_step)}"]


def outputs_points(step) -> str:
    outputs = _outputs(step["output"])
    return f"{outputs['score']}/{outputs['max_score']}"


def test_a_learner_who_prints_commands_adds_no_annotation_and_changes_no_output(actions_step):
    stdout, stderr = actions_step["completed"].stdout, actions_step["completed"].stderr
    assert "::error file=my_linear.py,line=1::pwned-print" in stdout, "what the learner printed is in the log, as text"
    commands = runner_commands(stdout + "\n" + stderr)
    fence, ours = commands[0], commands[1:]
    assert fence["command"] == "stop-commands" and re.fullmatch(r"[0-9a-f]{32}", fence["data"])
    assert stdout.count(fence["data"]) == 2, "the token appears only where we stop and resume"
    # After the fence: only our annotations and our notice. Learner text is at most the
    # escaped message of an annotation of ours, never a command, a property or an output.
    assert [c["command"] for c in ours] == ["error"] * (len(ours) - 1) + ["notice"]
    for command in ours:
        assert PWNED not in json.dumps(command["properties"])
        assert command["line"].startswith(("::error file=", "::error title=", "::notice title="))
        assert "\n" not in command["line"]
    assert not any(PWNED in c["data"] for c in ours if c["command"] == "notice")
    # the fence is what stops them: without it, the runner would act on the learner's lines
    unfenced = "\n".join(line for line in stdout.splitlines() if fence["data"] not in line)
    assert any(c["command"] == "v1" and "##[error]pwned-v1" in c["line"] for c in runner_commands(unfenced))
    outputs = _outputs(actions_step["output"])
    assert PWNED not in actions_step["output"] and set(outputs) == {"result", "earned", "lost", "score", "max_score"} and outputs["score"] != "46"


def test_actions_job_summary_and_other_outputs_of_the_same_run(actions_step):
    summary = actions_step["summary"]
    [submission] = actions_step["json"]["submissions"]
    assert summary.startswith("# Autograder") and f"{outputs_points(actions_step)} points" in summary
    assert "Your code printed:" in summary and "<details>" in summary
    jsonschema.validate(actions_step["json"], load_schema())
    gradescope = load_json_strict(actions_step["gradescope"].read_text())
    validate_gradescope(gradescope)
    assert gradescope["score"] == submission["score"]
    junit_schema().validate(str(actions_step["junit"]))


# A batch: the gradebook and JUnit ----------------------------------------------------------------

@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    make_submission(root / "alice")
    make_submission(root / "bob", base=EXERCISES)
    make_submission(root / 'doe, "jj"', {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y")})
    out = tmp_path_factory.mktemp("batch-out")
    completed = run_grade(str(root), "--exercise", "my_linear", "--exercise", "custom_dataset", "--json", str(out / "r.json"),
                          "--csv", str(out / "grades.csv"), "--csv-column", "total=PyTorch basics (48213)", "--junit", str(out / "junit.xml"),
                          "--pages", str(out / "pages"))
    return completed, json.loads((out / "r.json").read_text()), out


def test_batch_gradebook_has_a_row_per_submission_and_canvas_columns(batch):
    completed, data, out = batch
    assert completed.returncode == 1, completed.stderr
    rows = canvas_rows((out / "grades.csv").read_text(encoding="utf-8"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "PyTorch basics (48213)"]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == max(s["max_score"] for s in data["submissions"])
    assert [r[0] for r in rows[2:]] == [s["id"] for s in data["submissions"]] == ["alice", "bob", 'doe, "jj"']
    for row, submission in zip(rows[2:], data["submissions"]):
        assert [float(x) for x in row[5:]] == [submission["score"]]
        assert row[3] == submission["id"]
    assert '"doe, ""jj"""' in (out / "grades.csv").read_text()


def test_batch_junit_is_valid_with_one_testcase_per_check(batch):
    _, data, out = batch
    junit_schema().validate(str(out / "junit.xml"))
    root = ET.parse(out / "junit.xml").getroot()
    cases = root.findall("testsuite/testcase")
    checks = [c for s in data["submissions"] for e in s["exercises"] for c in e["checks"]]
    assert len(cases) == len(checks) == int(root.get("tests"))
    assert {c.get("classname") for c in cases} == {f"{s}.{e}" for s in ("alice", "bob", 'doe, "jj"') for e in ("my_linear", "custom_dataset")}
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(skipped) == sum(1 for c in checks if c["status"] == "skipped")
    assert all("[cuda]" in c.get("name") for c in skipped)
    failures = [c.find("failure") for c in cases if c.find("failure") is not None]
    assert len(failures) == sum(1 for c in checks if c["status"] == "failed") and all(f.get("message") for f in failures)
    assert any(re.search(r"at my_linear\.py:\d+", f.text or "") for f in failures)


def test_batch_pages_one_per_learner(batch):
    _, data, out = batch
    pages = sorted(p.name for p in (out / "pages").iterdir())
    assert pages == sorted(f"{s['id']}.md" for s in data["submissions"])
    assert "full marks" in (out / "pages" / "alice.md").read_text()


@pytest.mark.parametrize("args", [["--gradescope", "r.json"], ["--csv-column", "nope=Title"], ["--csv-column", "total"],
                                  ["--csv-column", "total=Final Score (123)"], ["--csv-column", "total=T", "--csv-column", "my_linear=L"]])
def test_platform_usage_errors_exit_2_before_grading(args, tmp_path):
    root = tmp_path / "class"
    make_submission(root / "a")
    make_submission(root / "b")
    completed = run_grade(str(root), *args, cwd=tmp_path)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr, completed.stderr
    assert not (tmp_path / "r.json").exists()


# Gradescope's zip --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    completed = run_grade("bundle", "gradescope", str(out), "--timeout", "10")
    assert completed.returncode == 0, completed.stderr
    return out


@pytest.fixture(scope="module")
def grader_venv(tmp_path_factory, bundle) -> Path:
    """A fresh venv with the grader installed from the zip's source, as setup.sh does.

    setup.sh itself needs apt and the network; here torch and the other dependencies come
    from this venv through a .pth file, and the grader only from the zip (`--no-deps`).
    """
    venv = tmp_path_factory.mktemp("gradescope-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    source = tmp_path_factory.mktemp("gradescope-source")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(source)
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", str(source / "grader-dist")],
                             capture_output=True, text=True, timeout=300, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert install.returncode == 0, install.stdout + install.stderr
    where = subprocess.run([str(python), "-c", "import grader; print(grader.__file__)"], capture_output=True, text=True, cwd=venv)
    assert where.stdout.startswith(purelib), where.stdout + where.stderr
    return python


def _run_autograder(bundle: Path, root: Path, python: str, submission: dict | None) -> dict:
    """Lay out /autograder as Gradescope does and run run_autograder there."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    if submission is None:
        (root / "submission").mkdir()
    else:
        make_submission(root / "submission", submission)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",) and not k.startswith("GITHUB_")}
    env.update(AUTOGRADER_ROOT=str(root), GRADER_PYTHON=python)
    completed = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True, timeout=300, env=env)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    data = load_json_strict((root / "results" / "results.json").read_text())
    validate_gradescope(data)
    return data


def test_bundle_layout(bundle):
    with zipfile.ZipFile(bundle) as archive:
        infos = {i.filename: i for i in archive.infolist()}
    assert {"setup.sh", "run_autograder", "grader-dist/pyproject.toml", "grader-dist/grader/cli.py",
            "grader-dist/grader/suites/pytest.ini", "grader-dist/grader/templates/gradescope/run_autograder"} <= set(infos)
    for name in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[name].external_attr >> 16) == 0o755
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in infos)
    with zipfile.ZipFile(bundle) as archive:
        setup = archive.read("setup.sh").decode()
        run_autograder = archive.read("run_autograder").decode()
    torch = importlib.metadata.version("torch").split("+")[0]
    assert f'"torch=={torch}" --index-url https://download.pytorch.org/whl/cpu' in setup
    assert "/autograder/source/grader-dist" in setup and "--timeout 10" in run_autograder
    for script in (setup, run_autograder):
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


def test_bundle_run_autograder_grades_the_submission(bundle, grader_venv, tmp_path, solutions_result):
    submission = {"logistic_regression.py": mutate("logistic_regression", "self.w.T @ x + self.b", "self.w.T @ x")}
    data = _run_autograder(bundle, tmp_path / "autograder", str(grader_venv), submission)
    expected_linear = next(e.max_score for e in solutions_result.exercises if e.name == "my_linear")
    expected_dataset = next(e.max_score for e in solutions_result.exercises if e.name == "custom_dataset")
    lost = sum(t["max_score"] for t in data["tests"] if t.get("status") == "failed")
    assert 0 < lost and data["score"] == sum(t["score"] for t in data["tests"])
    assert data["score"] == solutions_result.max_score - lost
    linear = [t for t in data["tests"] if "my_linear" in t["tags"]]
    dataset = [t for t in data["tests"] if "custom_dataset" in t["tags"]]
    assert sum(t["score"] for t in linear) == expected_linear and sum(t["score"] for t in dataset) == expected_dataset
    assert any("without + b" in t["output"] for t in data["tests"] if t.get("status") == "failed")


def test_bundle_writes_results_even_when_grading_fails(bundle, grader_venv, tmp_path):
    empty = _run_autograder(bundle, tmp_path / "empty", str(grader_venv), None)
    assert empty["score"] == 0 and "status 2" in empty["output"]
    broken = _run_autograder(bundle, tmp_path / "broken", str(tmp_path / "no-such-python"), {})
    assert broken["score"] == 0 and "could not grade" in broken["output"]


# grade init ------------------------------------------------------------------------------------

def _bash_blocks(workflow: dict) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]


def _bash_ok(script: str) -> bool:
    script = re.sub(r"\$\{\{.*?\}\}", "X", script)
    return subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True).returncode == 0


def test_init_github_writes_the_classroom_workflow(tmp_path):
    completed = run_grade("init", "github", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    path = tmp_path / ".github" / "workflows" / "classroom.yml"
    workflow = yaml.safe_load(path.read_text())
    assert workflow["name"] == "Autograding Tests" and list(workflow["jobs"]) == ["run-autograding-tests"]
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "grader")
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    runners = reporter["with"]["runners"].split(",")
    assert runners == ["grader", "earned", "lost"] and all(re.fullmatch(r"[a-zA-Z0-9]+", r) for r in runners)
    outputs = {"grader": "result"}  # <RUNNER ID upper-cased>_RESULTS, from the grade step's outputs
    assert reporter["env"] == {f"{r.upper()}_RESULTS": f"${{{{ steps.grader.outputs.{outputs.get(r, r)} }}}}" for r in runners}
    assert grade["run"].startswith("grade . ")
    install = next(s for s in steps if "pip install" in s.get("run", ""))["run"]
    assert "pip install ./.grader\n" in install and "download.pytorch.org/whl/cpu" in install
    assert f'version = "{grader.__version__}"' in (tmp_path / ".grader" / "pyproject.toml").read_text()
    assert (tmp_path / ".grader" / "grader" / "suites" / "pytest.ini").is_file()
    assert all(_bash_ok(block) for block in _bash_blocks(workflow))
    again = run_grade("init", "github", str(tmp_path))
    assert again.returncode == 2 and "--force" in again.stderr
    forced = run_grade("init", "github", str(tmp_path), "--force", "--grader-requirement", "git+https://example.org/grader@v1", "--path", "src")
    assert forced.returncode == 0
    text = path.read_text()
    assert "git+https://example.org/grader@v1" in text and "grade src " in text and "./.grader" not in text


def test_init_instructor_workflow_keeps_secrets_away_from_learner_code(tmp_path):
    assert run_grade("init", "github-instructor", str(tmp_path), "--path", "hw").returncode == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "grade-all.yml").read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"collect", "grade", "publish"}
    grading = json.dumps(jobs["grade"])
    assert jobs["grade"]["permissions"] == {} and "secrets." not in grading and "grade submissions" in grading
    for name in ("collect", "publish"):
        assert "grade submissions" not in json.dumps(jobs[name])
    assert "HEAD:hw" in json.dumps(jobs["collect"])
    checkouts = [s for s in jobs["collect"]["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert all(s["with"]["persist-credentials"] is False for s in checkouts), "no token left in a .git of the artifact"
    assert all(_bash_ok(block) for block in _bash_blocks(workflow))


@pytest.mark.parametrize("platform, path", [("gitlab", ".gitlab-ci.yml"), ("jenkins", "Jenkinsfile")])
def test_init_gitlab_and_jenkins(platform, path, tmp_path):
    assert run_grade("init", platform, str(tmp_path)).returncode == 0
    text = (tmp_path / path).read_text()
    assert "@@" not in text and "--junit report.xml" in text and "pip install ./.grader\n" in text
    assert (tmp_path / ".grader" / "pyproject.toml").is_file()
    if platform == "gitlab":
        assert yaml.safe_load(text)["grade"]["artifacts"]["reports"]["junit"] == "report.xml"


def test_package_data_ships_every_template_and_data_file():
    """The zip and pip installs carry only what package-data names; a missing glob breaks them."""
    import fnmatch
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["grader"]
    package = ROOT / "grader"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    missing = [f for f in data if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert not missing, f"add to [tool.setuptools.package-data] in pyproject.toml: {missing}"
