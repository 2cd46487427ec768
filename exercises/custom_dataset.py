"""Exercise 3: CustomDataset, a map-style Dataset for DataLoader.

In the lesson a `Dataset` says how many samples there are (`__len__`) and what one
sample looks like (`__getitem__`); a `DataLoader` then batches, shuffles and loads
them, possibly in worker processes.

Contract (the grader checks exactly this):

- `CustomDataset(text, labels)`: `text` and `labels` are sequences of equal length
  (lists or tuples; `labels` may also be a 1-d tensor). If the lengths differ, raise
  `ValueError` with a message that names both lengths.
- `len(ds)` is the number of samples.
- `ds[i]` is `{"Text": text[i], "Class": labels[i]}`: exactly these two keys, spelled
  this way. A negative `i` counts from the end, as for a list; `i >= len(ds)` or
  `i < -len(ds)` raises `IndexError`.
- It must work with every `DataLoader` option a map-style dataset supports:
  `batch_size`, `shuffle`, `sampler`, `batch_sampler`, `drop_last`, `collate_fn`, and
  `num_workers > 0` including the "spawn" start method, so the dataset must be
  picklable: keep no lambdas, open files or generators in it.

With the default collate, a batch of 2 from
`CustomDataset(["Happy", "Amazing"], ["Positive", "Positive"])` is
`{"Text": ["Happy", "Amazing"], "Class": ["Positive", "Positive"]}`.

Note: the class must be named exactly `CustomDataset`.

Run `grade exercises/` to check your work.
"""
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        # TODO: check the lengths and keep the samples.
        raise NotImplementedError("CustomDataset.__init__")

    def __len__(self) -> int:
        # TODO: the number of samples
        raise NotImplementedError("CustomDataset.__len__")

    def __getitem__(self, idx: int) -> dict:
        # TODO: {"Text": ..., "Class": ...}
        raise NotImplementedError("CustomDataset.__getitem__")


if __name__ == "__main__":
    # Try it: the lesson's example, batched by a DataLoader.
    from torch.utils.data import DataLoader

    text = ["Happy", "Amazing", "Sad", "Unhappy", "Glum"]
    labels = ["Positive", "Positive", "Negative", "Negative", "Negative"]
    dataset = CustomDataset(text, labels)
    print(len(dataset), dataset[0], dataset[-1])
    loader = DataLoader(dataset, batch_size=2, shuffle=True)
    print(next(iter(loader)))  # e.g. {'Text': ['Glum', 'Sad'], 'Class': ['Negative', 'Negative']}
    for batch in loader:
        print(batch)
