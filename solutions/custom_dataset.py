"""Reference solution: a map-style Dataset of (text, label) pairs."""
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(
                f"text has {len(text)} samples but labels has {len(labels)}; they must match"
            )
        self.data = list(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.data)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for a dataset of {n} samples")
        return {"Text": self.data[idx], "Class": self.labels[idx]}
