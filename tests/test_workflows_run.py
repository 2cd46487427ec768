"""The files `grade init` writes, run as their CI runs them: each workflow's install and grade
steps, in a fresh venv, in a course repository that holds only what `grade init` wrote and
the learner's files.

Only a package index is reachable here, as on a runner that cannot see an unpublished grader:
the steps must install the grader from what `grade init` carried into the repository. torch
is the one thing provided beforehand (the installed torch and its requirements, hard-linked
into a folder that each fresh venv sees through a .pth file), because the workflows pin torch's CPU build from PyTorch's own index,
which is not reachable here: pip then finds the pinned torch already installed, as it would
be after that line on a runner. Everything else (numpy, pytest, click, nbformat, setuptools
for the build) comes from the index, as on the runner.

The shells are the platforms' own: GitHub Actions runs `run:` with `bash --noprofile --norc
-eo pipefail` (docs.github.com, "jobs.<job_id>.steps[*].shell"), GitLab a job's `script:`
lines in one shell that stops at the first failing line, Jenkins `sh` steps with `sh -xe`.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, make_submission, mutate
from platform_rules import canvas_rows, classroom_reporter, decode_payload, junit_schema

BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"
MUTATION = {"my_linear.py": mutate("my_linear", "y = y + self.bias", "y = y")}  # partial marks: exit status 1


def _clean_env(**extra: str) -> dict[str, str]:
    """The runner's environment: no PYTHONPATH or venv of ours, no GitHub variables of the test run."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("GITHUB_", "PYTEST"))}
    env.update(extra)
    return env


def _purelib(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()


def _requirement_names(dist: importlib.metadata.Distribution) -> list[str]:
    """The names of a distribution's run-time requirements (extras left out)."""
    names = []
    for requirement in dist.requires or []:
        if "extra ==" in requirement.replace('"', "").replace("'", ""):
            continue
        names.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())
    return names


def _top_level(dist: importlib.metadata.Distribution) -> set[str]:
    """The entries a distribution has directly in site-packages (its packages, modules, dist-info)."""
    return {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}


