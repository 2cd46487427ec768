# case: a class-level samples = [] list that each instance extends, so instances pile up
# kind: spawn
# names: class attribute | shared | instances | mutable
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    samples = []

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items but labels has {len(labels)}")
        self.samples.extend(zip(text, labels))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        n = len(self.samples)
        if idx >= n or idx < -n:
            raise IndexError(f"index {idx} out of range for {n} samples")
        return {"Text": self.samples[idx][0], "Class": self.samples[idx][1]}
