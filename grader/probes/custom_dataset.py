"""Probes for exercise 3, `custom_dataset.CustomDataset`."""
from __future__ import annotations

import pickle
from typing import Any

from grader.probes.loader_options import build_loader
from grader.worker.learner import Learner, LearnerError, ProbeFailure

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


def probe_loader(learner: Learner, text: list[str], labels: Any, options: dict[str, Any]) -> list[Any]:
    dataset = construct(learner, text, labels)
    if options.get("context") == "spawn":
        dataset = as_spawn_would_see_it(learner, dataset)
        options = {**options, "context": "fork"}
    loader = build_loader(dataset, options, len(text))
    return learner.call("iterating the DataLoader over your dataset", list, loader)


def as_spawn_would_see_it(learner: Learner, dataset: Any) -> Any:
    """The dataset after the round trip that DataLoader's 'spawn' start method makes.

    With "spawn", each loader worker is a new interpreter that receives the dataset pickled
    by multiprocessing's ForkingPickler and imports its class by module name. Doing the
    same round trip here, then loading in forked workers, tests exactly that without paying
    for a fresh interpreter (and its `import torch`) per submission.
    """
    from multiprocessing.reduction import ForkingPickler

    data = learner.call("pickling your dataset (DataLoader's 'spawn' start method does this)", ForkingPickler.dumps, dataset)
    module = type(dataset).__module__
    if module in ("__main__", "__mp_main__") or "<locals>" in type(dataset).__qualname__:
        raise ProbeFailure("spawn", f"{CLASS} must be defined at the top level of {MODULE}.py for the 'spawn' start method")
    return learner.call("unpickling your dataset (DataLoader's 'spawn' start method does this)", pickle.loads, bytes(data))
