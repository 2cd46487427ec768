"""Exercise packs: the manifest and its errors, the skeleton, points overrides, the fingerprint."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import pack

ROOT = Path(__file__).resolve().parent.parent


def run_grade(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory) -> Path:
    """A pack made by `grade new-exercise`, its solution copied as a submission and its stub assigned."""
    root = tmp_path_factory.mktemp("course")
    completed = run_grade("new-exercise", "scaler", "--pack", str(root / "pack"))
    assert completed.returncode == 0, completed.stderr
    (root / "solution").mkdir()
    shutil.copyfile(root / "pack" / "scaler" / "solution.py", root / "solution" / "scaler.py")
    assert run_grade("--pack", str(root / "pack"), "assign", str(root / "stub")).returncode == 0
    return root


def test_the_skeleton_grades_its_solution_at_full_marks_and_its_stub_at_zero(skeleton):
    solved = run_grade("--pack", str(skeleton / "pack"), str(skeleton / "solution"))
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "full marks" in solved.stdout
    stub = run_grade("--pack", str(skeleton / "pack"), str(skeleton / "stub"))
    assert stub.returncode == 1 and "scaler                 0/" in stub.stdout, stub.stdout


def test_a_pack_is_found_in_the_current_directory(skeleton):
    completed = run_grade(str(skeleton / "solution"), cwd=skeleton / "pack")
    assert completed.returncode == 0 and "scaler" in completed.stdout, completed.stdout + completed.stderr


def test_a_second_exercise_is_added_to_the_manifest(tmp_path):
    for name in ("first", "second_one"):
        assert run_grade("new-exercise", name, "--pack", str(tmp_path)).returncode == 0
    loaded = pack.load(tmp_path)
    assert [(e.name, e.class_name) for e in loaded.exercises] == [("first", "First"), ("second_one", "SecondOne")]
    again = run_grade("new-exercise", "first", "--pack", str(tmp_path))
    assert again.returncode == 2 and "already has an exercise 'first'" in again.stderr


def _copy(skeleton: Path, into: Path) -> Path:
    shutil.copytree(skeleton / "pack", into / "pack", ignore=shutil.ignore_patterns("__pycache__"))
    return into / "pack"


@pytest.mark.parametrize("break_it, where, fragment", [
    (lambda p: (p / "pack.toml").write_text('[pack]\nname = "x"\nversion = 1\n'), "pack.toml:3", "needs version"),
    (lambda p: (p / "pack.toml").write_text('[pack\nname = "x"\n'), "pack.toml:1", "not valid TOML"),
    (lambda p: (p / "pack.toml").write_text((p / "pack.toml").read_text() + 'colour = "red"\n'), "pack.toml:", "unknown key 'colour'"),
    (lambda p: (p / "pack.toml").write_text((p / "pack.toml").read_text() + 'forbid = ["numpy"]\n'), "pack.toml:", "forbid must list"),
    (lambda p: (p / "scaler" / "suite.py").unlink(), "scaler/suite.py", "not found"),
    (lambda p: (p / "scaler" / "probes.py").write_text("def probe_x(:\n    pass\n"), "scaler/probes.py:1", "syntax error"),
    (lambda p: (p / "scaler" / "suite.py").write_text("import no_such_module_here\n"), "scaler/suite.py", "could not be collected"),
    (lambda p: (p / "pack.toml").write_text((p / "pack.toml").read_text() + '\n[points]\n"scaler.nope" = 3\n'), "pack.toml:", "no such check"),
])
def test_a_broken_pack_is_refused_before_grading_with_its_file_and_line(skeleton, tmp_path, break_it, where, fragment):
    broken = _copy(skeleton, tmp_path)
    break_it(broken)
    completed = run_grade("--pack", str(broken), str(skeleton / "solution"))
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "grade: broken pack:" in completed.stderr and where in completed.stderr and fragment in completed.stderr, completed.stderr
    assert "scaler " not in completed.stdout  # nothing graded


def test_points_overrides_apply_to_every_device(skeleton, tmp_path):
    changed = _copy(skeleton, tmp_path)
    (changed / "pack.toml").write_text((changed / "pack.toml").read_text() + '\n[points]\n"scaler.forward" = 5\n"scaler.keeps_factor[x]" = 1\n')
    with pytest.raises(pack.PackError, match="no such check"):
        pack.check(pack.load(changed))
    (changed / "pack.toml").write_text((changed / "pack.toml").read_text().replace('"scaler.keeps_factor[x]" = 1\n', ""))
    completed = run_grade("--pack", str(changed), str(skeleton / "solution"))
    assert "scaler                 11/11" in completed.stdout, completed.stdout  # 1 + 5 (cpu) + 5 (meta)


def test_the_fingerprint_covers_every_file_of_the_pack(skeleton, tmp_path):
    copy = _copy(skeleton, tmp_path)
    before = pack.load(copy).fingerprint()
    with open(copy / "scaler" / "probes.py", "a") as handle:
        handle.write("\n# changed\n")
    assert pack.load(copy).fingerprint() != before


def test_the_machinery_names_no_exercise_of_the_builtin_pack():
    names = ("my_linear", "logistic_regression", "custom_dataset")
    grader_dir = ROOT / "grader"
    for path in grader_dir.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and not path.is_relative_to(grader_dir / "packs") and path.suffix != ".pyc":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(name in text for name in names), path


def test_the_builtin_pack_is_laid_out_as_a_course_pack():
    builtin = pack.load(pack.BUILTIN)
    assert [e.name for e in builtin.exercises] == ["my_linear", "logistic_regression", "custom_dataset"]
    assert builtin.by_name()["logistic_regression"].forbid == ("autograd", "optim")
    for exercise in builtin.exercises:
        assert exercise.suite.is_file() and exercise.probes.is_file() and exercise.feedback is not None
        assert exercise.solution_path == ROOT / "solutions" / f"{exercise.name}.py"
