"""Importing the learner's modules and describing what went wrong in their terms."""
from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import linecache
import os
import re
import sys
import traceback
from types import ModuleType
from typing import Any, Callable

from grader.worker.traps import ForbiddenCall

MAX_MESSAGE_CHARS = 2000
MAX_FRAMES = 8


class ProbeFailure(Exception):
    """The learner's code broke the contract in a way a probe can name (missing class, ...)."""

    def __init__(self, kind: str, message: str, **details: Any):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details = details


class LearnerError(Exception):
    """The learner's code raised while the probe was calling it."""

    def __init__(self, during: str, exc: BaseException, submission_dir: str):
        super().__init__(during)
        self.during = during
        self.info = describe_exception(exc, submission_dir)


def safe_text(produce: Callable[[], Any], limit: int = MAX_MESSAGE_CHARS) -> str:
    """Call learner-controlled `__str__`/`__repr__` without letting it break the worker."""
    try:
        text = str(produce())
    except BaseException as exc:  # learner's __str__ may raise anything
        text = f"<unprintable: {type(exc).__name__}>"
    if len(text) > limit:
        text = text[:limit] + f"... [{len(text) - limit} more characters]"
    return text


def _in_submission(filename: str, submission_dir: str) -> bool:
    try:
        path = os.path.realpath(filename)
    except (TypeError, ValueError):
        return False
    return path.startswith(submission_dir + os.sep)


def learner_frames(tb, submission_dir: str) -> list[dict[str, Any]]:
    """The traceback frames that lie in the learner's own files, innermost last."""
    frames = []
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if _in_submission(filename, submission_dir):
            frames.append(
                {
                    "file": os.path.relpath(os.path.realpath(filename), submission_dir),
                    "line": lineno,
                    "function": frame.f_code.co_name,
                    "code": linecache.getline(filename, lineno).strip()[:300],
                }
            )
    return frames[-MAX_FRAMES:]


LOADER_TRACEBACK = re.compile(r"Caught (\w+) in DataLoader worker process \d+\.\s*Original Traceback \(most recent call last\):\n(.*)", re.S)
TRACEBACK_FRAME = re.compile(r'^  File "(.+)", line (\d+), in (.+)$')


def loader_worker_error(message: str, submission_dir: str) -> tuple[str, list[dict[str, Any]]] | None:
    """The learner's own message and frames out of the text a DataLoader worker sends back.

    DataLoader re-raises a worker's exception with the whole formatted traceback as its
    message, full of torch's and the grader's paths; the learner needs only their frames.
    """
    found = LOADER_TRACEBACK.search(message)
    if not found:
        return None
    lines = found.group(2).rstrip().splitlines()
    frames = []
    for number, line in enumerate(lines):
        frame = TRACEBACK_FRAME.match(line)
        if frame and _in_submission(frame.group(1), submission_dir):
            code = lines[number + 1].strip() if number + 1 < len(lines) and not TRACEBACK_FRAME.match(lines[number + 1]) else ""
            frames.append({
                "file": os.path.relpath(os.path.realpath(frame.group(1)), submission_dir),
                "line": int(frame.group(2)), "function": frame.group(3), "code": code[:300],
            })
    last = lines[-1] if lines else ""
    text = last.split(": ", 1)[1] if ": " in last else ""
    return text, frames[-MAX_FRAMES:]


def _raised_by_learner(exc: BaseException, submission_dir: str) -> bool:
    """Whether the innermost frame of the traceback is the learner's (their own `raise`)."""
    innermost = None
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        innermost = frame
    return innermost is not None and _in_submission(innermost.f_code.co_filename, submission_dir)


