# case: converts tensor indices with int() and keeps text as a tuple, labels untouched
# kind: indexing
import torch
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError("text has length {} and labels has length {}".format(len(text), len(labels)))
        self.text = tuple(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = int(idx.item())
        if idx >= len(self) or idx < -len(self):
            raise IndexError("dataset index out of range")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
