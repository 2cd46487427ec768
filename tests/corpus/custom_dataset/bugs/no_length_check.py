# case: no length check: mismatched text and labels are silently truncated by zip
# kind: dataset
# names: valueerror | length | mismatch
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        pairs = list(zip(text, labels))
        self.text = [t for t, _ in pairs]
        self.labels = [c for _, c in pairs]

    def __len__(self):
        return len(self.text)

    def __getitem__(self, idx):
        n = len(self.text)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