def describe_exception(exc: BaseException, submission_dir: str) -> dict[str, Any]:
    frames = learner_frames(exc.__traceback__, submission_dir)
    if isinstance(exc, SyntaxError) and exc.filename and _in_submission(exc.filename, submission_dir):
        frames.append(
            {
                "file": os.path.relpath(os.path.realpath(exc.filename), submission_dir),
                "line": exc.lineno or 0,
                "function": "<module>",
                "code": (exc.text or "").strip()[:300],
            }
        )
    message = safe_text(lambda: exc.msg if isinstance(exc, SyntaxError) else exc)
    from_loader = loader_worker_error(message, submission_dir)
    if from_loader is not None:
        message, frames = from_loader[0], from_loader[1] or frames
    return {
        "exc_type": type(exc).__name__,
        "message": message,
        "frames": frames,
        # torch raises NotImplementedError too (a meta tensor copied out): only the learner's own is a stub
        "not_implemented": isinstance(exc, NotImplementedError) and _raised_by_learner(exc, submission_dir),
        "forbidden": exc.name if isinstance(exc, ForbiddenCall) else None,
    }


def where_defined(obj: Any, submission_dir: str) -> dict[str, Any] | None:
    """File and line where a learner's function or class is defined, if it is theirs.

    Asked before every call into learner code, so the file is checked first and a function's
    line read from its code object: parsing torch's own source for `module.to` took 1.5 ms.
    """
    try:
        target = inspect.unwrap(obj)
        code = getattr(target, "__code__", None)
        filename = code.co_filename if code is not None else inspect.getsourcefile(target)
        if not filename or not _in_submission(filename, submission_dir):
            return None
        line = code.co_firstlineno if code is not None else inspect.getsourcelines(target)[1]
    except (TypeError, OSError, ValueError, AttributeError):
        return None
    return {"file": os.path.relpath(os.path.realpath(filename), submission_dir), "line": max(line, 1)}


class Learner:
    """The learner's submission as seen from inside the worker."""

    def __init__(self, submission_dir: str):
        self.submission_dir = os.path.realpath(submission_dir)
        self.last_called: dict[str, Any] | None = None
        self.caveat = ""  # said with a failure: e.g. the object was built without its __init__
        if self.submission_dir not in sys.path:
            sys.path.insert(0, self.submission_dir)

    def owns(self, module: Any) -> bool:
        """Whether `module` was imported from the submission (the learner's own code)."""
        filename = getattr(module, "__file__", None)
        return isinstance(filename, str) and _in_submission(filename, self.submission_dir)

    def module(self, name: str) -> ModuleType:
        """Import (once) the learner's module `name` from the submission directory."""
        if name in sys.modules:
            return sys.modules[name]
        path = os.path.join(self.submission_dir, name + ".py")
        if not os.path.isfile(path) or os.path.islink(path):
            raise ProbeFailure("missing_file", f"file {name}.py not found", file=name + ".py")
        # From that file and no other: a package `name/`, a `name.so` or a `name.pyc` beside it
        # would win a search of sys.path (the judge leaves them out of the copy, too).
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # as import does: the module can import itself, pickle finds it
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:
            sys.modules.pop(name, None)
            raise LearnerError(f"importing {name}.py", exc, self.submission_dir) from None
        return sys.modules.get(name, module)

    def cls(self, module_name: str, class_name: str) -> type:
        module = self.module(module_name)
        found = module.__dict__.get(class_name)
        if isinstance(found, type):
            return found
        classes = sorted(n for n, v in vars(module).items() if isinstance(v, type) and getattr(v, "__module__", None) == module_name)
        close = [n for n in classes if n.lower() == class_name.lower()]
        close += difflib.get_close_matches(class_name, [n for n in classes if n not in close], n=2, cutoff=0.6)
        raise ProbeFailure(
            "missing_class",
            f"no class {class_name} in {module_name}.py",
            expected=class_name,
            file=module_name + ".py",
            similar=close,
            classes=classes[:20],
        )

    def point_at(self, fn: Any) -> None:
        """Name `fn` (a learner's method) as the place a failure of what follows points to."""
        self.last_called = where_defined(fn, self.submission_dir) or self.last_called

    def call(self, during: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call learner code; any exception becomes a LearnerError that names `during`."""
        target = fn.__init__ if isinstance(fn, type) and "__init__" in vars(fn) else fn  # a constructor: its __init__
        self.last_called = where_defined(target, self.submission_dir) or self.last_called
        try:
            return fn(*args, **kwargs)
        except ProbeFailure:
            raise
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: fail this check only
            raise LearnerError(during, exc, self.submission_dir) from None
