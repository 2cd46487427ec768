# case: wraps the index with idx % len, so out-of-range indices never raise IndexError
# kind: indexing
# names: indexerror | out of range | wrap | modulo
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
        i = idx % len(self.text)
        return {"Text": self.text[i], "Class": self.labels[i]}
