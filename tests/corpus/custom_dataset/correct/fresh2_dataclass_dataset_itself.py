# case: the dataset class itself is a @dataclass (fields text, labels) that validates in __post_init__
# kind: dataset
from dataclasses import dataclass, field
from typing import Any, Sequence

from torch.utils.data import Dataset


@dataclass
class CustomDataset(Dataset):
    text: Sequence[Any]
    labels: Sequence[Any]
    n_samples: int = field(init=False, default=0)

    def __post_init__(self):
        if len(self.text) != len(self.labels):
            raise ValueError(
                f"got {len(self.text)} texts and {len(self.labels)} labels; the lengths must be equal"
            )
        self.text = list(self.text)
        self.n_samples = len(self.text)

    def __len__(self) -> int:
        return self.n_samples

    def __getitem__(self, idx: int) -> dict:
        if idx < -self.n_samples or idx >= self.n_samples:
            raise IndexError(f"index {idx} out of range for {self.n_samples} samples")
        return {"Text": self.text[idx], "Class": self.labels[idx]}
