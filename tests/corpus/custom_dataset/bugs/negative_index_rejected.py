# case: raises IndexError for every negative index instead of counting from the end
# kind: indexing
# names: negative | from the end | -1
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
        n = len(self.text)
        if idx >= n or idx < 0:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
