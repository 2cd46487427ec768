# case: explicit __getstate__/__setstate__ that pickle the samples as plain lists and rebuild a lookup on unpickling
# kind: spawn
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"{len(text)} != {len(labels)}: text and labels differ in length")
        self._text = list(text)
        self._labels = labels
        self._rebuild()

    def _rebuild(self):
        self._n = len(self._text)

    def __getstate__(self):
        return {"text": self._text, "labels": self._labels}

    def __setstate__(self, state):
        self._text = state["text"]
        self._labels = state["labels"]
        self._rebuild()

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, idx: int) -> dict:
        if idx >= self._n or idx < -self._n:
            raise IndexError(idx)
        return {"Text": self._text[idx], "Class": self._labels[idx]}
