# case: caches len in self.n_samples, normalises the index with operator.index (numpy ints, 0-d tensors)
# kind: indexing
import operator

from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        self.n_samples = len(text)
        if len(labels) != self.n_samples:
            raise ValueError(
                f"Length mismatch: {self.n_samples} texts vs {len(labels)} labels."
            )
        self.text = list(text)
        self.labels = list(labels)

    def __len__(self):
        return self.n_samples

    def __getitem__(self, idx):
        i = operator.index(idx)
        if i < 0:
            i += self.n_samples
        if not 0 <= i < self.n_samples:
            raise IndexError(f"CustomDataset index {idx} out of range (size {self.n_samples})")
        return {"Text": self.text[i], "Class": self.labels[i]}
