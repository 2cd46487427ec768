# case: returns the keys "text" and "label" instead of "Text" and "Class"
# kind: naming
# names: key | spelling | 'label'
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
        return {"text": self.text[idx], "label": self.labels[idx]}
