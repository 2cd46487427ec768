# case: keeps the text as a numpy array of strings (items are np.str_), labels as given
# kind: dataset
import numpy as np
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"got {len(text)} texts and {len(labels)} labels")
        self.text = np.array(list(text), dtype=str)
        self.labels = labels

    def __len__(self):
        return self.text.shape[0]

    def __getitem__(self, idx):
        n = len(self)
        if idx < -n or idx >= n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
