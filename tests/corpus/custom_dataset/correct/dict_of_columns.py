# case: keeps a dict of two columns {"Text": [...], "Class": ...}; len from the Text column
# kind: dataset
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"{len(text)} != {len(labels)}: text and labels must have the same length")
        self.columns = {"Text": list(text), "Class": labels}

    def __len__(self):
        return len(self.columns["Text"])

    def __getitem__(self, idx):
        n = len(self)
        if idx < 0:
            idx = n + idx
        if idx < 0 or idx >= n:
            raise IndexError(idx)
        return {key: column[idx] for key, column in self.columns.items()}
