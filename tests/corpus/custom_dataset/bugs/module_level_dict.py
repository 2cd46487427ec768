# case: samples written into a module-level dict _DATA in __init__ and read back in __getitem__
# kind: spawn
# names: module-level | shared state | global | spawn
from torch.utils.data import Dataset

_DATA = {}


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        _DATA["text"] = list(text)
        _DATA["labels"] = labels

    def __len__(self):
        return len(_DATA["text"])

    def __getitem__(self, idx):
        n = len(_DATA["text"])
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": _DATA["text"][idx], "Class": _DATA["labels"][idx]}