def _link_or_copy(source, target) -> None:
    """A hard link where the file system allows one (instant), else a copy. Not a symbolic
    link: the worker's Landlock rules follow the folders torch is imported from."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture(scope="module")
def torch_site(tmp_path_factory) -> str:
    """A folder that holds the installed torch and its own requirements only (hard links to this
    venv's files: nothing downloaded, never a CUDA build), for the fresh venvs to see."""
    site = tmp_path_factory.mktemp("torch-only")
    seen, todo = set(), ["torch"]
    while todo:
        name = todo.pop()
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        if dist.metadata["Name"].lower() in seen:
            continue
        seen.add(dist.metadata["Name"].lower())
        for entry in _top_level(dist):
            source = Path(dist.locate_file(entry))
            if source.is_dir() and not (site / entry).exists():
                shutil.copytree(source, site / entry, copy_function=_link_or_copy, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file() and not (site / entry).exists():
                _link_or_copy(source, site / entry)
        todo += _requirement_names(dist)
    assert (site / "torch" / "__init__.py").is_file() and "grader" not in os.listdir(site)
    return str(site)


def fresh_venv(path: Path, torch_site: str) -> Path:
    """A new venv that sees torch (and nothing else of ours); returns its bin folder.

    Its own setuptools goes, as in Python 3.12's venvs (setup-python's, python:3.12-slim's):
    an old one would shadow the one torch needs, which the torch line brings on a runner.
    """
    subprocess.run([str(BASE_PYTHON), "-m", "venv", str(path)], check=True)
    subprocess.run([str(path / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "setuptools"], check=True, capture_output=True, env=_clean_env())
    Path(_purelib(path / "bin" / "python"), "_provided_torch.pth").write_text(torch_site + "\n")
    return path / "bin"


def grade_init(platform: str, directory: Path, *args: str) -> None:
    env = _clean_env(PYTHONPATH=str(ROOT))  # the grader of this checkout writes the files
    completed = subprocess.run([sys.executable, "-m", "grader", "init", platform, str(directory), *args],
                               capture_output=True, text=True, env=env, timeout=120)
    assert completed.returncode == 0, completed.stderr


def run_shell(argv: list[str], script: str, cwd: Path, path: list[Path], timeout: int = 900, **env: str) -> subprocess.CompletedProcess:
    environment = _clean_env(HOME=str(cwd.parent / "home"), **env)
    environment["PATH"] = os.pathsep.join([*(str(p) for p in path), environment.get("PATH", "/usr/bin:/bin")])
    (cwd.parent / "home").mkdir(exist_ok=True)
    return subprocess.run([*argv, script], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment)


GITHUB_SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]


def _assert_installed_from(bin_dir: Path, where: str) -> None:
    """`grade` on the PATH is the grader that the install step put in this venv."""
    located = subprocess.run([str(bin_dir / "python"), "-c", "import grader; print(grader.__file__)"],
                             capture_output=True, text=True, env=_clean_env(), cwd=bin_dir)
    assert located.stdout.startswith(_purelib(bin_dir / "python")), located.stdout + located.stderr + where
    assert (bin_dir / "grade").is_file()


def _lost(submission: dict) -> set[str]:
    """The exercises where a submission in results.json lost points."""
    return {e["name"] for e in submission["exercises"] if e["score"] < e["max_score"]}


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_classroom_workflow_installs_and_grades_in_a_fresh_venv(tmp_path, torch_site):
    """.github/workflows/classroom.yml: 'Install the grader', then 'Grade', then what the
    reporter (classroom-resources/autograding-grading-reporter v1, re-implemented in
    platform_rules) makes of the step's outputs as the workflow passes them."""
    repo = make_submission(tmp_path / "repo", MUTATION)
    grade_init("github", repo)
    workflow = yaml.safe_load((repo / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    grade_step = next(s for s in steps if s.get("id") == "grader")
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    bin_dir = fresh_venv(tmp_path / "runner-python", torch_site)  # what actions/setup-python puts first on PATH

    installed = run_shell(GITHUB_SHELL, install["run"], repo, [bin_dir])
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    _assert_installed_from(bin_dir, installed.stdout[-2000:])

    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    graded = run_shell(GITHUB_SHELL, grade_step["run"], repo, [bin_dir], GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(output),
                       GITHUB_STEP_SUMMARY=str(summary), GITHUB_WORKSPACE=str(repo))
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    outputs = _outputs(output)
    score, maximum = float(outputs["score"]), float(outputs["max_score"])
    assert 0 < score < maximum
    lost = {t["name"].split(":")[0] for t in decode_payload(outputs["result"])["tests"] if t["status"] != "pass"}
    assert lost == {"my_linear"}, "only the exercise with the learner's bug loses points"

    env = {name: re.sub(r"\$\{\{ steps\.grader\.outputs\.(\w+) \}\}", lambda m: outputs[m.group(1)], value) for name, value in reporter["env"].items()}
    reported = classroom_reporter(reporter["with"]["runners"], env)
    assert reported["total"] == (score, maximum) and reported["table"][-1][1:] == (score, maximum)
    assert reported["failed"] and "# Autograder" in summary.read_text()


def test_gitlab_job_installs_grades_and_stays_green_without_full_marks(tmp_path, torch_site):
    """.gitlab-ci.yml's `script:`, in one shell that stops at the first failing line, as the
    GitLab runner runs it; the JUnit report is what artifacts:reports:junit uploads."""
    repo = make_submission(tmp_path / "repo", MUTATION)
    grade_init("gitlab", repo)
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text())["grade"]
    bin_dir = fresh_venv(tmp_path / "image-python", torch_site)  # python:3.12-slim's python, first on PATH
    script = "\n".join(job["script"])
    completed = run_shell(["bash", "-eo", "pipefail", "-c"], script, repo, [bin_dir], PIP_DISABLE_PIP_VERSION_CHECK="1")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    _assert_installed_from(bin_dir, completed.stdout[-2000:])
    junit_schema().validate(str(repo / job["artifacts"]["reports"]["junit"]))
    [submission] = json.loads((repo / "results.json").read_text())["submissions"]
    assert _lost(submission) == {"my_linear"}

    # A grader that could not grade still fails the job: only exit status 1 is "not full marks".
    fake = tmp_path / "fake-grade"
    fake.mkdir()
    (fake / "grade").write_text("#!/bin/sh\nexit 2\n")
    (fake / "grade").chmod(0o755)
    failing = run_shell(["bash", "-eo", "pipefail", "-c"], job["script"][-1], repo, [fake, bin_dir])
    assert failing.returncode != 0


def test_jenkins_pipeline_installs_and_grades_in_its_own_venv(tmp_path, torch_site):
    """The Jenkinsfile's `sh '''...'''` step, run with `sh -xe` as Jenkins runs it; its venv
    .grader-venv is made by the step itself (here: made first, with torch, then reused)."""
    repo = make_submission(tmp_path / "repo", MUTATION)
    grade_init("jenkins", repo)
    script = textwrap.dedent(re.search(r"sh '''(.*?)'''", (repo / "Jenkinsfile").read_text(), re.S).group(1))
    fresh_venv(repo / ".grader-venv", torch_site)
    completed = run_shell(["sh", "-xe", "-c"], script, repo, [BASE_PYTHON.parent])
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    _assert_installed_from(repo / ".grader-venv" / "bin", completed.stdout[-2000:])
    junit_schema().validate(str(repo / "report.xml"))
    rows = canvas_rows((repo / "grades.csv").read_text(encoding="utf-8"))
    assert rows[2][0] == "repo"
    assert _lost(json.loads((repo / "results.json").read_text())["submissions"][0]) == {"my_linear"}


def test_instructor_workflow_carries_installs_and_grades(tmp_path, torch_site):
    """.github/workflows/grade-all.yml: collect's carry step on a checkout of the instructor's
    repository, then (after the artifact's round trip) the grade job's install and grade
    steps. `sudo` is a shim here (the test runs as root, as GitHub's runner user may sudo)."""
    course = tmp_path / "instructor-repo"
    course.mkdir()
    grade_init("github-instructor", course)
    workflow = yaml.safe_load((course / ".github/workflows/grade-all.yml").read_text())
    collect = tmp_path / "collect"
    shutil.copytree(course, collect / "course")  # actions/checkout with path: course
    carry = next(s for s in workflow["jobs"]["collect"]["steps"] if s.get("name", "").startswith("Carry"))
    carried = run_shell(GITHUB_SHELL, carry["run"], collect, [])
    assert carried.returncode == 0, carried.stderr
    artifact = workflow["jobs"]["collect"]["steps"][-1]["with"]["path"].split()
    assert "grader-dist/" in artifact and (collect / "grader-dist" / "pyproject.toml").is_file()

    workspace = tmp_path / "grade"  # what download-artifact lays out
    shutil.copytree(collect / "grader-dist", workspace / "grader-dist")
    make_submission(workspace / "submissions" / "alice")
    make_submission(workspace / "submissions" / "bob", MUTATION)
    (workspace / "manifest.tsv").write_text("alice\tpre-alice\t" + "a" * 40 + "\nbob\tpre-bob\t" + "b" * 40 + "\n")
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    (shim / "sudo").chmod(0o755)
    bin_dir = fresh_venv(tmp_path / "runner-python", torch_site)
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    for step in (s for s in workflow["jobs"]["grade"]["steps"] if "run" in s):
        completed = run_shell(GITHUB_SHELL, step["run"], workspace, [bin_dir, shim], GITHUB_OUTPUT=str(output),
                              GITHUB_STEP_SUMMARY=str(summary), GITHUB_WORKSPACE=str(workspace))
        assert completed.returncode == 0, (step.get("name"), completed.stdout[-3000:], completed.stderr[-3000:])
    _assert_installed_from(bin_dir, "")
    results = json.loads((workspace / "out" / "results.json").read_text())
    assert [(s["id"], s["score"] == s["max_score"]) for s in results["submissions"]] == [("alice", True), ("bob", False)]
    assert sorted(p.name for p in (workspace / "out" / "pages").iterdir()) == ["alice.md", "bob.md"]
    canvas_rows((workspace / "out" / "grades.csv").read_text(encoding="utf-8"))


def test_instructor_publish_step_posts_every_page_it_can(tmp_path):
    """The publish step, with a `gh` that answers as GitHub's REST API does for a commit
    comment over 65,536 characters (422, "body is too long (maximum is 65536 characters)"):
    one page that fails stops no later learner's, and the step still fails at the end."""
    course = tmp_path / "instructor-repo"
    grade_init("github-instructor", course, "--grader-requirement", "grader==1")
    workflow = yaml.safe_load((course / ".github/workflows/grade-all.yml").read_text())
    [publish] = [s for s in workflow["jobs"]["publish"]["steps"] if "run" in s]
    workspace = tmp_path / "grades"
    (workspace / "pages").mkdir(parents=True)
    logins = ["alice", "big", "carol"]
    (workspace / "manifest.tsv").write_text("".join(f"{login}\tpre-{login}\t{'c' * 40}\n" for login in logins))
    for login in logins:
        (workspace / "pages" / f"{login}.md").write_text("x" * (70_000 if login == "big" else 100))
    fake = tmp_path / "fake-gh"
    fake.mkdir()
    posted = tmp_path / "posted"
    (fake / "gh").write_text(textwrap.dedent(f"""\
        #!/usr/bin/env python3
        import sys
        body = next(a for a in sys.argv if a.startswith("body=@"))[len("body=@"):]
        if len(open(body, encoding="utf-8").read()) > 65536:
            print("gh: Validation Failed (HTTP 422): body is too long (maximum is 65536 characters)", file=sys.stderr)
            sys.exit(1)
        open({str(posted)!r}, "a").write(next(a for a in sys.argv if a.startswith("repos/")) + "\\n")
        """))
    (fake / "gh").chmod(0o755)
    completed = run_shell(GITHUB_SHELL, publish["run"], workspace, [fake], ORG="org", GH_TOKEN="t")
    assert posted.read_text().split() == [f"repos/org/pre-{login}/commits/{'c' * 40}/comments" for login in ("alice", "carol")]
    assert completed.returncode == 1 and "::warning::The page of big could not be posted" in completed.stdout
