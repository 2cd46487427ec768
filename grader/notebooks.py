"""Notebook submissions: the definitions in a notebook's code cells, as a module to import.

The judge never runs a notebook. It reads `NAME.ipynb` as data (UTF-8 JSON, nbformat 4, at
most `MAX_NOTEBOOK_BYTES`), parses each code cell with `ast`, and writes what *defines*
things into `NAME.py` in the worker's private copy of the submission (`write_modules`, called
by `session.copy_submission`). The worker imports that module like any other, so code from a
notebook works wherever a real module is needed (pickling, DataLoader workers under "spawn").

What is kept, cell by cell from top to bottom (as "Run All" would run them):
- imports (an import of a module that is not installed where the code is graded is skipped,
  so that `import matplotlib.pyplot as plt` for a plot does not fail the exercise; so is an
  import of the grader itself, `from grader.jupyter import verify`, the learner's self-check);
- function and class definitions. A name defined again in a later cell takes the last
  definition, as in Jupyter; the earlier one is dropped unless something in between uses it;
- top-level assignments (`device = torch.device(...)`, `EPS = 1e-7`), except those that run
  code the notebook defines (`model = MyLinear(3, 2)`), use a value of skipped code
  (`batch = next(iter(loader))`) or a name nothing above them defines: these build demo
  objects, and the demo is not graded;
- `if`/`try` blocks made only of the above (`try: import x` / `except ImportError: ...`),
  but never an `if __name__ == "__main__":` block.

Everything else is skipped and listed in the feedback as a note: expressions (`print(...)`,
`model`, `next(iter(loader))`), loops (training), `with` blocks, asserts, `del`, and IPython
syntax, which is not Python: shell escapes (`!cmd`, `x = !cmd`), line magics (`%pip ...`),
help (`obj?`) and cells run by a cell magic (`%%bash`, `%%writefile`, ...; the body of
`%%time` and `%%capture` cells is Python and is read like any cell). A line is taken for
IPython syntax only where the parser stops on it, so a docstring line that starts with `!`
is left alone. A cell with a syntax error is kept as it is, so that importing the module
reports the error, as running all cells would.

Caps keep a hostile notebook from stalling the judge: the file's size, the code's size,
the lines of IPython syntax repaired per cell and the characters parsed in all.

Cells are numbered from 1 at the top of the notebook, Markdown cells included. The module
keeps every kept line's text, and `NotebookModule.origin` maps each of its lines back to a
cell and a line in that cell: `attach` uses it to point the feedback at the notebook.
"""
from __future__ import annotations

import ast
import bisect
import builtins
import dataclasses
import hashlib
import importlib.machinery
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.exercises import current as current_exercises
from grader.results import ExerciseResult, Location

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
NBFORMAT_MAJOR = 4
PYTHON_CELL_MAGICS = ("%%time", "%%capture")  # IPython runs their body as ordinary Python
MAX_NOTES = 40
MAX_CODE_CHARS = 1_000_000  # in all code cells together (outputs and Markdown may be larger)
MAX_REPAIRS_PER_CELL = 100  # lines of IPython syntax in one cell; beyond, the cell is kept as it is
PARSE_BUDGET_CHARS = 5_000_000  # parsing a notebook, repairs included, reads at most this much
PREVIEW_CHARS = 60

