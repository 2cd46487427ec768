# case: subclasses both Dataset and collections.abc.Sequence (an ABC mixin); samples kept as two lists
# kind: dataset
from collections.abc import Sequence

from torch.utils.data import Dataset


class CustomDataset(Dataset, Sequence):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError("length mismatch: %d texts vs %d labels" % (len(text), len(labels)))
        self.text = list(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx) -> dict:
        n = len(self.text)
        if idx < 0:
            idx += n
        if not 0 <= idx < n:
            raise IndexError("CustomDataset index out of range")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
