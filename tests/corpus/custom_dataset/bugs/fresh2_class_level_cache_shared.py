# case: samples memoised in a class-level dict keyed by index, so a second dataset returns the first one's samples
# kind: dataset
# names: cache | class attribute | shared | instance | other dataset
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    _cache = {}

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.text)
        if not -n <= idx < n:
            raise IndexError(idx)
        idx %= n
        if idx not in self._cache:
            self._cache[idx] = {"Text": self.text[idx], "Class": self.labels[idx]}
        return dict(self._cache[idx])