_SHELL = re.compile(r"^\s*!")
_MAGIC = re.compile(r"^\s*%")
_CAPTURE = re.compile(r"^\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_HELP = re.compile(r"^\s*(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_PREDEFINED = set(dir(builtins)) | {"__file__", "__builtins__"}  # what a module has before its first line


class NotebookError(Exception):
    """The notebook cannot be graded at all; the message completes "NAME.ipynb ..."."""


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based position among all cells, Markdown included
    kind: str  # "code", "markdown", "raw"
    source: str

    @property
    def lines(self) -> list[str]:
        return split_lines(self.source)


@dataclass(frozen=True)
class NotebookModule:
    """A notebook turned into a module: its text, where each line came from, what was skipped."""

    notebook: str  # the notebook's file name
    cells: tuple[Cell, ...]
    text: str
    origins: tuple[tuple[int, int] | None, ...]  # per module line: (cell number, line in cell)
    notes: tuple[str, ...]

    def origin(self, line: int) -> tuple[int, int] | None:
        return self.origins[line - 1] if 1 <= line <= len(self.origins) else None

    def cell(self, number: int) -> Cell:
        return self.cells[number - 1]


def split_lines(text: str) -> list[str]:
    """Lines as Python's parser counts them (`str.splitlines` also splits at \\f, \\u2028...)."""
    lines = _NEWLINE.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


# -- reading -------------------------------------------------------------------------


def read_cells(path: Path) -> tuple[Cell, ...]:
    """The notebook's cells, or NotebookError saying why it cannot be graded."""
    return parse_cells(_read(path))


def _read(path: Path) -> bytes:
    from grader import files

    try:  # never through a link, never a pipe or a device (which would block the judge), never a hard link
        data = files.read_regular(path, MAX_NOTEBOOK_BYTES)
    except files.UnsafeFile as exc:
        raise NotebookError(f"{exc}.") from None
    except OSError as exc:
        raise NotebookError(f"cannot be read: {exc.strerror or exc}.") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"is larger than the {MAX_NOTEBOOK_BYTES // 10**6} MB a notebook may have: clear its outputs "
            "(Edit > Clear Outputs of All Cells) and save it again."
        )
    return data


def parse_cells(data: bytes) -> tuple[Cell, ...]:
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}): a notebook is a UTF-8 JSON "
            "file. Save it again from Jupyter."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): was it cut short or edited "
            "as text? Save it again from Jupyter."
        ) from None
    except RecursionError:
        raise NotebookError("is not valid JSON (nested too deeply).") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise NotebookError(f"is not valid JSON ({str(exc)[:100]}).") from None
    if not isinstance(document, dict) or "nbformat" not in document:
        raise NotebookError("is not a Jupyter notebook: its JSON has no 'nbformat' version.")
    version = document["nbformat"]
    if type(version) is not int or version != NBFORMAT_MAJOR:
        raise NotebookError(
            f"uses notebook format version {str(version)[:20]}, which is not supported: only version "
            f"{NBFORMAT_MAJOR} (Jupyter, JupyterLab, Colab, VS Code) is. Open it in Jupyter and save it again."
        )
    raw_cells = document.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookError("is not a valid version 4 notebook: it has no list of 'cells'.")
    cells = []
    for number, raw in enumerate(raw_cells, 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise NotebookError(f"is not a valid notebook: cell {number} has no cell_type.")
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"is not a valid notebook: the source of cell {number} is not text.")
        cells.append(Cell(number, raw["cell_type"], source))
    code_chars = sum(len(cell.source) for cell in cells if cell.kind == "code")
    if code_chars > MAX_CODE_CHARS:
        raise NotebookError(f"has {code_chars:,} characters of code, more than the {MAX_CODE_CHARS:,} a notebook may have.")
    if not any(cell.kind == "code" and cell.source.strip() for cell in cells):
        raise NotebookError("has no code: write your definitions in its code cells (Markdown cells are not graded).")
    return tuple(cells)


# -- extracting the definitions ------------------------------------------------------


