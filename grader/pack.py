"""Exercise packs: a course's exercises in a folder of its own, read from `pack.toml`.

A pack is a folder:

    pack.toml                 name, version, the exercises in order, points overrides
    NAME/suite.py             the hidden suite: pytest tests marked with @check (judge side)
    NAME/probes.py            the probes, `probe_<what>(learner, ...)` (worker side)
    NAME/feedback.py          optional: RULES, known mistakes named in words (judge side)
    NAME/solution.py          the reference solution, with the # BEGIN/END SOLUTION markers
    NAME/text.md              the exercise's text (grader/assign.py)

`pack.toml`:

    [pack]
    name = "optimizers"
    version = "1"
    # solutions = "../solutions"   optional: NAME.py and NAME.md there instead of NAME/solution.py, NAME/text.md

    [[exercises]]
    name = "momentum_sgd"           # the learner's file, momentum_sgd.py
    class = "MomentumSGD"
    forbid = ["optim"]              # optional: "autograd", "optim" (worker/traps.py)

    [points]
    "momentum_sgd.step" = 3         # a check's id (without the [device] suffix), its points

The built-in pack (`grader/packs/lesson`) is laid out the same way. This module reads
plain files only (tomllib, no torch, no pytest), so that the worker template can read the
manifest too; `check` adds what needs pytest (collecting the suites) for `grade` to refuse a
broken pack before anything is graded.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from grader.exercises import Exercise

MANIFEST = "pack.toml"
PACKS = Path(__file__).resolve().parent / "packs"
BUILTIN = PACKS / "lesson"
CARRIED = "course"  # a course's pack inside a grader's source that `grade bundle` or `grade init` wrote
DEFAULT_MARKER = PACKS / "DEFAULT"  # names the folder of packs/ graded by default, in such a source
TRAPS = ("autograd", "optim")
NAME = re.compile(r"^[a-z_][a-z0-9_]*$")  # a Python module name, as the results schema says
CLASS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PACK_KEYS = {"name", "version", "solutions", "description"}
EXERCISE_KEYS = {"name", "class", "forbid"}
TOP_KEYS = {"pack", "exercises", "points"}


class PackError(Exception):
    """A pack that cannot be graded with: the file, the line where known, and what is wrong."""

    def __init__(self, path: Path, message: str, line: int = 0):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}{f':{line}' if line else ''}: {message}")


@dataclass(frozen=True)
class Pack:
    root: Path
    name: str
    version: str
    exercises: tuple[Exercise, ...]
    points: dict[str, float] = field(default_factory=dict)
    solutions: Path | None = None  # where NAME.py and NAME.md are, when not in NAME/

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def builtin(self) -> bool:
        """The pack graded when none is named (the template then needs no --pack)."""
        return self.root == default_root()

    def by_name(self) -> dict[str, Exercise]:
        return {e.name: e for e in self.exercises}

    def files(self) -> list[Path]:
        """Every file of the pack (its solutions too): what `--resume`'s fingerprint covers."""
        found = {p for p in self.root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        found |= {p for e in self.exercises for p in (e.solution_path, e.text_path) if p is not None and p.is_file()}
        return sorted(found)

    def fingerprint(self) -> str:
        digest = hashlib.sha256(f"{self.name}\0{self.version}\0".encode())
        for path in self.files():
            digest.update(str(path.relative_to(self.root) if path.is_relative_to(self.root) else path).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def hidden_paths(self) -> list[Path]:
        """What a worker must never read: the whole pack (suites, solutions, rules), and outside solutions."""
        hidden = [self.root]
        hidden += [p.parent for e in self.exercises for p in (e.solution_path, e.text_path) if p is not None and not p.is_relative_to(self.root)]
        return sorted(set(hidden))

    def worker_paths(self) -> list[Path]:
        """What a worker may read of the pack: its probe files only."""
        return [e.probes for e in self.exercises]


def _line_of(text: str, pattern: str) -> int:
    """The first line where `pattern` (a regex) matches: unknown keys and bad values are named by line."""
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number
    return 0


def _key_line(text: str, key: str) -> int:
    return _line_of(text, rf'^\s*"?{re.escape(key)}"?\s*=')


def load(root: Path) -> Pack:
    """Read and check a pack's manifest and files (not yet its suites: see `check`)."""
    root = Path(root).resolve()
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise PackError(manifest, f"not found: a pack is a folder with a {MANIFEST} (docs/writing-exercises.md)")
    text = manifest.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise PackError(manifest, f"not valid TOML: {exc}", int(line.group(1)) if line else 0) from None
    for key in data:
        if key not in TOP_KEYS:
            raise PackError(manifest, f"unknown table or key {key!r} (known: {', '.join(sorted(TOP_KEYS))})", _line_of(text, rf"^\s*\[*\s*{re.escape(key)}\b"))
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError(manifest, "a [pack] table with name and version is required", 1)
    for key in head:
        if key not in PACK_KEYS:
            raise PackError(manifest, f"unknown key {key!r} in [pack] (known: {', '.join(sorted(PACK_KEYS))})", _key_line(text, key))
    for key in ("name", "version"):
        if not isinstance(head.get(key), str) or not head[key]:
            raise PackError(manifest, f"[pack] needs {key} = \"...\" (a string)", _key_line(text, key) or _line_of(text, r"^\s*\[pack\]"))
    solutions = None
    if "solutions" in head:
        if not isinstance(head["solutions"], str):
            raise PackError(manifest, "solutions must be a path (a string), relative to the pack", _key_line(text, "solutions"))
        solutions = (root / head["solutions"]).resolve()
    entries = data.get("exercises")
    if not isinstance(entries, list) or not entries:
        raise PackError(manifest, "no exercises: add an [[exercises]] table per exercise, with name and class", _line_of(text, r"^\s*\[\[exercises\]\]"))
    exercises = [_exercise(root, manifest, text, index, entry, solutions) for index, entry in enumerate(entries)]
    names = [e.name for e in exercises]
    for name in names:
        if names.count(name) > 1:
            raise PackError(manifest, f"exercise {name!r} is listed twice", _line_of(text, rf'^\s*name\s*=\s*"{name}"'))
    points = data.get("points", {})
    if not isinstance(points, dict):
        raise PackError(manifest, "[points] must be a table: \"check id\" = points", _line_of(text, r"^\s*\[?points\]?"))
    for key, value in points.items():
        if type(value) not in (int, float) or value < 0:
            raise PackError(manifest, f"points for {key!r} must be a number >= 0, not {value!r}", _key_line(text, key))
        if key.split(".", 1)[0] not in names:
            raise PackError(manifest, f"points for {key!r}: no exercise {key.split('.', 1)[0]!r} in this pack", _key_line(text, key))
    return Pack(root, head["name"], head["version"], tuple(exercises), {k: float(v) for k, v in points.items()}, solutions)


def _exercise(root: Path, manifest: Path, text: str, index: int, entry: Any, solutions: Path | None) -> Exercise:
    where = _nth_line(text, r"^\s*\[\[exercises\]\]", index)
    if not isinstance(entry, dict):
        raise PackError(manifest, "each [[exercises]] entry must be a table", where)
    for key in entry:
        if key not in EXERCISE_KEYS:
            raise PackError(manifest, f"unknown key {key!r} in [[exercises]] (known: {', '.join(sorted(EXERCISE_KEYS))})", _key_line(text, key) or where)
    name, class_name = entry.get("name"), entry.get("class")
    if not isinstance(name, str) or not NAME.match(name):
        raise PackError(manifest, f"exercise name {name!r} must be a lower-case Python module name (the learner's NAME.py)", where)
    if not isinstance(class_name, str) or not CLASS.match(class_name):
        raise PackError(manifest, f"exercise {name!r} needs class = \"ClassName\" (the class the learner writes)", where)
    forbid = entry.get("forbid", [])
    if not isinstance(forbid, list) or any(f not in TRAPS for f in forbid):
        raise PackError(manifest, f"exercise {name!r}: forbid must list some of {list(TRAPS)}, not {forbid!r}", _key_line(text, "forbid") or where)
    folder = root / name
    if not folder.is_dir():
        raise PackError(folder, f"not found: exercise {name!r} needs its folder, with suite.py and probes.py", where)
    for required in ("suite.py", "probes.py"):
        path = folder / required
        if not path.is_file():
            raise PackError(path, f"not found: exercise {name!r} needs its {'hidden suite' if required == 'suite.py' else 'probes (worker side)'}")
        _compile(path)
    if (folder / "feedback.py").is_file():
        _compile(folder / "feedback.py")
    solution, text_path = (solutions / f"{name}.py", solutions / f"{name}.md") if solutions else (folder / "solution.py", folder / "text.md")
    return Exercise(name, class_name, folder, solution, text_path, tuple(forbid))


def _nth_line(text: str, pattern: str, n: int) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if re.search(pattern, line)]
    return lines[n] if n < len(lines) else 0


def _compile(path: Path) -> None:
    """A Python file of the pack that does not even parse is the author's error, named by line."""
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise PackError(path, f"syntax error: {exc.msg}", exc.lineno or 0) from None
    except ValueError as exc:
        raise PackError(path, f"cannot be compiled: {exc}") from None


def check(pack: Pack) -> list[Any]:
    """Collect the pack's suites and check its points overrides; the checks, or PackError.

    Imported here and not at the top: the worker reads manifests without pytest.
    """
    from grader.catalog import CollectionError, collect_checks

    try:
        checks = collect_checks(list(pack.exercises))
    except CollectionError as exc:
        raise PackError(_first_suite(str(exc), pack), str(exc)) from None
    for exercise in pack.exercises:
        if not any(c.exercise == exercise.name for c in checks):
            raise PackError(exercise.suite, "no check: mark at least one test with @check (grader.authoring)")
    ids = {c.id.split("[", 1)[0] for c in checks}
    for key in pack.points:
        if key not in ids:
            raise PackError(pack.manifest, f"points for {key!r}: no such check (the ids are {', '.join(sorted(ids))[:400]})",
                            _key_line(pack.manifest.read_text(encoding="utf-8"), key))
    return checks


def _first_suite(message: str, pack: Pack) -> Path:
    for exercise in pack.exercises:
        if str(exercise.suite) in message or f"{exercise.name}/suite.py" in message:
            return exercise.suite
    return pack.manifest


# -- the active pack ------------------------------------------------------------------------

_active: Pack | None = None


def default_root() -> Path:
    """The built-in pack, or the course's pack a bundled grader carries (`packs/DEFAULT`)."""
    if DEFAULT_MARKER.is_file():
        return (PACKS / DEFAULT_MARKER.read_text(encoding="utf-8").strip()).resolve()
    return BUILTIN


def active() -> Pack:
    """The pack being graded: the one `activate`d, else the default one."""
    global _active
    if _active is None:
        _active = load(default_root())
    return _active


def carried_files(chosen: Pack) -> dict[str, bytes]:
    """A pack's files to carry into a grader's source, by path relative to the pack: never its solutions."""
    solutions = {e.solution_path.resolve() for e in chosen.exercises if e.solution_path is not None}
    return {path.relative_to(chosen.root).as_posix(): path.read_bytes() for path in chosen.files()
            if path.is_relative_to(chosen.root) and path.resolve() not in solutions}


def activate(pack: Pack) -> Pack:
    global _active
    _active = pack
    _rules.clear()
    return pack


def find(start: Path) -> Path | None:
    """A pack named by the current directory: its own pack.toml."""
    return start if (start / MANIFEST).is_file() else None


def private_module(path: Path, kind: str, name: str) -> ModuleType:
    """Import one of a pack's files by path, under a name no learner module or other pack can have."""
    tag = hashlib.sha256(str(path.parent.parent).encode()).hexdigest()[:10]
    module_name = f"_grader_pack_{tag}_{name}_{kind}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


_rules: list[Callable[..., str | None]] = []


def feedback_rules() -> list[Callable[..., str | None]]:
    """The active pack's feedback RULES, every exercise's in the pack's order (judge side only)."""
    if not _rules:
        for exercise in active().exercises:
            if exercise.feedback is not None:
                _rules.extend(getattr(private_module(exercise.feedback, "feedback", exercise.name), "RULES", ()))
        _rules.append(lambda raised: None)  # loaded, even when no exercise has rules
    return _rules
