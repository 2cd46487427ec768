# case: generic intermediate base class with key names as class constants; subclass sets them
# kind: other
from torch.utils.data import Dataset


class PairDataset(Dataset):
    first_key = "first"
    second_key = "second"

    def __init__(self, first, second):
        if len(first) != len(second):
            raise ValueError(
                f"{type(self).__name__}: lengths differ ({len(first)} != {len(second)})"
            )
        self._first = list(first)
        self._second = second

    def __len__(self):
        return len(self._first)

    def __getitem__(self, idx):
        return {self.first_key: self._first[idx], self.second_key: self._second[idx]}


class CustomDataset(PairDataset):
    first_key = "Text"
    second_key = "Class"

    def __init__(self, text, labels):
        super().__init__(text, labels)
