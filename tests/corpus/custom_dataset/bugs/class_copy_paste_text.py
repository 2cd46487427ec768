# case: copy-paste slip: "Class" is filled from self.text instead of self.labels
# kind: dataset
# names: labels[i] | label
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels

    def __len__(self):
        return len(self.text)

    def __getitem__(self, idx):
        n = len(self.text)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.text[idx], "Class": self.text[idx]}
