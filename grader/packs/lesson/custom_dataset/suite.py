"""Hidden suite for exercise 3, `custom_dataset.CustomDataset`, against the reference DataLoader."""
from typing import Any

import torch

from grader.authoring import as_plain, build_loader, check, CheckFailed, describe_error, describe_value, expect_same_batches, fail, LearnerClient, location_of, render, sample_cause, sanitize_error, show

TEXT = ["Happy", "Amazing", "Sad", "Unhappy", "Glum", "Joyful", "Gloomy"]
LABELS = ["Positive", "Positive", "Negative", "Negative", "Negative", "Positive", "Negative"]
N = len(TEXT)


def reference_batches(options: dict[str, Any], labels: Any = LABELS) -> list[Any]:
    """What torch's DataLoader yields over the same samples held in a plain list."""
    samples = [{"Text": TEXT[i], "Class": labels[i]} for i in range(N)]
    return list(build_loader(samples, options, N, reference=True))


def loader_check(learner: LearnerClient, options: dict[str, Any], what: str, labels: Any = LABELS) -> None:
    observed = learner.probe("loader", text=TEXT, labels=labels, options=options)
    expect_same_batches(observed, reference_batches(options, labels), what)


@check("len(dataset) is the number of samples")
def test_len(learner: LearnerClient):
    length = learner.probe("len", text=TEXT, labels=LABELS)
    if length != N:
        fail(f"len(CustomDataset(text, labels)) for {N} samples returned {describe_value(length)}, expected {N}.")


def items(learner: LearnerClient, indices: list[int], labels: Any = LABELS) -> list[tuple[int, dict[str, Any]]]:
    """(i, what dataset[i] did) for each index the judge chose, in the judge's order."""
    outcomes = learner.probe("items", text=TEXT, labels=labels, indices=indices)
    if not isinstance(outcomes, list) or [o.get("index") if isinstance(o, dict) else None for o in outcomes] != indices:
        fail("dataset[i] was not answered for every index the grader asked for.", category="incomplete reply")
    for outcome in outcomes:
        if "error" in outcome:
            outcome["error"] = sanitize_error(outcome["error"])
    return list(zip(indices, outcomes))


def expect_item(index: int, outcome: dict[str, Any], expected: dict[str, Any]) -> None:
    if "error" in outcome:
        fail(describe_error({**outcome["error"], "kind": "exception", "during": f"dataset[{index}]"}), location_of(outcome["error"]))
    value = outcome.get("value")
    if not isinstance(value, dict):
        fail(f"dataset[{index}] should be a dict, but it is {describe_value(value)}.")
    if sorted(value) != ["Class", "Text"]:
        fail(f"dataset[{index}] has the keys {sorted(value)}; expected exactly 'Text' and 'Class' (spelled this way, capitalised).",
             category="wrong keys", cause=f"sample keys {sorted(value)}")
    if show(value) != show(expected):
        fail(f"dataset[{index}] is {show(value)}; expected {show(expected)}.", cause=sample_cause(as_plain(value), as_plain(expected)))


@check("dataset[i] is {'Text': text[i], 'Class': labels[i]}", points=2)
def test_getitem(learner: LearnerClient):
    for i, outcome in items(learner, list(range(N))):
        expect_item(i, outcome, {"Text": TEXT[i], "Class": LABELS[i]})


@check("negative indices count from the end, as for a list")
def test_getitem_negative(learner: LearnerClient):
    for i, outcome in items(learner, [-1, -N]):
        expect_item(i, outcome, {"Text": TEXT[i], "Class": LABELS[i]})


@check("an index out of range raises IndexError")
def test_getitem_out_of_range(learner: LearnerClient):
    for i, outcome in items(learner, [N, N + 3, -N - 1]):
        raised = (outcome.get("error") or {}).get("exc_type")
        if raised != "IndexError":
            got = f"raised {raised}" if raised else f"returned {show(outcome.get('value'))}"
            fail(f"dataset[{i}] for a dataset of {N} samples {got}; it should raise IndexError (a DataLoader and a for loop rely on it).")


@check("text and labels of different lengths raise ValueError naming both lengths")
def test_length_mismatch(learner: LearnerClient):
    outcome = learner.probe("mismatch", text=TEXT, labels=LABELS[:4])
    if not isinstance(outcome, dict) or outcome.get("raised") is not True:
        fail(f"CustomDataset(text, labels) with {N} texts and 4 labels raised nothing; it should raise ValueError.")
    outcome = sanitize_error(outcome)
    if outcome.get("not_implemented"):
        fail(describe_error({**outcome, "kind": "exception", "during": "CustomDataset(text, labels)"}), location_of(outcome), category="not implemented yet")
    if outcome["exc_type"] != "ValueError":
        fail(f"CustomDataset(text, labels) with {N} texts and 4 labels raised {outcome['exc_type']}: {outcome['message']}; it should raise ValueError.")
    if str(N) not in outcome["message"] or "4" not in outcome["message"]:
        fail(f"the ValueError says {outcome['message']!r}; name both lengths ({N} and 4) so that the user sees what is wrong.")


@check("labels given as a 1-d tensor work")
def test_labels_tensor(learner: LearnerClient):
    labels = torch.tensor([1, 1, 0, 0, 0, 1, 0])
    for i, outcome in items(learner, list(range(N)), labels=labels):
        expect_item(i, outcome, {"Text": TEXT[i], "Class": labels[i]})


OTHER_TEXT = ["Bright", "Dull", "Cheerful"]
OTHER_LABELS = ["Positive", "Negative", "Positive"]


