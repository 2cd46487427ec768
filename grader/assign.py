"""Authoring from one source: the learner's stubs are written from the marked solutions.

An exercise's reference solution (`NAME/solution.py` in its pack, or `SOLUTIONS/NAME.py`)
is, with the code a learner writes marked:

    def forward(self, x: Tensor) -> Tensor:
        # BEGIN SOLUTION
        # STUB: # TODO: return x @ weights + bias
        y = x @ self.weights
        ...
        # END SOLUTION

In the stub each region becomes its `# STUB: ` lines: the text after "# STUB: ", at the
comment's own indentation ("# STUB:" alone is a blank line). When a region lies in a
function and its stub has no code (only comments, or nothing), the stub ends with
`raise NotImplementedError("Class.method")`, naming that function. The markers are
comments, so the solution runs and is graded as it is. Its module docstring is the
instructor's and is replaced; an `if __name__ == "__main__":` block at the end is a demo
that the stubs keep ("Try it").

Its text (`NAME/text.md`, or `SOLUTIONS/NAME.md`) is a `# Title` line, then blocks each introduced
by a line `<!-- lesson -->` (the lesson's explanations: Markdown cells of the notebook) or
`<!-- contract -->` (exactly one: what the grader checks).

`grade [--pack DIR] assign OUT` (the pack's solutions) or `grade assign SOLUTIONS OUT` (a
folder of NAME.py and NAME.md) writes, for each exercise of the pack:
- `OUT/NAME.py`: a docstring made of the title, the contract and how to check the work,
  then the solution's code with each region replaced by its stub;
- `OUT/notebooks/NAME.ipynb`: the title and lesson as Markdown cells, the contract, the
  stub's code in cells (imports, then each definition), and the demo as a "Try it" cell,
  which the grader does not run (`notebooks.py` grades definitions only).
Output depends only on the sources and on OUT's name, so `differences` tells whether OUT is
up to date (`grade assign --check`).
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from grader.exercises import current as current_exercises

NOTEBOOKS_DIR = "notebooks"
_BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*# END SOLUTION\s*$")
_STUB = re.compile(r"^(\s*)# STUB:(?: (.*))?$")
_BLOCK = re.compile(r"^<!-- (lesson|contract) -->\s*$")


class AssignError(Exception):
    """A solution or an exercise text does not follow the conventions above."""


@dataclass(frozen=True)
class ExerciseText:
    title: str
    lessons: tuple[str, ...]
    contract: str

    @property
    def summary(self) -> str:
        return self.title if self.title.endswith((".", "!", "?")) else self.title + "."


def read_text(path: Path) -> ExerciseText:
    """Parse `NAME.md`: `# Title`, then `<!-- lesson -->` and `<!-- contract -->` blocks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise AssignError(f"{path}: the first line must be the title, `# Exercise N: ...`")
    blocks: list[tuple[str, list[str]]] = []
    for number, line in enumerate(lines[1:], 2):
        match = _BLOCK.match(line)
        if match:
            blocks.append((match.group(1), []))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip():
            raise AssignError(f"{path}:{number}: text before the first `<!-- lesson -->` or `<!-- contract -->` line")
    texts = {kind: [] for kind in ("lesson", "contract")}
    for kind, body in blocks:
        texts[kind].append("\n".join(body).strip("\n"))
    if len(texts["contract"]) != 1:
        raise AssignError(f"{path}: there must be exactly one `<!-- contract -->` block, not {len(texts['contract'])}")
    contract = texts["contract"][0]
    if '"""' in contract or "\\" in contract:
        raise AssignError(f"{path}: the contract becomes a docstring, so it may hold neither triple quotes nor backslashes")
    return ExerciseText(lines[0][2:].strip(), tuple(texts["lesson"]), contract)


