# case: stores a lambda on the dataset (self.make = lambda ...), so it cannot be pickled for spawn workers
# kind: spawn
# names: pickl | lambda | spawn
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels
        self.make = lambda t, c: {"Text": t, "Class": c}

    def __len__(self):
        return len(self.text)

    def __getitem__(self, idx):
        n = len(self.text)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return self.make(self.text[idx], self.labels[idx])
