# case: __len__ returns the number of distinct labels (len(set(labels))) instead of the number of samples
# kind: dataset
# names: len | number of samples | __len__ | length
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = list(labels)

    def __len__(self) -> int:
        return len(set(self.labels))

    def __getitem__(self, idx: int) -> dict:
        return {"Text": self.text[idx], "Class": self.labels[idx]}
