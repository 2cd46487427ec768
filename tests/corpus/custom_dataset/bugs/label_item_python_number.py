# case: turns tensor labels into Python numbers with .item(), so Class is not labels[i]
# kind: dataset
# names: item | type | dtype | python | tensor(
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
        label = self.labels[idx]
        if hasattr(label, "item"):
            label = label.item()
        return {"Text": self.text[idx], "Class": label}