@check("two datasets built one after the other keep their own samples")
def test_two_datasets(learner: LearnerClient):
    indices = [0, 1, 2]
    seen = learner.probe("two_datasets", first=(TEXT, LABELS), second=(OTHER_TEXT, OTHER_LABELS), indices=indices)
    if seen["lengths"] != [N, len(OTHER_TEXT)]:
        fail(f"after building a second dataset of {len(OTHER_TEXT)} samples, len() of the first ({N} samples) and of the second give "
             f"{render(seen['lengths'])}; expected [{N}, {len(OTHER_TEXT)}].", cause="shared state")
    for name, got, text, labels in (("first", seen["first"], TEXT, LABELS), ("second", seen["second"], OTHER_TEXT, OTHER_LABELS)):
        for i, value in zip(indices, got):
            expected = {"Text": text[i], "Class": labels[i]}
            if isinstance(value, dict) and sorted(value) != ["Class", "Text"]:
                expect_item(i, {"value": value}, expected)  # wrong keys: explained with the other checks that meet them
            if show(value) != show(expected):
                other, other_name = ((OTHER_TEXT, OTHER_LABELS), "second") if name == "first" else ((TEXT, LABELS), "first")
                shared = i < len(other[0]) and show(value) == show({"Text": other[0][i], "Class": other[1][i]})
                hint = (f" It is the {other_name} dataset's sample: the datasets share their samples through module-level or class-level "
                        "state (a global variable, a class attribute, a cache on the class). Keep each dataset's samples on the instance "
                        "(self.text = ...).") if shared else ""
                fail(f"with two datasets built one after the other, the {name} dataset's [{i}] is {show(value)}; expected {show(expected)}.{hint}",
                     category="shared state" if shared else "wrong result", cause="shared state" if shared else "")


@check("DataLoader(batch_size=2) gives the lesson's batches")
def test_loader_batches(learner: LearnerClient):
    loader_check(learner, {"batch_size": 2}, "DataLoader(dataset, batch_size=2)")


@check("DataLoader(shuffle=True) with a seeded generator matches the reference order")
def test_loader_shuffle(learner: LearnerClient):
    loader_check(learner, {"batch_size": 3, "shuffle": True, "seed": 7}, "DataLoader(dataset, batch_size=3, shuffle=True, generator=seeded)")


@check("DataLoader with a sampler matches the reference")
def test_loader_sampler(learner: LearnerClient):
    loader_check(learner, {"batch_size": 2, "sampler": {"kind": "indices", "indices": [6, 0, 3, 3, 1]}}, "DataLoader(dataset, sampler=[6, 0, 3, 3, 1])")
    loader_check(learner, {"batch_size": 2, "sampler": {"kind": "subset_random", "indices": [1, 2, 4, 5], "seed": 3}}, "DataLoader(dataset, sampler=SubsetRandomSampler)")


@check("DataLoader with a batch_sampler matches the reference")
def test_loader_batch_sampler(learner: LearnerClient):
    loader_check(learner, {"batch_sampler": {"kind": "batches", "batches": [[4, 2], [0], [6, 5, 1]]}}, "DataLoader(dataset, batch_sampler=[[4, 2], [0], [6, 5, 1]])")


@check("DataLoader(drop_last=True) drops the incomplete last batch")
def test_loader_drop_last(learner: LearnerClient):
    loader_check(learner, {"batch_size": 3, "drop_last": True}, "DataLoader(dataset, batch_size=3, drop_last=True)")


@check("DataLoader with a custom collate_fn matches the reference")
def test_loader_collate_fn(learner: LearnerClient):
    loader_check(learner, {"batch_size": 3, "collate": "pairs"}, "DataLoader(dataset, batch_size=3, collate_fn=pairs)")


@check("DataLoader(num_workers=2) loads in worker processes", timeout=60)
def test_loader_workers(learner: LearnerClient):
    loader_check(learner, {"batch_size": 2, "shuffle": True, "seed": 11, "num_workers": 2, "context": "fork"}, "DataLoader(dataset, batch_size=2, shuffle=True, num_workers=2)")


FRESH_IMPORT_HINT = (
    " With 'spawn', each loader worker is a new Python process: it imports custom_dataset.py afresh and unpickles the "
    "dataset, so anything kept in module-level variables or class attributes is back at its initial value there. "
    "Keep the samples on the instance (self.text = ..., self.labels = ...)."
)


@check("DataLoader with the 'spawn' start method: the dataset survives pickling and a fresh import", timeout=60)
def test_loader_spawn(learner: LearnerClient):
    # a dataset that is wrong without any worker is wrong for that reason, not for 'spawn'
    loader_check(learner, {"batch_size": 2}, "DataLoader(dataset, batch_size=2)")
    try:
        loader_check(learner, {"batch_size": 2, "num_workers": 2, "context": "spawn"}, "DataLoader(dataset, batch_size=2, num_workers=2, multiprocessing_context='spawn')")
    except CheckFailed as failure:
        if failure.category == "batches differ from the reference" and not failure.cause.startswith("sample keys"):
            failure.message += FRESH_IMPORT_HINT  # an exception after the fresh import is explained by feedback.py
            failure.category = "shared state"
        raise


@check("end to end: tensor labels, shuffled and default-collated like the reference")
def test_loader_end_to_end(learner: LearnerClient):
    labels = torch.tensor([1, 1, 0, 0, 0, 1, 0])
    loader_check(learner, {"batch_size": 2, "shuffle": True, "seed": 5, "drop_last": True}, "DataLoader(dataset with tensor labels, batch_size=2, shuffle=True, drop_last=True)", labels=labels)