@dataclass
class _Names:
    """What the cells kept so far bind, and what skipped code would have bound.

    Updated in place, with a journal of what each change replaced, so that an `if` or `try`
    block that turns out to be skipped is undone in the time it took (copying the sets per
    block, or building a new set per definition, made 40,000 tiny cells take a minute).
    """

    kept: set[str] = dataclasses.field(default_factory=set)  # bound by kept statements
    ours: set[str] = dataclasses.field(default_factory=set)  # functions, classes (and aliases) the notebook defines
    skipped: set[str] = dataclasses.field(default_factory=set)  # bound only by skipped statements
    journal: list[tuple[str, bool, bool, bool]] = dataclasses.field(default_factory=list)

    def checkpoint(self) -> int:
        return len(self.journal)

    def rollback(self, mark: int) -> None:
        """Undo every change since `checkpoint()` returned `mark`, newest first."""
        while len(self.journal) > mark:
            name, kept, ours, skipped = self.journal.pop()
            for names, present in ((self.kept, kept), (self.ours, ours), (self.skipped, skipped)):
                names.add(name) if present else names.discard(name)

    def _remember(self, bound: set[str]) -> None:
        self.journal += [(n, n in self.kept, n in self.ours, n in self.skipped) for n in bound]

    def keep(self, bound: set[str], ours: bool) -> None:
        self._remember(bound)
        self.kept |= bound
        self.skipped -= bound
        if ours:
            self.ours |= bound
        else:
            self.ours -= bound

    def skip(self, bound: set[str]) -> None:
        self._remember(bound)
        self.skipped |= bound - self.kept


@dataclass
class _Kept:
    cell: int
    start: int  # first line in the cell, 1-based
    lines: list[str]
    node: ast.stmt | None  # None for a cell kept whole (a syntax error)
    future: bool = False


def _reads(*nodes: ast.AST | None) -> set[str]:
    return {n.id for node in nodes if node is not None for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _free_reads(*nodes: ast.AST | None) -> set[str]:
    """Names an expression reads from outside (not its comprehension variables or lambda arguments)."""
    bound = {n.id for node in nodes if node is not None for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.arg for node in nodes if node is not None for n in ast.walk(node) if isinstance(n, ast.arg)}
    return _reads(*nodes) - bound


def _binds(node: ast.AST) -> set[str]:
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names if a.name != "*"}
    return names


def _runs_code(*nodes: ast.AST | None) -> bool:
    return any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)) for node in nodes if node is not None for n in ast.walk(node))


