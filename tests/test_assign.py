"""Authoring from one source: `grade assign` writes exercises/ from the marked solutions."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import EXERCISES, ROOT, SOLUTIONS
from grader.assign import NOTEBOOKS_DIR, AssignError, differences, read_text, stub_code
from grader.exercises import EXERCISES as ALL_EXERCISES


def run_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_exercises_are_up_to_date_with_the_solutions():
    assert differences(SOLUTIONS, EXERCISES) == [], "run `grade assign solutions exercises`"


def test_grade_assign_regenerates_exercises_byte_for_byte(tmp_path):
    out = tmp_path / "exercises"
    completed = run_grade("assign", str(SOLUTIONS), str(out))
    assert completed.returncode == 0, completed.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(EXERCISES).as_posix() for p in EXERCISES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert written == expected
    for relative in written:
        assert (out / relative).read_bytes() == (EXERCISES / relative).read_bytes(), relative
    assert run_grade("assign", "--check", str(SOLUTIONS), str(out)).returncode == 0


def test_a_hand_edited_stub_is_reported(tmp_path):
    out = tmp_path / "exercises"
    shutil.copytree(EXERCISES, out, ignore=shutil.ignore_patterns("__pycache__"))
    stub = out / "my_linear.py"
    stub.write_text(stub.read_text(encoding="utf-8").replace("# TODO: return x @ weights + bias", "# TODO: your code"), encoding="utf-8")
    (out / NOTEBOOKS_DIR / "custom_dataset.ipynb").unlink()
    (out / "scratch.py").write_text("x = 1\n", encoding="utf-8")
    assert differences(SOLUTIONS, out) == [
        "my_linear.py differs from what `grade assign` writes (edited by hand, or a solution changed?)",
        f"{NOTEBOOKS_DIR}/custom_dataset.ipynb is missing",
        "scratch.py is not written by `grade assign`",
    ]
    completed = run_grade("assign", "--check", str(SOLUTIONS), str(out))
    assert completed.returncode == 1 and "my_linear.py differs" in completed.stdout and "out of date" in completed.stderr


def test_stubs_carry_the_contract_and_no_solution_code():
    for exercise in ALL_EXERCISES:
        stub = (EXERCISES / f"{exercise.name}.py").read_text(encoding="utf-8")
        solution = (SOLUTIONS / f"{exercise.name}.py").read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(stub))
        assert docstring.startswith("Exercise ") and "Contract (the grader checks exactly this):" in docstring
        assert docstring.endswith("Run `grade exercises/` to check your work.")
        assert read_text(SOLUTIONS / f"{exercise.name}.md").contract in docstring
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "STUB:"):
            assert marker not in stub and marker in solution
        assert f'raise NotImplementedError("{exercise.class_name}.' in stub
        assert "Reference solution" not in stub


def test_notebook_stubs_hold_the_lesson_the_contract_and_the_stub_code():
    for exercise in ALL_EXERCISES:
        path = EXERCISES / NOTEBOOKS_DIR / f"{exercise.name}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        text = read_text(SOLUTIONS / f"{exercise.name}.md")
        markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
        code = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert markdown[0].startswith(f"# {text.title}") and text.lessons[0] in markdown[0]
        assert any(text.contract in m and f"grade exercises/{NOTEBOOKS_DIR}/" in m for m in markdown)
        assert f"class {exercise.class_name}(" in code and "NotImplementedError" in code
        assert notebook.cells[-1].cell_type == "code" and notebook.cells[-2].source.startswith("## Try it")
        stub = (EXERCISES / f"{exercise.name}.py").read_text(encoding="utf-8")
        for cell in notebook.cells[:-1]:
            if cell.cell_type == "code":
                assert cell.source in stub  # the same code as the .py stub
        assert all(line.strip() in stub for line in notebook.cells[-1].source.splitlines())  # its demo


SOLUTION = '''"""Instructor's notes."""
import torch


class Model:
    def __init__(self, n):
        self.n = n  # kept
        # BEGIN SOLUTION
        # STUB: # TODO: make the table
        # STUB:
        # STUB: self.table = None
        self.table = list(range(n))
        # END SOLUTION

    def total(self):
        # BEGIN SOLUTION
        return sum(self.table)
        # END SOLUTION

    class Inner:
        def go(self):
            # BEGIN SOLUTION
            # STUB: # TODO: go
            return 1
            # END SOLUTION


# BEGIN SOLUTION
SECRET = 42
# END SOLUTION
'''


def test_regions_become_their_stub_lines_or_a_raise_naming_the_function():
    assert stub_code(SOLUTION) == '''import torch


class Model:
    def __init__(self, n):
        self.n = n  # kept
        # TODO: make the table

        self.table = None

    def total(self):
        raise NotImplementedError("Model.total")

    class Inner:
        def go(self):
            # TODO: go
            raise NotImplementedError("Model.Inner.go")
'''


@pytest.mark.parametrize("source, fragment", [
    ("x = 1\n# END SOLUTION\n", "without `# BEGIN SOLUTION`"),
    ("# BEGIN SOLUTION\nx = 1\n", "without `# END SOLUTION`"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another region"),
    ("# STUB: x = 1\n", "outside a `# BEGIN SOLUTION` region"),
    ("def f():\n    # BEGIN SOLUTION\n    # STUB: return (\n    return 1\n    # END SOLUTION\n", "the stub is not valid Python"),
])
def test_badly_marked_solutions_are_refused(source, fragment):
    with pytest.raises(AssignError) as raised:
        stub_code(source, "solution.py")
    assert fragment in str(raised.value)


def test_exercise_texts_need_a_title_and_one_contract(tmp_path):
    path = tmp_path / "my_linear.md"
    path.write_text("no title\n<!-- contract -->\nx\n", encoding="utf-8")
    with pytest.raises(AssignError, match="the first line must be the title"):
        read_text(path)
    path.write_text("# Title\n<!-- lesson -->\nx\n", encoding="utf-8")
    with pytest.raises(AssignError, match="exactly one `<!-- contract -->` block"):
        read_text(path)
    path.write_text('# Title\n<!-- contract -->\nsay """hi"""\n', encoding="utf-8")
    with pytest.raises(AssignError, match="triple quotes"):
        read_text(path)
