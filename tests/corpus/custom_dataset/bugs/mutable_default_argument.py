# case: a mutable default argument _store={} shared by all instances holds the samples
# kind: other
# names: shared | default argument | mutable | instances
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels, _store={}):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        _store["text"] = list(text)
        _store["labels"] = labels
        self.store = _store

    def __len__(self):
        return len(self.store["text"])

    def __getitem__(self, idx):
        n = len(self.store["text"])
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.store["text"][idx], "Class": self.store["labels"][idx]}
