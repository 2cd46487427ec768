# case: opens a log file in __init__ and keeps the handle on the dataset (not picklable)
# kind: spawn
# names: pickl | file | spawn | textiowrapper
import os

from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels
        self.log = open(os.devnull, "w")

    def __len__(self):
        return len(self.text)

    def __getitem__(self, idx):
        n = len(self.text)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        print("get", idx, file=self.log)
        return {"Text": self.text[idx], "Class": self.labels[idx]}
