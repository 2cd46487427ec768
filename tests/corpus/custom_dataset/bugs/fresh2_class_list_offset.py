# case: all samples appended to a class-level list, each dataset remembering its offset: works side by side, empty in a spawn worker
# kind: spawn
# names: spawn | worker | class attribute | module | process
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    _texts = []
    _labels = []

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.start = len(CustomDataset._texts)
        self.n = len(text)
        CustomDataset._texts.extend(text)
        CustomDataset._labels.extend(labels)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, idx: int) -> dict:
        if not -self.n <= idx < self.n:
            raise IndexError(idx)
        if idx < 0:
            idx += self.n
        j = self.start + idx
        return {"Text": CustomDataset._texts[j], "Class": CustomDataset._labels[j]}
