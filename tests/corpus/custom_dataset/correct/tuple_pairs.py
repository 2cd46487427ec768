# case: stores a tuple of (text, label) pairs; list semantics for indexing
# kind: dataset
import torch


class CustomDataset(torch.utils.data.Dataset):
    def __init__(self, text, labels):
        n_text, n_labels = len(text), len(labels)
        if n_text != n_labels:
            raise ValueError(
                "text and labels must be the same length (got %d and %d)" % (n_text, n_labels)
            )
        self.pairs = tuple(zip(text, labels))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        text, label = self.pairs[idx]
        return {"Text": text, "Class": label}
