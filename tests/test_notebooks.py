"""Notebook submissions: definitions are graded, demo code and IPython syntax are not run,
feedback points at cells and lines, malformed notebooks get clear errors.
"""
from __future__ import annotations

import json
import time

import jsonschema
import nbformat
import pytest
from nbformat import v4

from conftest import EXERCISES, SOLUTIONS, failed_messages, grade, make_submission, mutate
from grader.assign import code_cells
from grader.exercises import BY_NAME
from grader.notebooks import Cell, NotebookError, extract, parse_cells
from grader.report.json_report import load_schema
from grader.report.terminal import render_submission
from grader.results import RunResult
from grader.submission import locate_source


class Markdown(str):
    """A Markdown cell in `notebook(...)`; plain strings are code cells."""


def notebook(*cells: str) -> str:
    made = [v4.new_markdown_cell(c) if isinstance(c, Markdown) else v4.new_code_cell(c) for c in cells]
    for index, cell in enumerate(made):
        cell["id"] = f"cell-{index}"
    return nbformat.writes(v4.new_notebook(cells=made))


def cells_of(*sources: str) -> tuple[Cell, ...]:
    return tuple(Cell(n, "markdown" if isinstance(s, Markdown) else "code", s) for n, s in enumerate(sources, 1))


def solution_cells(exercise: str, source: str | None = None) -> list[str]:
    """A solution as a learner's notebook would hold it: imports, then each definition, in cells."""
    source = source if source is not None else (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")
    cells, demo = code_cells(source.split('"""', 2)[2].lstrip("\n"))  # without the module docstring
    return [Markdown(f"# {exercise}"), *cells, demo]


def checks_of(result, exercise: str) -> dict:
    return {c.id: c for e in result.exercises if e.name == exercise for c in e.checks}


def exercise_of(result, exercise: str):
    return next(e for e in result.exercises if e.name == exercise)


# -- reading a notebook as data (no worker) --------------------------------------------


LEARNER_NOTEBOOK = cells_of(
    Markdown("# My linear layer"),
    "import torch\nfrom torch import nn\ndevice = torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
    "class MyLinear(nn.Module):\n    def forward(self, x):\n        return x @ self.weights",
    "model = MyLinear()\nprint(model)\nx = torch.ones(2, 3)\nmodel(x)",
    "for epoch in range(1000):\n    loss = model(x).sum()\n    loss.backward()",
    "history = loss.item()",
)


def test_definitions_are_kept_and_everything_else_is_listed_as_not_run():
    module = extract(LEARNER_NOTEBOOK, "my_linear.ipynb")
    compile(module.text, "my_linear.py", "exec")
    assert "import torch" in module.text and "device = torch.device(" in module.text
    assert "class MyLinear(nn.Module):" in module.text and "x = torch.ones(2, 3)" in module.text
    for demo in ("model = MyLinear()", "print(model)", "model(x)", "for epoch", "history"):
        assert demo not in module.text, demo
    notes = "\n".join(module.notes)
    assert "cell 4, line 1: `model = MyLinear()` not run (it runs `MyLinear`, which the notebook defines)" in notes
    assert "cell 4, line 2: `print(model)` not run (a call)" in notes
    assert "cell 5, line 1: `for epoch in range(1000): ...` not run (a loop)" in notes
    assert "cell 6, line 1: `history = loss.item()` not run (it uses `loss`, which comes from code that is not run)" in notes


def test_each_module_line_maps_back_to_its_cell_and_line():
    module = extract(LEARNER_NOTEBOOK, "my_linear.ipynb")
    lines = module.text.splitlines()
    where = {line: module.origin(number) for number, line in enumerate(lines, 1)}
    assert where["        return x @ self.weights"] == (3, 3)
    assert where["x = torch.ones(2, 3)"] == (4, 3)
    assert where["from torch import nn"] == (2, 2)
    assert module.origin(1) is None  # the header the grader writes
    for number, line in enumerate(lines, 1):
        origin = module.origin(number)
        if origin is not None:
            assert module.cell(origin[0]).lines[origin[1] - 1] == line


def test_ipython_syntax_is_skipped_and_noted_but_strings_that_look_like_it_are_kept():
    module = extract(cells_of(
        "!pip install tqdm\n%matplotlib inline\nimport torch\nfiles = !ls\ntorch.nn.Linear?",
        'def helper():\n    """Usage:\n!rm -rf everything\n%run this\n"""\n    !echo inside a function\n    return 1',
        "%%bash\nrm -rf /tmp/anything",
        "%%time\nclass Timed:\n    pass",
    ), "my_linear.ipynb")
    compile(module.text, "my_linear.py", "exec")
    assert "!rm -rf everything\n%run this" in module.text  # inside a docstring: untouched
    assert "!pip" not in module.text and "%matplotlib" not in module.text and "!ls" not in module.text
    assert "!echo" not in module.text and "rm -rf /tmp" not in module.text and "%%" not in module.text
    assert "class Timed:" in module.text  # a %%time cell's body is Python
    notes = "\n".join(module.notes)
    assert "cell 1, line 1: `!pip install tqdm` not run (a shell command)" in notes
    assert "cell 1, line 2: `%matplotlib inline` not run (an IPython magic)" in notes
    assert "cell 1, line 4: `files = !ls` not run" in notes
    assert "cell 1, line 5: `torch.nn.Linear?` not run (IPython help)" in notes
    assert "cell 2, line 6: `!echo inside a function` not run (a shell command)" in notes
    assert "cell 3: a `%%bash` cell, not run" in notes


def test_a_class_defined_in_several_cells_takes_the_last_definition():
    module = extract(cells_of(
        "import torch",
        "class CustomDataset:\n    version = 1",
        "ds = CustomDataset()",
        "class CustomDataset:\n    version = 2",
    ), "custom_dataset.ipynb")
    assert "version = 1" not in module.text and "version = 2" in module.text
    assert "class `CustomDataset` is defined in cells 2 and 4: the last definition (cell 4) is graded" in "\n".join(module.notes)

    # When something in between uses the first definition, both run, in order, as in Jupyter.
    module = extract(cells_of("class A:\n    pass", "class B(A):\n    pass", "class A:\n    x = 2"), "my_linear.ipynb")
    namespace: dict = {}
    exec(compile(module.text, "my_linear.py", "exec"), namespace)
    assert namespace["A"].__dict__.get("x") == 2 and namespace["B"].__bases__[0] is not namespace["A"]


def test_assignments_imports_and_blocks():
    module = extract(cells_of(
        "from __future__ import annotations\nimport torch",
        "import matplotlib_that_is_not_installed.pyplot as plt\ntry:\n    import tqdm_not_installed\nexcept ImportError:\n    tqdm_not_installed = None",
        "EPS = 1e-7; print(EPS)",
        "@torch.no_grad()\ndef predict(x):\n    return x",
        "if torch.cuda.is_available():\n    DEVICE = 'cuda'\nelse:\n    DEVICE = 'cpu'",
        "if __name__ == '__main__':\n    DEMO = 1",
        "alias = predict\nresult = alias(3)\nfigure = plt.figure()",
        "with open('data.txt') as f:\n    data = f.read()\nsize = len(data)",
    ), "my_linear.ipynb")
    text = module.text
    namespace: dict = {}
    exec(compile(text, "my_linear.py", "exec"), namespace)
    assert text.splitlines()[1] == "from __future__ import annotations"  # hoisted: it must come first
    assert namespace["EPS"] == 1e-7 and namespace["DEVICE"] in ("cuda", "cpu") and namespace["alias"] is namespace["predict"]
    assert "tqdm_not_installed" in namespace  # a try block handles a missing module itself
    assert "@torch.no_grad()" in text and "print(EPS)" not in text
    for skipped in ("plt", "DEMO", "result", "figure", "data", "size"):
        assert skipped not in namespace, skipped
    notes = "\n".join(module.notes)
    assert "`matplotlib_that_is_not_installed` is not installed where your code is graded" in notes
    assert 'an `if __name__ == "__main__":` block' in notes
    assert "`result = alias(3)` not run (it runs `alias`, which the notebook defines)" in notes
    assert "`figure = plt.figure()` not run (it uses `plt`" in notes
    assert "cell 8, lines 1-3: `with open('data.txt') as f: ...` and 1 more statement not run (nothing in this cell is graded)" in notes


def test_a_cell_with_a_syntax_error_is_kept_so_that_the_import_reports_it():
    module = extract(cells_of("import torch", "def broken(:\n    pass"), "my_linear.ipynb")
    with pytest.raises(SyntaxError) as raised:
        compile(module.text, "my_linear.py", "exec")
    assert module.origin(raised.value.lineno) == (2, 1)


NOTEBOOK_4 = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}}


