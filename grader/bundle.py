"""Files for the platforms: the Gradescope autograder zip and the CI workflow templates.

The templates live in `grader/templates/` and carry `@@NAME@@` placeholders (GitHub's own
`${{ ... }}` rules out Jinja or `string.Template`). What a template installs is pinned:
the grader at the version that wrote it (or a requirement the instructor gives) and torch's
CPU build at the installed torch's version.
"""
from __future__ import annotations

import importlib.metadata
import shlex
import zipfile
from dataclasses import dataclass
from pathlib import Path

import grader

PACKAGE_DIR = Path(grader.__file__).resolve().parent
TEMPLATES = PACKAGE_DIR / "templates"
DISTRIBUTION = "torch-exercise-grader"
BUNDLED_SOURCE = "grader-dist"  # the grader's own source inside the Gradescope zip
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same grader gives the same zip


@dataclass(frozen=True)
class InitTarget:
    template: str
    destination: str
    what: str


INIT_TARGETS = {
    "github": InitTarget("github/classroom.yml", ".github/workflows/classroom.yml", "GitHub Classroom workflow for the learners' template repository"),
    "github-instructor": InitTarget("github/grade-all.yml", ".github/workflows/grade-all.yml", "instructor-side workflow that grades every learner's repository"),
    "gitlab": InitTarget("gitlab/gitlab-ci.yml", ".gitlab-ci.yml", "GitLab CI job with a JUnit report"),
    "jenkins": InitTarget("jenkins/Jenkinsfile", "Jenkinsfile", "Jenkins pipeline with a JUnit report"),
}


def torch_version() -> str:
    """The installed torch's version without its local build tag (2.13.0+cpu → 2.13.0)."""
    try:
        return importlib.metadata.version("torch").split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        return "2.10.0"


def default_requirement() -> str:
    return f"{DISTRIBUTION}=={grader.__version__}"


def render_template(name: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise ValueError(f"template {name} has a placeholder left: {text[text.index('@@'):][:40]!r}")
    return text


def _values(requirement: str, torch: str, submission_path: str = ".") -> dict[str, str]:
    path = submission_path.strip("/") or "."
    return {
        "GRADER_VERSION": grader.__version__,
        "GRADER_REQUIREMENT": shlex.quote(requirement),
        "TORCH_VERSION": torch,
        "SUBMISSION_PATH": shlex.quote(path),
        "TREE": "HEAD" if path == "." else f"HEAD:{path}",
    }


def write_init(platform: str, directory: Path, requirement: str | None = None, torch: str | None = None,
               submission_path: str = ".", force: bool = False) -> Path:
    """Write the platform's file under `directory`; refuses to overwrite unless `force`."""
    target = INIT_TARGETS[platform]
    path = directory / target.destination
    if path.exists() and not force:
        raise FileExistsError(str(path))
    text = render_template(target.template, _values(requirement or default_requirement(), torch or torch_version(), submission_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# The Gradescope zip ---------------------------------------------------------------------------

def _dependencies() -> list[str]:
    """The grader's run-time requirements, as installed (extras such as `test` left out)."""
    requires = importlib.metadata.requires(DISTRIBUTION) or []
    return [r for r in requires if "extra ==" not in r.replace('"', "").replace("'", "")]


def _package_files() -> list[Path]:
    return sorted(
        p for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )


def _bundled_pyproject(files: list[Path]) -> str:
    data = sorted(p.relative_to(PACKAGE_DIR).as_posix() for p in files if p.suffix != ".py")
    quoted = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return "\n".join([
        "# Written by `grade bundle gradescope`: the grader's own source, pinned to this version.",
        "[build-system]",
        'requires = ["setuptools>=68"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f'name = "{DISTRIBUTION}"',
        f'version = "{grader.__version__}"',
        'requires-python = ">=3.10"',
        f"dependencies = {quoted(_dependencies())}",
        "",
        "[project.scripts]",
        'grade = "grader.cli:main"',
        "",
        "[tool.setuptools.packages.find]",
        'include = ["grader*"]',
        "",
        "[tool.setuptools.package-data]",
        f"grader = {quoted(data)}",
        "",
    ])


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_gradescope_bundle(out: Path, requirement: str | None = None, torch: str | None = None, timeout: float | None = None) -> list[str]:
    """The autograder zip: setup.sh and run_autograder at its root, and the grader's source.

    By default setup.sh installs the grader from the source in the zip (`grader-dist/`),
    so the zip needs no package index for the grader and grades exactly as this one does.
    Returns the names in the zip.
    """
    files = _package_files()
    values = _values(requirement or f"/autograder/source/{BUNDLED_SOURCE}", torch or torch_version())
    values["GRADE_ARGS"] = f"--timeout {timeout:g}" if timeout else ""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, "setup.sh", render_template("gradescope/setup.sh", values).encode(), executable=True)
        _add(archive, "run_autograder", render_template("gradescope/run_autograder", values).encode(), executable=True)
        if requirement is None:
            _add(archive, f"{BUNDLED_SOURCE}/pyproject.toml", _bundled_pyproject(files).encode())
            for path in files:
                _add(archive, f"{BUNDLED_SOURCE}/grader/{path.relative_to(PACKAGE_DIR).as_posix()}", path.read_bytes())
        return archive.namelist()
