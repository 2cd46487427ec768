# case: index normalised through range(n)[idx], which handles negatives, numpy ints and 0-d int tensors and raises IndexError
# kind: indexing
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        n_text, n_labels = len(text), len(labels)
        if n_text != n_labels:
            raise ValueError(f"len(text)={n_text} but len(labels)={n_labels}")
        self._pairs = tuple(zip(text, labels))

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, idx) -> dict:
        i = range(len(self._pairs))[idx]
        text, label = self._pairs[i]
        return {"Text": text, "Class": label}
