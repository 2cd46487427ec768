# case: stores a list of {"Text", "Class"} dicts built with zip; returns a copy of the stored dict
# kind: dataset
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"len(text) = {len(text)} but len(labels) = {len(labels)}")
        self.samples = [{"Text": t, "Class": c} for t, c in zip(text, labels)]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        # list indexing already handles negative indices and raises IndexError
        return dict(self.samples[idx])
