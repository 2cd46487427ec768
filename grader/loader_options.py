"""DataLoader options described as plain data, so that judge and worker build the same loader.

A neutral module: the judge imports it without importing any worker code.

The judge builds its reference loader over a plain list of samples; the worker builds one
over the learner's dataset. Collate functions live at module level so that the "spawn"
start method can pickle them.
"""
from __future__ import annotations

from typing import Any

import torch
from torch.utils.data import BatchSampler, DataLoader, SequentialSampler, SubsetRandomSampler


def collate_pairs(batch: list[dict[str, Any]]) -> list[list[Any]]:
    """A custom collate: keep each sample as a [text, class] pair."""
    return [[sample["Text"], sample["Class"]] for sample in batch]


COLLATE_FUNCTIONS = {"pairs": collate_pairs}
LOADER_TIMEOUT_S = 30


def _generator(seed: int | None) -> torch.Generator | None:
    return None if seed is None else torch.Generator().manual_seed(seed)


def _sampler(spec: dict[str, Any] | None, length: int):
    if spec is None:
        return None
    if spec["kind"] == "indices":
        return list(spec["indices"])
    if spec["kind"] == "subset_random":
        return SubsetRandomSampler(spec["indices"], generator=_generator(spec["seed"]))
    if spec["kind"] == "sequential":
        return SequentialSampler(range(length))
    raise ValueError(f"unknown sampler {spec['kind']!r}")


def _batch_sampler(spec: dict[str, Any] | None, length: int):
    if spec is None:
        return None
    if spec["kind"] == "batches":
        return [list(batch) for batch in spec["batches"]]
    if spec["kind"] == "batch":
        return BatchSampler(_sampler(spec["sampler"], length), batch_size=spec["batch_size"], drop_last=spec["drop_last"])
    raise ValueError(f"unknown batch sampler {spec['kind']!r}")


def build_loader(dataset: Any, options: dict[str, Any], length: int, *, reference: bool = False) -> DataLoader:
    """A DataLoader for `options`; the reference loader always runs in-process."""
    kwargs: dict[str, Any] = {}
    batch_sampler = _batch_sampler(options.get("batch_sampler"), length)
    if batch_sampler is not None:
        kwargs["batch_sampler"] = batch_sampler
    else:
        kwargs["batch_size"] = options.get("batch_size", 1)
        kwargs["shuffle"] = options.get("shuffle", False)
        kwargs["drop_last"] = options.get("drop_last", False)
        sampler = _sampler(options.get("sampler"), length)
        if sampler is not None:
            kwargs["sampler"] = sampler
    if options.get("collate"):
        kwargs["collate_fn"] = COLLATE_FUNCTIONS[options["collate"]]
    kwargs["generator"] = _generator(options.get("seed"))
    workers = 0 if reference else options.get("num_workers", 0)
    if workers:
        kwargs["num_workers"] = workers
        kwargs["multiprocessing_context"] = options.get("context")
        kwargs["timeout"] = LOADER_TIMEOUT_S  # DataLoader waits forever by default when a worker hangs
    return DataLoader(dataset, **kwargs)
