"""Probes for exercise 3, `custom_dataset.CustomDataset`."""
from __future__ import annotations

from typing import Any

import torch

from grader.probes.loader_options import build_loader
from grader.worker.learner import Learner, LearnerError

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
    loader = build_loader(dataset, options, len(text))
    return learner.call("iterating the DataLoader over your dataset", list, loader)
