"""`verify("my_linear")` inside a learner's notebook, executed for real with nbclient and an ipykernel.

The notebook defines a MyLinear whose forward forgets the bias, calls verify twice, and the
test reads every output the kernel produced: visible feedback inline (HTML and text), and
nothing of the one check made hidden (its title, its message, its inputs).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SOLUTIONS, failed_messages, grade, make_submission
from grader import verifier
from grader.jupyter import CheckView, Verification, render_html, render_text
from grader.results import CheckResult, ExerciseResult, Location, SubmissionResult

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

HIDDEN = "my_linear.forward[cpu]"
HIDDEN_TITLE = "forward(x) computes x @ weights + bias [cpu]"
JUDGE = Path(__file__).resolve().parent / "verify_hiding_judge.py"


def buggy_linear() -> str:
    source = (SOLUTIONS / "my_linear.py").read_text(encoding="utf-8")
    assert "y = y + self.bias" in source
    return source.replace("y = y + self.bias", "y = y + 0 * self.bias")


def learner_notebook() -> "nbformat.NotebookNode":
    setup = (  # the test's own cell: verify's judge with one check made hidden
        "import sys, grader.jupyter\n"
        f"grader.jupyter._judge_command = lambda: [sys.executable, '-I', {str(JUDGE)!r}, {HIDDEN!r}]"
    )
    second = (
        "import time\nbegan = time.monotonic()\nagain = verify('MyLinear')\n"
        "print('second verify took', round(time.monotonic() - began, 2), 's')\n"
        "print('hidden not run:', again.hidden_not_run, 'checks:', sorted(c.title for c in again.checks))"
    )
    cells = [
        nbformat.v4.new_markdown_cell("# MyLinear"),
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell("import torch\nfrom torch import Tensor, nn"),
        nbformat.v4.new_code_cell(buggy_linear()),
        nbformat.v4.new_code_cell("from grader.jupyter import verify\nverify('my_linear')"),
        nbformat.v4.new_code_cell(second),
    ]
    return nbformat.v4.new_notebook(cells=cells)


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(value) for value in output.get("data", {}).values()]
        parts += [output.get("evalue", ""), *output.get("traceback", [])]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("learner")
    notebook = learner_notebook()
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


@pytest.fixture(scope="module")
def hidden_message(tmp_path_factory) -> str:
    """What the hidden check says about this bug when `grade` runs it: none of it may reach the notebook."""
    folder = make_submission(tmp_path_factory.mktemp("same-code"), {"my_linear.py": buggy_linear()})
    message = failed_messages(grade(folder, "my_linear"))[HIDDEN]
    assert "for x of shape" in message
    return message


def test_the_notebook_shows_visible_feedback_inline(executed):
    first = executed.cells[4]
    result = next(o for o in first.outputs if o.output_type == "execute_result")
    html, text = result.data["text/html"], result.data["text/plain"]
    assert 'class="grader-verify"' in html and "FAIL" in html
    assert "forward accepts any number of leading dimensions, including none and sizes of 1 [cpu]" in html
    assert "at <strong>In [3], line" in html, "the place is the cell as Jupyter numbers it"
    assert "my_linear: " in text and "visible checks failed" in text
    assert "1 hidden check not run here" in text
    assert "<script" not in html


def test_no_hidden_check_reaches_the_kernel(executed, hidden_message):
    shown = "\n".join(outputs_text(cell) for cell in executed.cells)
    assert "second verify took" in shown, shown[-2000:]
    assert "hidden not run: 1" in shown
    assert HIDDEN_TITLE not in shown
    assert HIDDEN not in shown
    assert hidden_message not in shown
    assert hidden_message.split(" has wrong values")[0] not in shown  # its input: "forward(x) for x of shape (5, 4)"


def test_a_second_verify_reuses_the_judge(executed):
    printed = outputs_text(executed.cells[5])
    seconds = float(printed.split("second verify took ")[1].split(" s")[0])
    assert seconds < 30, printed  # the first call imports torch twice; the second forks a worker


# -- the pieces, without a kernel ------------------------------------------------------------


def test_payload_never_sends_a_hidden_check():
    hidden = CheckResult(id="e.secret", title="secret title", status="failed", max_score=2, message="for x = [4, 2] expected 7",
                         hidden=True, location=Location("my_linear.py", 3, "x"), output="printed 42")
    shown = CheckResult(id="e.open", title="open title", status="passed", max_score=1)
    result = SubmissionResult(id="nb", path="nb", exercises=[ExerciseResult("my_linear", [hidden, shown])])
    sent = json.dumps(verifier.payload(result, hidden=0, from_history=True))
    assert "open title" in sent
    for secret in ("secret", "[4, 2]", "printed 42"):
        assert secret not in sent


def test_visible_checks_leaves_hidden_specs_out():
    class Spec:
        def __init__(self, hidden: bool):
            self.hidden = hidden

    specs = [Spec(False), Spec(True), Spec(False)]
    shown, hidden = verifier.visible_checks(specs)
    assert shown == [specs[0], specs[2]] and hidden == 1


def test_history_labels_point_at_execution_counts():
    relabel = verifier._history_labels("my_linear")
    assert relabel("at my_linear.ipynb, cell 4, line 3") == "at In [4], line 3"
    assert relabel("cell 7, line 1: `print(x)` not run") == "In [7], line 1: `print(x)` not run"
    assert relabel("my_linear.ipynb could not be loaded") == "this notebook could not be loaded"


def test_feedback_is_escaped_in_html_and_stripped_in_text():
    check = CheckView(title="t <b>", status="failed", score=0, max_score=1, message="<script>alert(1)</script>\x1b[31m",
                      where="In [2], line 1", output="<img src=x onerror=alert(1)>")
    feedback = Verification("my_linear", 0, 1, (check,))
    html = render_html(feedback)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "\x1b" not in render_text(feedback) and "\x1b" not in repr(feedback)


def test_unknown_exercise_is_said_without_a_judge():
    from grader.jupyter import verify

    result = verify("my_lienar")
    assert result.problem and "my_linear" in result.problem and not result.checks
    assert "not checked" in str(result)


def test_outside_ipython_the_file_on_disk_is_checked(tmp_path, monkeypatch):
    from grader import jupyter

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jupyter, "_kernel_cells", lambda: None)
    assert "expected one of my_linear.py or my_linear.ipynb" in jupyter.request_for("my_linear")
    (tmp_path / "my_linear.py").write_text("x = 1\n")
    request = jupyter.request_for("my_linear")
    assert request["source"] == "file" and request["path"] == str(tmp_path / "my_linear.py")


def test_the_kernel_imports_nothing_of_the_judge():
    """No torch, pytest or suites in the learner's kernel: `grade` keeps the import in graded notebooks too."""
    code = "import sys, grader.jupyter; print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'pytest', 'grader')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['grader', 'grader.exercises', 'grader.jupyter']"


def test_a_graded_notebook_leaves_the_verify_import_out():
    """`grade` keeps a notebook's imports, but the worker may not read the grader: the self-check is not the learner's code."""
    from grader.notebooks import Cell, extract

    cells = (Cell(1, "code", "import torch\nfrom grader.jupyter import verify"), Cell(2, "code", "x = torch.zeros(1)\nverify('my_linear')"))
    module = extract(cells, "my_linear.ipynb")
    assert "import torch" in module.text and "grader" not in module.text.split("\n", 1)[1]
    assert any("the grader itself" in note for note in module.notes)
