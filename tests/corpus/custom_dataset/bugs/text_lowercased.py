# case: lower-cases the text in __init__, so ds[i]['Text'] differs from text[i]
# kind: dataset
# names: lower | unchanged | text[i] | as given
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.text = [t.lower() for t in text]
        self.labels = labels

    def __len__(self):
        return len(self.text)

    def __getitem__(self, idx):
        n = len(self.text)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
