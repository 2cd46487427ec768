# case: an out-of-range index returns None instead of raising IndexError
# kind: indexing
# names: indexerror | out of range | none
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.text)
        if idx >= n or idx < -n:
            return None
        return {"Text": self.text[idx], "Class": self.labels[idx]}
