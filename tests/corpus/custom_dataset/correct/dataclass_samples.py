# case: samples stored as instances of a module-level dataclass (picklable)
# kind: dataset
from dataclasses import dataclass
from typing import Any

from torch.utils.data import Dataset


@dataclass(frozen=True)
class Sample:
    text: Any
    label: Any


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text ({len(text)}) and labels ({len(labels)}) have different lengths")
        self.samples = [Sample(t, l) for t, l in zip(text, labels)]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        s = self.samples[idx]
        return {"Text": s.text, "Class": s.label}
