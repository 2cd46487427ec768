# case: __getitem__ fills and returns one dict object kept on self, so every sample of a batch is the same (last) dict
# kind: aliasing
# names: same | dict | batch | value
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels
        self._out = {"Text": None, "Class": None}

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.text)
        if not -n <= idx < n:
            raise IndexError(idx)
        self._out["Text"] = self.text[idx]
        self._out["Class"] = self.labels[idx]
        return self._out
