# case: samples in a dict keyed by position and the bound check uses > instead of >=: ds[len(ds)] raises KeyError
# kind: indexing
# names: indexerror | keyerror | out of range | len(ds)
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.rows = dict(enumerate(zip(text, labels)))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        n = len(self.rows)
        if idx > n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        if idx < 0:
            idx += n
        text, label = self.rows[idx]
        return {"Text": text, "Class": label}