def _functions(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((child.lineno, child.end_lineno or child.lineno, prefix + child.name))
                visit(child, prefix + child.name + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def stub_code(solution: str, name: str = "solution") -> str:
    """The solution's code without its docstring, each marked region replaced by its stub."""
    try:
        tree = ast.parse(solution)
    except SyntaxError as exc:
        raise AssignError(f"{name}:{exc.lineno}: {exc.msg}") from None
    lines = solution.splitlines()
    first = 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        first = body[0].end_lineno or 1
    functions = _functions(tree)
    out: list[str] = []
    region: tuple[int, str] | None = None  # (line of BEGIN, its indentation)
    stub: list[str] = []
    for number, line in enumerate(lines, 1):
        begin, end = _BEGIN.match(line), _END.match(line)
        if region is None:
            if end:
                raise AssignError(f"{name}:{number}: `# END SOLUTION` without `# BEGIN SOLUTION`")
            if begin:
                region, stub = (number, begin.group(1)), []
            elif _STUB.match(line):
                raise AssignError(f"{name}:{number}: `# STUB:` outside a `# BEGIN SOLUTION` region")
            elif number > first:
                out.append(line)
            continue
        if begin:
            raise AssignError(f"{name}:{number}: `# BEGIN SOLUTION` inside another region (line {region[0]})")
        stub_line = _STUB.match(line)
        if stub_line:
            stub.append(stub_line.group(1) + stub_line.group(2) if stub_line.group(2) else "")
        elif end:
            start, indent = region
            enclosing = [f for f in functions if f[0] < start <= f[1]]
            if enclosing and all(not s.strip() or s.lstrip().startswith("#") for s in stub):
                qualname = max(enclosing)[2]
                stub.append(f'{indent}raise NotImplementedError("{qualname}")')
            out += stub
            region = None
    if region is not None:
        raise AssignError(f"{name}:{region[0]}: `# BEGIN SOLUTION` without `# END SOLUTION`")
    code = "\n".join(out).strip("\n") + "\n"
    try:
        ast.parse(code)
    except SyntaxError as exc:
        raise AssignError(f"{name}: the stub is not valid Python ({exc.msg}, line {exc.lineno} of the stub)") from None
    return code


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test).replace("'", '"') in ('__name__ == "__main__"', '"__main__" == __name__')


def code_cells(code: str) -> tuple[list[str], str]:
    """The stub's code as notebook cells (imports together, then one per definition), and its demo."""
    tree = ast.parse(code)
    lines = code.splitlines()
    cells: list[str] = []
    demo = ""
    previous_end, previous_import = 0, False
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while start - 1 > previous_end and lines[start - 2].lstrip().startswith("#"):
            start -= 1  # comments just above a statement belong to it
        end = node.end_lineno or node.lineno
        text = "\n".join(lines[start - 1:end])
        is_import = isinstance(node, (ast.Import, ast.ImportFrom))
        if _is_main_guard(node):
            demo = textwrap.dedent("\n".join(lines[node.lineno:end])).strip("\n")
        elif is_import and previous_import:
            cells[-1] += "\n" + text
        else:
            cells.append(text)
        previous_end, previous_import = end, is_import
    return cells, demo


def render_module(text: ExerciseText, code: str, out_name: str) -> str:
    docstring = f"{text.summary}\n\n{text.contract}\n\nRun `grade {out_name}/` to check your work.\n"
    return f'"""{docstring}"""\n{code}'


def render_notebook(name: str, text: ExerciseText, code: str, out_name: str) -> str:
    import nbformat
    from nbformat import v4

    cells_code, demo = code_cells(code)
    markdown = [f"# {text.title}" + (f"\n\n{text.lessons[0]}" if text.lessons else ""), *text.lessons[1:]]
    markdown.append(
        f"## What to write\n\n{text.contract}\n\n"
        f"Write your code in the cells below and hand in this notebook as `{name}.ipynb`. The grader "
        "reads its definitions (imports, functions, classes, top-level assignments) and runs nothing "
        "else: loops, prints and the cells that try things out are listed as not run. "
        f"Run `grade {out_name}/{NOTEBOOKS_DIR}/` to check your work."
    )
    cells = [v4.new_markdown_cell(m) for m in markdown] + [v4.new_code_cell(c) for c in cells_code]
    if demo:
        cells.append(v4.new_markdown_cell("## Try it\n\nExperiment here. The grader grades definitions only: it does not run what this cell tries out."))
        cells.append(v4.new_code_cell(demo))
    for index, cell in enumerate(cells, 1):
        cell["id"] = f"{name.replace('_', '-')}-{index}"
    notebook = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    return nbformat.writes(notebook) + "\n"


def sources(solutions: Path | None) -> list[tuple[str, Path, Path]]:
    """(name, solution, text) of each exercise of the active pack: from the folder `solutions`
    (NAME.py, NAME.md) when given, else where the pack keeps them (NAME/solution.py, NAME/text.md,
    or its manifest's `solutions` folder)."""
    found = []
    for exercise in current_exercises():
        if solutions is not None:
            found.append((exercise.name, solutions / f"{exercise.name}.py", solutions / f"{exercise.name}.md"))
        else:
            assert exercise.solution_path is not None and exercise.text_path is not None
            found.append((exercise.name, exercise.solution_path, exercise.text_path))
    return found


def generate(solutions: Path | None, out_name: str) -> dict[str, str]:
    """Every file `assign` writes, by path relative to OUT, with its text."""
    files: dict[str, str] = {}
    for name, solution, text_path in sources(solutions):
        for path in (solution, text_path):
            if not path.is_file():
                raise AssignError(f"{path} not found: each exercise needs its solution and its text (docs/writing-exercises.md)")
        text = read_text(text_path)
        code = stub_code(solution.read_text(encoding="utf-8"), str(solution))
        files[f"{name}.py"] = render_module(text, code, out_name)
        files[f"{NOTEBOOKS_DIR}/{name}.ipynb"] = render_notebook(name, text, code, out_name)
    return files


def assign(solutions: Path | None, out: Path) -> list[Path]:
    """Write the stubs for `solutions` into `out`; the paths written."""
    written = []
    for relative, content in generate(solutions, out.resolve().name).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
        written.append(path)
    return written


def differences(solutions: Path | None, out: Path) -> list[str]:
    """How `out` differs from what `assign(solutions, out)` would write (empty: up to date)."""
    expected = generate(solutions, out.resolve().name)
    problems = []
    for relative, content in expected.items():
        path = out / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif path.read_bytes() != content.encode("utf-8"):
            problems.append(f"{relative} differs from what `grade assign` writes (edited by hand, or a solution changed?)")
    present = {p.relative_to(out).as_posix() for p in [*out.glob("*.py"), *(out / NOTEBOOKS_DIR).glob("*.ipynb")]}
    problems += [f"{relative} is not written by `grade assign`" for relative in sorted(present - set(expected))]
    return problems