@pytest.mark.parametrize("data, fragment", [
    (b'{"cells": [', "is not valid JSON (Expecting value at line 1, column 12)"),
    (json.dumps({**NOTEBOOK_4, "nbformat": 3, "worksheets": []}).encode(), "uses notebook format version 3, which is not supported"),
    (json.dumps({**NOTEBOOK_4, "nbformat": 5, "cells": []}).encode(), "uses notebook format version 5, which is not supported"),
    (b"\xff\xfe{ }", "is not UTF-8 text (byte 0xff at offset 0)"),
    (json.dumps({**NOTEBOOK_4, "cells": [{"cell_type": "markdown", "source": "print(1)"}]}).encode(), "has no code"),
    (json.dumps({**NOTEBOOK_4, "cells": [{"cell_type": "code", "source": ["  \n"]}]}).encode(), "has no code"),
    (json.dumps([1, 2]).encode(), "is not a Jupyter notebook"),
    (json.dumps({**NOTEBOOK_4, "cells": {}}).encode(), "has no list of 'cells'"),
    (json.dumps({**NOTEBOOK_4, "cells": [{"cell_type": "code", "source": 5}]}).encode(), "the source of cell 1 is not text"),
], ids=["invalid-json", "nbformat-3", "nbformat-5", "not-utf8", "markdown-only", "empty-code", "not-an-object", "cells-not-a-list", "bad-source"])
def test_malformed_notebooks_are_refused_with_a_clear_reason(tmp_path, data, fragment):
    with pytest.raises(NotebookError) as raised:
        parse_cells(data)
    assert fragment in str(raised.value)
    (tmp_path / "my_linear.ipynb").write_bytes(data)
    lookup = locate_source(tmp_path, BY_NAME["my_linear"])
    assert lookup.path is None and lookup.problem.startswith("my_linear.ipynb ") and fragment in lookup.problem
    assert lookup.category == "notebook could not be read"


