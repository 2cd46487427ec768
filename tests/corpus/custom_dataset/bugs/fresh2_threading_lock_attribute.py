# case: keeps a threading.Lock in the dataset "for thread safety", which cannot be pickled for worker processes
# kind: spawn
# names: pickl | lock | worker | spawn
import threading

from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        with self._lock:
            n = len(self.text)
            if not -n <= idx < n:
                raise IndexError(idx)
            return {"Text": self.text[idx], "Class": self.labels[idx]}
