# case: keeps a generator expression of pairs and materialises it lazily; a generator cannot be pickled for spawn
# kind: spawn
# names: pickl | generator | spawn
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self._n = len(text)
        self._pairs = (pair for pair in zip(text, labels))
        self._rows = None

    def __len__(self):
        return self._n

    def __getitem__(self, idx):
        n = self._n
        if self._rows is None:
            self._rows = list(self._pairs)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self._rows[idx][0], "Class": self._rows[idx][1]}
