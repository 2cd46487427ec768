"""Feedback rules for custom_dataset: CustomDataset with DataLoader: state lost after a fresh import ('spawn'), unpicklable datasets, wrong sample keys.

Each rule gets what the learner's code raised (`Raised`) and returns a paragraph naming the
mistake, or None. The active pack's rules are tried before the grader's generic ones.
"""
from __future__ import annotations


from grader.authoring import Raised


def _lost_after_fresh_import(e: Raised) -> str | None:
    if "fresh import" in e.during and e.exc_type in ("KeyError", "IndexError", "AttributeError", "TypeError", "ValueError"):
        return (
            f"{e.during} raised {e.exc_type}: {e.message}. With 'spawn', each loader worker is a new Python process: it "
            "imports your module afresh and unpickles the dataset, so anything kept in module-level variables or class "
            "attributes (shared state) is back at its initial value there. Keep the samples on the instance "
            "(self.text = ..., self.labels = ...)."
        )
    return None


def _not_picklable(e: Raised) -> str | None:
    if "pickl" in e.message.lower() or "pickl" in e.during:
        return (
            f"{e.during} failed because your dataset cannot be pickled ({e.exc_type}: {e.message}). "
            "With num_workers > 0 and the 'spawn' start method, the dataset is pickled: keep no lambdas, "
            "open files or generators in it."
        )
    return None


def _sample_key_missing(e: Raised) -> str | None:
    if e.exc_type == "KeyError" and "DataLoader" in e.during:
        return (
            f"{e.during} failed: a sample has no key {e.message}. Each `dataset[i]` must be a dict with "
            "exactly the keys 'Text' and 'Class'."
        )
    return None


RULES = (_lost_after_fresh_import, _not_picklable, _sample_key_missing,)
