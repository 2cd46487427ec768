# case: keeps a dict of two columns and __len__ returns len(dict), which is always 2
# kind: dataset
# names: len(ds) | len( | number of samples | __len__
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.data = {"Text": list(text), "Class": labels}

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        n = len(self.data["Text"])
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.data["Text"][idx], "Class": self.data["Class"][idx]}
