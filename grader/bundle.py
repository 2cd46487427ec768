"""Files for the platforms: the Gradescope autograder zip and the CI workflow templates.

The templates live in `grader/templates/` and carry `@@NAME@@` placeholders (GitHub's own
`${{ ... }}` rules out Jinja or `string.Template`). What a template installs is pinned:
the grader that wrote it and torch's CPU build at the installed torch's version. The grader
is on no package index, so `grade init` carries its source into the course repository, in
`.grader/` beside the file it writes (hidden files are never part of a submission), as the
Gradescope zip carries it in `grader-dist/`; the workflow pip-installs that folder. With
`--grader-requirement` the workflow installs that requirement instead, and nothing is carried.
"""
from __future__ import annotations

import importlib.metadata
import shlex
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import grader
from grader import pack

PACKAGE_DIR = Path(grader.__file__).resolve().parent
TEMPLATES = PACKAGE_DIR / "templates"
DISTRIBUTION = "torch-exercise-grader"
BUNDLED_SOURCE = "grader-dist"  # the grader's own source inside the Gradescope zip
CARRIED_SOURCE = ".grader"  # the grader's own source in a course repository (`grade init`)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same grader gives the same zip


@dataclass(frozen=True)
class InitTarget:
    template: str
    destination: str
    what: str
    carried: str = f"./{CARRIED_SOURCE}"  # what the workflow installs when the source is carried


INIT_TARGETS = {
    "github": InitTarget("github/classroom.yml", ".github/workflows/classroom.yml", "GitHub Classroom workflow for the learners' template repository"),
    # its grade job has no token to check the repository out: the collect job passes the
    # carried source on in the submissions artifact, as grader-dist/ (artifacts skip hidden files)
    "github-instructor": InitTarget("github/grade-all.yml", ".github/workflows/grade-all.yml", "instructor-side workflow that grades every learner's repository",
                                    carried=f"./{BUNDLED_SOURCE}"),
    "gitlab": InitTarget("gitlab/gitlab-ci.yml", ".gitlab-ci.yml", "GitLab CI job with a JUnit report"),
    "jenkins": InitTarget("jenkins/Jenkinsfile", "Jenkinsfile", "Jenkins pipeline with a JUnit report"),
}


def torch_version() -> str:
    """The installed torch's version without its local build tag (2.13.0+cpu → 2.13.0)."""
    try:
        return importlib.metadata.version("torch").split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        return "2.10.0"


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
    """Write the platform's file under `directory`, and without `requirement` the grader's
    source into `directory/.grader/`; refuses to overwrite either unless `force`."""
    target = INIT_TARGETS[platform]
    path = directory / target.destination
    carried = directory / CARRIED_SOURCE
    for existing in (path, carried) if requirement is None else (path,):
        if existing.exists() and not force:
            raise FileExistsError(str(existing))
    text = render_template(target.template, _values(requirement or target.carried, torch or torch_version(), submission_path))
    if requirement is None:
        write_source(carried)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_source(directory: Path) -> list[Path]:
    """The grader's own source as an installable folder (pyproject.toml and grader/), replacing
    whatever the folder held, so that no file of an older grader is left in it."""
    if directory.is_symlink() or directory.is_file():
        directory.unlink()
    elif directory.exists():
        shutil.rmtree(directory)
    written = []
    for name, data in source_files().items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


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


def _bundled_pyproject(data: list[str]) -> str:
    """`data`: the package's files that are not modules (templates, schemas, the packs' files)."""
    quoted = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return "\n".join([
        "# Written by `grade bundle gradescope` or `grade init`: the grader's own source, pinned to this version.",
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


def source_files() -> dict[str, bytes]:
    """The installable source, name → bytes: a pyproject.toml pinned to this version, and the
    package's files as installed (what pip installs from the zip or the course repository)."""
    files = _package_files()
    source = {f"grader/{path.relative_to(PACKAGE_DIR).as_posix()}": path.read_bytes() for path in files}
    chosen = pack.active()
    if not chosen.builtin:  # the course's pack goes along, as the default pack of that grader (no solutions)
        source |= {f"grader/packs/{pack.CARRIED}/{name}": data for name, data in pack.carried_files(chosen).items()}
        source["grader/packs/DEFAULT"] = f"{pack.CARRIED}\n".encode()
    data = sorted(name.removeprefix("grader/") for name in source if not name.endswith(".py") or name.startswith("grader/packs/"))
    return {"pyproject.toml": _bundled_pyproject(data).encode(), **source}


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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
    values = _values(requirement or f"/autograder/source/{BUNDLED_SOURCE}", torch or torch_version())
    values["GRADE_ARGS"] = f"--timeout {timeout:g}" if timeout else ""
    values["EXERCISE_FILES"] = _listed([e.filename for e in pack.active().exercises])
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, "setup.sh", render_template("gradescope/setup.sh", values).encode(), executable=True)
        _add(archive, "run_autograder", render_template("gradescope/run_autograder", values).encode(), executable=True)
        if requirement is None:
            for name, data in source_files().items():
                _add(archive, f"{BUNDLED_SOURCE}/{name}", data)
        return archive.namelist()
