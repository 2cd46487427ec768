# case: the text is wrapped in a one-element list ({"Text": [text[i]], ...}), so batches become lists of lists
# kind: dataset
# names: text | list | str | string
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text has {len(text)} items, labels has {len(labels)}")
        self.text = list(text)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, idx: int) -> dict:
        n = len(self.text)
        if not -n <= idx < n:
            raise IndexError(idx)
        return {"Text": [self.text[idx]], "Class": self.labels[idx]}
