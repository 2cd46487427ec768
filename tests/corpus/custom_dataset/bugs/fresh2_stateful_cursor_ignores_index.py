# case: __getitem__ ignores idx and returns the sample at an internal cursor that advances each call
# kind: indexing
# names: index | shuffle | order | sample
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels
        self._cursor = 0

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.text)
        if not -n <= idx < n:
            raise IndexError(idx)
        i = self._cursor
        self._cursor = (self._cursor + 1) % n
        return {"Text": self.text[i], "Class": self.labels[i]}
