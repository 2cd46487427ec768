"""Importing the learner's modules and describing what went wrong in their terms."""
from __future__ import annotations

import difflib
import importlib
import inspect
import linecache
import os
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
    return {
        "exc_type": type(exc).__name__,
        "message": safe_text(lambda: exc.msg if isinstance(exc, SyntaxError) else exc),
        "frames": frames,
        "not_implemented": isinstance(exc, NotImplementedError),
        "forbidden": exc.name if isinstance(exc, ForbiddenCall) else None,
    }


def where_defined(obj: Any, submission_dir: str) -> dict[str, Any] | None:
    """File and line where a learner's function or class is defined, if it is theirs."""
    try:
        target = inspect.unwrap(obj)
        filename = inspect.getsourcefile(target)
        _, line = inspect.getsourcelines(target)
    except (TypeError, OSError, ValueError):
        return None
    if not filename or not _in_submission(filename, submission_dir):
        return None
    return {"file": os.path.relpath(os.path.realpath(filename), submission_dir), "line": max(line, 1)}


class Learner:
    """The learner's submission as seen from inside the worker."""

    def __init__(self, submission_dir: str):
        self.submission_dir = os.path.realpath(submission_dir)
        self.last_called: dict[str, Any] | None = None
        if self.submission_dir not in sys.path:
            sys.path.insert(0, self.submission_dir)

    def module(self, name: str) -> ModuleType:
        """Import (once) the learner's module `name` from the submission directory."""
        if name in sys.modules:
            return sys.modules[name]
        path = os.path.join(self.submission_dir, name + ".py")
        if not os.path.isfile(path):
            raise ProbeFailure("missing_file", f"file {name}.py not found", file=name + ".py")
        try:
            return importlib.import_module(name)
        except BaseException as exc:
            sys.modules.pop(name, None)
            raise LearnerError(f"importing {name}.py", exc, self.submission_dir) from None

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

    def call(self, during: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call learner code; any exception becomes a LearnerError that names `during`."""
        target = fn.__init__ if isinstance(fn, type) and "__init__" in vars(fn) else fn  # a constructor: its __init__
        self.last_called = where_defined(target, self.submission_dir)
        try:
            return fn(*args, **kwargs)
        except ProbeFailure:
            raise
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: fail this check only
            raise LearnerError(during, exc, self.submission_dir) from None