def test_a_notebook_over_the_size_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.notebooks.MAX_NOTEBOOK_BYTES", 1000)
    (tmp_path / "my_linear.ipynb").write_text(notebook("x = 1", "#" * 2000), encoding="utf-8")
    assert "is larger than" in locate_source(tmp_path, BY_NAME["my_linear"]).problem


def test_both_py_and_ipynb_is_an_error_naming_both(tmp_path):
    (tmp_path / "my_linear.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "my_linear.ipynb").write_text(notebook("x = 1"), encoding="utf-8")
    lookup = locate_source(tmp_path, BY_NAME["my_linear"])
    assert lookup.path is None and "my_linear.py" in lookup.problem and "my_linear.ipynb" in lookup.problem


# -- grading notebooks ------------------------------------------------------------------


SLOW_TRAINING = "import time\nfor epoch in range(10**9):\n    time.sleep(1)"


@pytest.fixture(scope="module")
def solution_notebooks(tmp_path_factory):
    """Notebook versions of the three solutions, with IPython syntax, demo cells, an earlier
    broken draft of a class, commands that would delete a file, and a slow training cell last."""
    root = tmp_path_factory.mktemp("notebooks")
    victim = root / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    deleting = [f"!rm -f {victim}", f"%system rm -f {victim}", f"%%bash\nrm -f {victim}", f"import os\nos.remove({str(victim)!r})"]
    files = {}
    for exercise in ("my_linear", "logistic_regression", "custom_dataset"):
        cells = solution_cells(exercise)
        if exercise == "custom_dataset":  # a first draft, redefined by the solution's cell below it
            cells.insert(2, "class CustomDataset(Dataset):\n    def __len__(self):\n        return -1")
        cells = [cells[0], "!pip install torch\n%matplotlib inline", *cells[1:], *deleting, SLOW_TRAINING]
        files[f"{exercise}.ipynb"] = notebook(*cells)
    directory = make_submission(root / "learner", files, base=None)
    began = time.monotonic()
    result = grade(directory)
    return result, time.monotonic() - began, victim


def test_notebook_versions_of_the_solutions_get_full_marks(solution_notebooks):
    result, _, _ = solution_notebooks
    assert failed_messages(result) == {}
    assert result.max_score > 0 and result.score == result.max_score
    assert checks_of(result, "custom_dataset")["custom_dataset.loader_spawn"].status == "passed"  # a real module


def test_a_slow_training_cell_is_not_run(solution_notebooks):
    result, seconds, _ = solution_notebooks
    assert seconds < 60
    for exercise in result.exercises:
        assert any("for epoch in range(10**9)" in note and "not run" in note for note in exercise.notes), exercise.notes


def test_shell_escapes_and_magics_do_not_delete_files(solution_notebooks):
    result, _, victim = solution_notebooks
    assert victim.read_text(encoding="utf-8") == "keep me"
    notes = "\n".join(exercise_of(result, "my_linear").notes)
    assert "`!pip install torch` not run (a shell command)" in notes
    assert "`%system rm -f" in notes and "a `%%bash` cell, not run" in notes and "os.remove(" in notes
    assert "class `CustomDataset` is defined in cells" in "\n".join(exercise_of(result, "custom_dataset").notes)


def test_notebook_stubs_score_zero_and_point_at_cells():
    result = grade(EXERCISES / "notebooks")
    assert result.score == 0 and result.max_score > 0
    for exercise in result.exercises:
        assert exercise.notes, exercise.name  # the "Try it" cell is listed as not run
        for check in exercise.checks:
            if check.status == "skipped":
                continue
            assert check.status == "failed" and "not implemented yet" in check.message, (check.id, check.message)
            location = check.location
            assert location.file == f"{exercise.name}.ipynb" and location.cell is not None and location.line > 0
            assert "NotImplementedError" in location.code and location.label.startswith(f"{exercise.name}.ipynb, cell ")
            assert dict(location.excerpt)[location.line].strip() == location.code


@pytest.fixture(scope="module")
def buggy_notebooks(tmp_path_factory):
    """The lesson's bugs in notebooks: `(1/n)(...)`, a misspelt class name, a syntax error;
    my_linear is fine but sits next to a malformed logistic_regression notebook elsewhere."""
    lr = mutate("logistic_regression", 'self.grads["db"] = (1 / n) * torch.sum(error)', 'self.grads["db"] = (1 / n)(torch.sum(error))')
    cd = mutate("custom_dataset", "class CustomDataset(Dataset):", "class customDataset(Dataset):")
    files = {
        "logistic_regression.ipynb": notebook(*solution_cells("logistic_regression", lr)),
        "custom_dataset.ipynb": notebook(*solution_cells("custom_dataset", cd)),
        "my_linear.ipynb": notebook(Markdown("# draft"), "import torch", "class MyLinear(torch.nn.Module):\n    def forward(self, x:\n        return x"),
    }
    return grade(make_submission(tmp_path_factory.mktemp("buggy") / "learner", files, base=None))


def test_buggy_notebooks_lose_points_with_cell_and_line_locations(buggy_notebooks):
    result = buggy_notebooks
    backward = checks_of(result, "logistic_regression")["logistic_regression.backward_db[cpu]"]
    assert backward.status == "failed" and "calls a number like a function" in backward.message
    assert backward.location.file == "logistic_regression.ipynb"
    cells = solution_cells("logistic_regression")
    cell_lines = cells[2].splitlines()  # the class is the third cell (after a Markdown title and the imports)
    assert backward.location.cell == 3
    assert cell_lines[backward.location.line - 1].strip() == 'self.grads["db"] = (1 / n) * torch.sum(error)'
    assert backward.location.code == 'self.grads["db"] = (1 / n)(torch.sum(error))'
    assert 0 < exercise_of(result, "logistic_regression").score < exercise_of(result, "logistic_regression").max_score

    dataset = exercise_of(result, "custom_dataset")
    assert dataset.score == 0
    assert any("found `customDataset`" in c.message and "custom_dataset.ipynb" in c.message for c in dataset.checks)
    assert not any("custom_dataset.py" in c.message for c in dataset.checks)

    linear = exercise_of(result, "my_linear")
    assert linear.score == 0 and "my_linear.ipynb could not be loaded: syntax error" in linear.error
    assert "(my_linear.ipynb, cell 3, line 2: `def forward(self, x:`)" in linear.error
    assert {c.location.label for c in linear.checks if c.status == "error"} == {"my_linear.ipynb, cell 3, line 2"}


def test_notebook_feedback_in_the_terminal_and_the_json_report(buggy_notebooks):
    text = render_submission(buggy_notebooks)
    assert "at logistic_regression.ipynb, cell 3, line " in text
    run = RunResult([buggy_notebooks], "test", "test", ["cpu"], "2024-01-01T00:00:00+00:00")
    data = json.loads(json.dumps(run.to_dict()))
    jsonschema.validate(data, load_schema())
    exercises = {e["name"]: e for e in data["submissions"][0]["exercises"]}
    located = [c["location"] for c in exercises["logistic_regression"]["checks"] if c["location"]]
    assert located and all(loc["file"] == "logistic_regression.ipynb" and loc["cell"] == 3 for loc in located)
    assert all(isinstance(e["notes"], list) for e in exercises.values())


def test_malformed_notebooks_get_errors_while_the_other_exercises_are_graded(tmp_path):
    files = {
        "my_linear.ipynb": '{"cells": [',
        "logistic_regression.ipynb": json.dumps({**NOTEBOOK_4, "nbformat": 3, "worksheets": []}),
        "custom_dataset.py": (SOLUTIONS / "custom_dataset.py").read_text(encoding="utf-8"),
    }
    result = grade(make_submission(tmp_path / "learner", files, base=None))
    linear, regression, dataset = (exercise_of(result, name) for name in ("my_linear", "logistic_regression", "custom_dataset"))
    assert "my_linear.ipynb is not valid JSON" in linear.error and linear.score == 0
    assert "logistic_regression.ipynb uses notebook format version 3" in regression.error and regression.score == 0
    for exercise in (linear, regression):
        counted = [c for c in exercise.checks if c.status != "skipped"]  # CUDA checks without a GPU
        assert counted and all(c.status == "error" and c.category == "notebook could not be read" for c in counted)
    assert dataset.score == dataset.max_score > 0


def test_names_nothing_defines_and_star_imports():
    module = extract(cells_of("import torch", "EPS = 0.1\nds = customDataset(['a'], [1])\nsize = len(ds)"), "custom_dataset.ipynb")
    notes = "\n".join(module.notes)
    assert "`ds = customDataset(['a'], [1])` not run (it uses `customDataset`, which nothing above it defines)" in notes
    module = extract(cells_of("from math import *", "ROOT2 = sqrt(2)"), "my_linear.ipynb")
    assert "ROOT2 = sqrt(2)" in module.text  # a star import may define any name


def test_a_notebook_with_too_much_code_is_refused():
    data = json.dumps({**NOTEBOOK_4, "cells": [{"cell_type": "code", "source": "x = 1\n" * 200_000}]}).encode()
    with pytest.raises(NotebookError, match="characters of code, more than"):
        parse_cells(data)