def _definition_time_reads(node: ast.stmt) -> set[str]:
    """Names a statement reads while it runs (a function's body runs later, when called)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _reads(*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d))
    if isinstance(node, ast.ClassDef):
        names = _reads(*node.decorator_list, *node.bases, *node.keywords)
        for item in node.body:
            names |= _definition_time_reads(item)
        return names
    return _reads(node)


def _is_main_guard(node: ast.If) -> bool:
    test = node.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


def _module_installed(module: str) -> bool:
    """Whether `import module` can work where the worker runs, found without importing anything.

    Below a namespace package (`google`, installed by protobuf) each part is looked up, so
    that `from google.colab import drive` counts as missing; a regular package may make its
    submodules itself, so it is trusted.
    """
    top, *rest = module.split(".")
    if top in sys.builtin_module_names:
        return True
    try:
        spec = getattr(sys.modules[top], "__spec__", None) if top in sys.modules else importlib.util.find_spec(top)
        if top in sys.modules and spec is None:
            return True
        name = top
        for part in rest:
            if spec is None:
                return False
            if spec.origin not in (None, "namespace") or not spec.submodule_search_locations:
                return True
            name += "." + part
            spec = importlib.machinery.PathFinder.find_spec(name, list(spec.submodule_search_locations))
    except (ImportError, ValueError, AttributeError):
        return True
    return spec is not None


class _Extractor:
    def __init__(self, directory: Path | None):
        self.directory = directory
        self.names = _Names()
        self.kept: list[_Kept] = []
        self.notes: list[tuple[int, int, str]] = []  # (cell, line, note): sorted into notebook order
        self._installed: dict[str, bool] = {}
        self.parse_budget = PARSE_BUDGET_CHARS
        self.star_import = False  # after `from m import *`, any name may be defined

    # The reason a statement is skipped, or None when it is kept (then `names` is updated).
    def verdict(self, node: ast.stmt, in_try: bool = False) -> str | None:
        names = self.names
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            reason = self._import_problem(node, in_try)
            if reason is None:
                names.keep(_binds(node), ours=False)
                self.star_import = self.star_import or any(a.name == "*" for a in node.names)
            return reason
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            used = sorted(_definition_time_reads(node) & names.skipped)
            if used:
                return f"it uses `{used[0]}`, which comes from code that is not run"
            names.keep({node.name}, ours=True)
            return None
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            return self._assignment(node)
        if isinstance(node, ast.If):
            if _is_main_guard(node):
                return 'an `if __name__ == "__main__":` block'
            return self._block(node, "an `if` block", [node.test], [*node.body, *node.orelse], in_try)
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            statements = [*node.body, *(s for h in node.handlers for s in h.body), *node.orelse, *node.finalbody]
            tests = [h.type for h in node.handlers if h.type is not None]
            return self._block(node, "a `try` block", tests, statements, in_try=True)
        if isinstance(node, ast.Pass):
            return None
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return "a loop"
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return "a `with` block"
        if isinstance(node, ast.Expr):
            return "a call" if isinstance(node.value, (ast.Call, ast.Await)) else "an expression"
        return {ast.Assert: "an assert", ast.Delete: "a `del`", ast.Raise: "a `raise`", ast.Return: "a `return` outside a function"}.get(
            type(node), "not a definition"
        )

    def _import_problem(self, node: ast.Import | ast.ImportFrom, in_try: bool) -> str | None:
        if isinstance(node, ast.ImportFrom) and node.level:
            return "a relative import, which a notebook cannot do"
        modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        if any(m.split(".")[0] == "grader" for m in modules) and not self._local("grader"):
            return "the grader itself, for `verify`: your code does not need it where it is graded"
        if in_try:
            return None  # the notebook handles a missing module itself
        for module in modules:
            if module and not self._available(module):
                top = module.split(".")[0]
                return f"`{top if not self._available(top) else module}` is not installed where your code is graded"
        return None

    def _available(self, module: str) -> bool:
        if module not in self._installed:
            self._installed[module] = self._local(module.split(".")[0]) or _module_installed(module)
        return self._installed[module]

    def _local(self, top: str) -> bool:
        """A module or package of that name among the learner's own files."""
        return self.directory is not None and (
            (self.directory / f"{top}.py").is_file() or (self.directory / top).is_dir() or (self.directory / f"{top}.ipynb").is_file()
        )

    def _assignment(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> str | None:
        names = self.names
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        flat = []
        for target in targets:
            flat += target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        evaluated = [node.value, *(t for t in flat if not isinstance(t, ast.Name))]
        if isinstance(node, ast.AnnAssign):
            evaluated.append(node.annotation)
        read = _free_reads(*evaluated)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            read.add(node.target.id)
        reason = self._uses(read, _runs_code(*evaluated))
        if reason:
            return reason
        ours = sorted(read & names.ours)
        if any(isinstance(n, (ast.Await, ast.Yield, ast.YieldFrom)) for e in evaluated if e for n in ast.walk(e)):
            return "it awaits or yields outside a function"
        names.keep({t.id for t in ast.walk(node) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}, ours=bool(ours))
        return None

    def _uses(self, read: set[str], runs_code: bool) -> str | None:
        """Why an assignment or a condition that reads `read` is not run, if it is not."""
        names = self.names
        used = sorted(read & names.skipped)
        if used:
            return f"it uses `{used[0]}`, which comes from code that is not run"
        ours = sorted(read & names.ours)
        if ours and runs_code:  # building or training the notebook's own objects: a demo
            return f"it runs `{ours[0]}`, which the notebook defines"
        undefined = sorted(read - names.kept - _PREDEFINED)
        if undefined and not self.star_import:
            return f"it uses `{undefined[0]}`, which nothing above it defines"
        return None

    def _block(self, node: ast.stmt, kind: str, tests: list[ast.expr], statements: list[ast.stmt], in_try: bool) -> str | None:
        saved = self.names.checkpoint()
        reason = self._uses(_free_reads(*tests), _runs_code(*tests))
        for statement in statements:
            reason = reason or self.verdict(statement, in_try)
        if reason is not None:
            self.names.rollback(saved)
            return f"{kind} with {reason} in it" if reason.startswith(("a ", "an ")) else f"{kind}: {reason}"
        return None

    # -- cells -----------------------------------------------------------------------

    def note(self, cell: int, line: int, text: str, reason: str) -> None:
        self.notes.append((cell, line, f"cell {cell}, line {line}: `{_preview(text)}` not run ({reason})"))

    def add_cell(self, cell: Cell) -> None:
        lines = cell.lines
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            return
        if lines[first].lstrip().startswith("%%"):
            magic = lines[first].split()[0]
            if magic not in PYTHON_CELL_MAGICS:
                self.notes.append((cell.number, 0, f"cell {cell.number}: a `{magic[:30]}` cell, not run (a cell magic runs its cell as something other than Python)"))
                return
            lines = [*lines[:first], "", *lines[first + 1:]]
        tree, lines = self.parse(cell, lines)
        if tree is None:  # a syntax error: importing the module reports it, with its place
            self.kept.append(_Kept(cell.number, 1, lines, None))
            return
        spans = [(self._first_line(node), node.end_lineno or node.lineno) for node in tree.body]
        skipped: list[tuple[int, int, str, str]] = []  # (first line, last line, text, reason)
        kept = 0
        for index, node in enumerate(tree.body):
            start, end = spans[index]
            shared = (index > 0 and spans[index - 1][1] >= start) or (index + 1 < len(spans) and spans[index + 1][0] <= end)
            if shared:  # `a = 1; print(a)`: only this statement's own text
                text = _segment(lines, node)
            else:
                text = lines[start - 1:end]
            reason = self.verdict(node)
            if reason is None:
                if not isinstance(node, ast.Pass):
                    future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
                    self.kept.append(_Kept(cell.number, start, text, node, future))
                    kept += 1
            else:
                self.names.skip(_binds(node))
                if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                    skipped.append((start, end, text[0] + (" ..." if len(text) > 1 else ""), reason))
        if kept == 0 and len(skipped) > 1:  # a cell that only tries things out: one note
            more = f"{len(skipped) - 1} more statement" + ("s" if len(skipped) > 2 else "")
            self.notes.append((cell.number, skipped[0][0], (
                f"cell {cell.number}, lines {skipped[0][0]}-{skipped[-1][1]}: `{_preview(skipped[0][2])}` and {more} not run "
                "(nothing in this cell is graded)"
            )))
            return
        for start, _, text, reason in skipped:
            self.note(cell.number, start, text, reason)

    @staticmethod
    def _first_line(node: ast.stmt) -> int:
        decorators = getattr(node, "decorator_list", None) or []
        return min([node.lineno, *(d.lineno for d in decorators)])

    def parse(self, cell: Cell, lines: list[str]) -> tuple[ast.Module | None, list[str]]:
        """Parse a cell, turning each line of IPython syntax into `pass` (noted) until it parses."""
        lines = list(lines)
        repaired: set[int] = set()
        for _ in range(2 * MAX_REPAIRS_PER_CELL):
            source = "\n".join(lines) + "\n"
            self.parse_budget -= len(source)
            if self.parse_budget < 0:
                return None, lines
            try:
                return ast.parse(source), lines
            except SyntaxError as exc:
                number = exc.lineno or 0
                if not 1 <= number <= len(lines):
                    return None, lines
                line = lines[number - 1]
                if number in repaired:
                    if line.strip() == "pass" and line != "pass":
                        lines[number - 1] = "pass"  # an indented magic where no block is open
                        continue
                    return None, lines
                kind = _ipython_kind(line)
                if kind is None:
                    return None, lines
                self.note(cell.number, number, line, kind)
                repaired.add(number)
                lines[number - 1] = line[: len(line) - len(line.lstrip())] + "pass"
            except (ValueError, RecursionError, MemoryError, OverflowError):
                return None, lines  # null bytes, absurd nesting: the import reports it
        return None, lines

    # -- the module --------------------------------------------------------------------

    def drop_redefined(self) -> None:
        """A name defined again later takes the last definition; drop earlier ones nothing uses."""
        defined: dict[str, list[int]] = {}
        for index, kept in enumerate(self.kept):
            if isinstance(kept.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.setdefault(kept.node.name, []).append(index)
        readers: dict[str, list[int]] = {}  # name -> positions of statements that read it (ascending)
        opaque: list[int] = []  # positions kept as written (syntax errors): they may read anything
        for position, kept in enumerate(self.kept):
            if kept.node is None:
                opaque.append(position)
                continue
            for read in _definition_time_reads(kept.node):
                readers.setdefault(read, []).append(position)

        def read_between(name: str, earlier: int, later: int) -> bool:
            for positions in (readers.get(name, []), opaque):
                first = bisect.bisect_right(positions, earlier)
                if first < len(positions) and positions[first] < later:
                    return True
            return False

        dropped = set()
        for name, indices in defined.items():
            if len(indices) < 2:
                continue
            cells = [self.kept[i].cell for i in indices]
            word = "class" if isinstance(self.kept[indices[-1]].node, ast.ClassDef) else "function"
            where = ", ".join(map(str, cells[:-1])) + f" and {cells[-1]}" if len(set(cells)) > 1 else f"{cells[0]} (twice)"
            self.notes.append((sys.maxsize, 0, f"{word} `{name}` is defined in cells {where}: the last definition (cell {cells[-1]}) is graded, as when the notebook runs from top to bottom"))
            for earlier, later in zip(indices, indices[1:]):
                if not read_between(name, earlier, later):
                    dropped.add(earlier)
        self.kept = [k for i, k in enumerate(self.kept) if i not in dropped]

    def module(self, notebook: str, cells: tuple[Cell, ...]) -> NotebookModule:
        self.drop_redefined()
        out: list[str] = [f"# Written by the grader from {notebook}: the definitions in its code cells."]
        origins: list[tuple[int, int] | None] = [None]
        ordered = [k for k in self.kept if k.future] + [k for k in self.kept if not k.future]
        cell = None
        for kept in ordered:
            if kept.cell != cell and not kept.future:
                cell = kept.cell
                out.append(f"# cell {cell}")
                origins.append(None)
            for offset, line in enumerate(kept.lines):
                out.append(line)
                origins.append((kept.cell, kept.start + offset))
        notes = [text for _, _, text in sorted(self.notes, key=lambda note: note[:2])]
        if len(notes) > MAX_NOTES:
            notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more"]
        return NotebookModule(notebook, cells, "\n".join(out) + "\n", tuple(origins), tuple(notes))


def _preview(text: str) -> str:
    text = text.strip()
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 3] + "..."


def _segment(lines: list[str], node: ast.stmt) -> list[str]:
    """A statement's own text, where it shares a line with another (offsets count UTF-8 bytes)."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start, end = node.col_offset, node.end_col_offset
    if first == last:
        return [lines[first].encode()[start:end].decode(errors="replace")]
    return [lines[first].encode()[start:].decode(errors="replace"), *lines[first + 1:last], lines[last].encode()[:end].decode(errors="replace")]


def _ipython_kind(line: str) -> str | None:
    if _SHELL.match(line):
        return "a shell command"
    if _MAGIC.match(line):
        return "an IPython magic"
    if _CAPTURE.match(line):
        return "IPython syntax: a shell command or magic"
    if _HELP.match(line):
        return "IPython help"
    return None


def extract(cells: tuple[Cell, ...], notebook: str, directory: Path | None = None) -> NotebookModule:
    """The module made of the definitions in `cells`; `directory` holds the learner's other files."""
    extractor = _Extractor(directory)
    for cell in cells:
        if cell.kind == "code":
            extractor.add_cell(cell)
    return extractor.module(notebook, cells)


_CACHE: dict[tuple[str, str, str], NotebookModule] = {}


def convert(path: Path) -> NotebookModule:
    """Read and extract a notebook (cached by content); NotebookError if it cannot be graded."""
    data = _read(path)
    key = (hashlib.sha256(data).hexdigest(), path.name, str(path.parent.resolve()))
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        cells = parse_cells(data)
        try:
            _CACHE[key] = extract(cells, path.name, path.parent)
        except Exception as exc:  # never let a hostile notebook stop the judge
            raise NotebookError(f"could not be read by the grader ({type(exc).__name__}): is its code unusually deep or large?") from None
    return _CACHE[key]


# -- the judge's side: writing modules, pointing feedback at the notebook --------------


def notebook_for(directory: Path, exercise: str) -> Path | None:
    """The notebook graded for `exercise` in `directory`: NAME.ipynb, when there is no NAME.py."""
    from grader import files

    notebook = directory / f"{exercise}.ipynb"
    info = files.lstat(notebook)
    if files.lstat(directory / f"{exercise}.py") is not None or info is None or files.problem(info):
        return None
    return notebook


def write_modules(directory: Path) -> None:
    """Write NAME.py for each exercise handed in as NAME.ipynb (in the worker's private copy).

    A notebook that cannot be read gets no module; `submission.locate_source` reports why.
    """
    for exercise in current_exercises():
        notebook = notebook_for(directory, exercise.name)
        if notebook is None:
            continue
        try:
            module = convert(notebook)
            (directory / f"{exercise.name}.py").write_text(module.text, encoding="utf-8")
        except (NotebookError, UnicodeError, OSError):
            continue  # the exercise is reported as not gradable, with locate_source's reason


def map_location(location: Location | None, module: NotebookModule, context: int = 3) -> Location | None:
    """A location in the module written from a notebook, as a cell and line of the notebook."""
    generated = f"{Path(module.notebook).stem}.py"
    if location is None or location.file != generated:
        return location
    origin = module.origin(location.line) if location.line > 0 else None
    if origin is None:
        return Location(file=module.notebook, line=0, code=location.code)
    number, line = origin
    lines = module.cell(number).lines
    first, last = max(1, line - context), min(len(lines), line + context)
    return Location(
        file=module.notebook, line=line, cell=number,
        code=lines[line - 1].strip()[:300] if line <= len(lines) else location.code,
        excerpt=tuple((n, lines[n - 1][:300]) for n in range(first, last + 1)),
    )


def attach(result: ExerciseResult, directory: Path) -> None:
    """Point an exercise's feedback at its notebook, if it was handed in as one, and add the notes."""
    notebook = notebook_for(directory, result.name)
    if notebook is None:
        return
    try:
        module = convert(notebook)
    except NotebookError:
        return  # the exercise's error already says why
    generated = f"{result.name}.py"
    mention = re.compile(rf"(?<![\w./-]){re.escape(generated)}(?::(\d+))?\b")

    def relabel(match: re.Match) -> str:  # `NAME.py:12` -> `NAME.ipynb, cell 4, line 3`
        line = match.group(1)
        return map_location(Location(generated, int(line)), module).label if line else module.notebook

    result.error = mention.sub(relabel, result.error)
    for check in result.checks:
        check.message = mention.sub(relabel, check.message)
        check.location = map_location(check.location, module)
    result.notes = list(module.notes)
