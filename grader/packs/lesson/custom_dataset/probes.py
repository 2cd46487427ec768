"""Probes for exercise 3, `custom_dataset.CustomDataset`."""
from __future__ import annotations

import contextlib
import importlib
import pickle
import sys
from typing import Any, Iterator

from grader.authoring import build_loader, Learner, LearnerError, ProbeFailure

MODULE, CLASS = "custom_dataset", "CustomDataset"


def construct(learner: Learner, text: list[str], labels: Any) -> Any:
    cls = learner.cls(MODULE, CLASS)
    return learner.call(f"{CLASS}(text, labels)", cls, text, labels)


def probe_len(learner: Learner, text: list[str], labels: Any) -> Any:
    dataset = construct(learner, text, labels)
    return learner.call(f"len({CLASS})", len, dataset)


def probe_items(learner: Learner, text: list[str], labels: Any, indices: list[int]) -> list[dict[str, Any]]:
    """`dataset[i]` for each index: the value, or the exception it raised."""
    dataset = construct(learner, text, labels)
    outcomes = []
    for index in indices:
        try:
            outcomes.append({"index": index, "value": learner.call(f"{CLASS}.__getitem__({index})", dataset.__getitem__, index)})
        except LearnerError as exc:
            outcomes.append({"index": index, "error": exc.info})
    return outcomes


def probe_mismatch(learner: Learner, text: list[str], labels: Any) -> dict[str, Any]:
    """Construct with sequences of different lengths and report what was raised."""
    try:
        construct(learner, text, labels)
    except LearnerError as exc:
        return {"raised": True, **exc.info}
    return {"raised": False}


def probe_two_datasets(learner: Learner, first: tuple[list[str], list[str]], second: tuple[list[str], list[str]], indices: list[int]) -> dict[str, Any]:
    """Two datasets built one after the other: what each gives afterwards, and its length."""
    a = construct(learner, *first)
    b = construct(learner, *second)
    return {
        "first": [learner.call(f"first_dataset[{i}]", a.__getitem__, i) for i in indices],
        "second": [learner.call(f"second_dataset[{i}]", b.__getitem__, i) for i in indices],
        "lengths": [learner.call("len(first_dataset)", len, a), learner.call("len(second_dataset)", len, b)],
    }


def probe_loader(learner: Learner, text: list[str], labels: Any, options: dict[str, Any]) -> list[Any]:
    dataset = construct(learner, text, labels)
    learner.point_at(getattr(type(dataset), "__getitem__", None))  # what a loader mostly calls
    if options.get("context") == "spawn":
        data = pickled(learner, dataset)
        with fresh_import(learner):
            dataset = learner.call("unpickling your dataset after a fresh import of custom_dataset.py ('spawn' does this)", pickle.loads, data)
            loader = build_loader(dataset, {**options, "context": "fork"}, len(text))
            return learner.call(SPAWN_DURING, list, loader)
    loader = build_loader(dataset, options, len(text))
    return learner.call("iterating the DataLoader over your dataset", list, loader)


SPAWN_DURING = "iterating the DataLoader ('spawn': your dataset unpickled after a fresh import of custom_dataset.py)"


@contextlib.contextmanager
def fresh_import(learner: Learner) -> Iterator[None]:
    """While inside, the learner's modules are not imported: unpickling imports them anew.

    That is what a 'spawn' worker sees: a new interpreter where the module's top level has
    just run, so samples kept in a module-level dict or a class attribute are not there.
    A real 'spawn' would start an interpreter per loader worker (and `import torch` in each,
    over a second); this process with the learner's modules taken out of `sys.modules` sees
    the same module state in milliseconds. The originals are put back for the other checks.
    """
    saved = {name: module for name, module in list(sys.modules.items()) if learner.owns(module)}
    for name in saved:
        del sys.modules[name]
    importlib.invalidate_caches()
    try:
        yield
    finally:
        for name in [name for name, module in list(sys.modules.items()) if learner.owns(module)]:
            del sys.modules[name]
        sys.modules.update(saved)


def pickled(learner: Learner, dataset: Any) -> bytes:
    """The dataset as DataLoader's 'spawn' start method sends it to each worker (ForkingPickler)."""
    from multiprocessing.reduction import ForkingPickler

    module = type(dataset).__module__
    if module in ("__main__", "__mp_main__") or "<locals>" in type(dataset).__qualname__:
        raise ProbeFailure("spawn", f"{CLASS} must be defined at the top level of {MODULE}.py for the 'spawn' start method")
    return bytes(learner.call("pickling your dataset (DataLoader's 'spawn' start method does this)", ForkingPickler.dumps, dataset))
