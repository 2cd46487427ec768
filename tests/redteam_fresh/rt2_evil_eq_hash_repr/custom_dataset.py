"""Reference solution: a map-style Dataset of (text, label) pairs."""
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    def __init__(self, text, labels):
        # BEGIN SOLUTION
        # STUB: # TODO: check the lengths and keep the samples.
        if len(text) != len(labels):
            raise ValueError(
                f"text has {len(text)} samples but labels has {len(labels)}; they must match"
            )
        self.data = list(text)
        self.labels = labels
        # END SOLUTION

    def __len__(self) -> int:
        # BEGIN SOLUTION
        # STUB: # TODO: the number of samples
        return len(self.data)
        # END SOLUTION

    def __getitem__(self, idx: int) -> dict:
        # BEGIN SOLUTION
        # STUB: # TODO: {"Text": ..., "Class": ...}
        n = len(self.data)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for a dataset of {n} samples")
        return {"Text": self.data[idx], "Class": self.labels[idx]}
        # END SOLUTION


if __name__ == "__main__":
    # Try it: the lesson's example, batched by a DataLoader.
    from torch.utils.data import DataLoader

    text = ["Happy", "Amazing", "Sad", "Unhappy", "Glum"]
    labels = ["Positive", "Positive", "Negative", "Negative", "Negative"]
    dataset = CustomDataset(text, labels)
    print(len(dataset), dataset[0], dataset[-1])
    loader = DataLoader(dataset, batch_size=2, shuffle=True)
    print(next(iter(loader)))  # e.g. {'Text': ['Glum', 'Sad'], 'Class': ['Negative', 'Negative']}
    for batch in loader:
        print(batch)


class _Evil(str):
    def __eq__(self, o): return True
    def __ne__(self, o): return False
    def __hash__(self): raise RuntimeError("hash bomb")
    def __repr__(self): raise RuntimeError("repr bomb \x1b[31m<script>")
    def __str__(self): return "\x1b[2J<b>evil</b>"
    def __len__(self): return 10**12
class _EvilDict(dict):
    def __eq__(self, o): return True
    def keys(self): return ['Text','Class']
    def __getitem__(self, k): return _Evil('x')
    def __iter__(self): return iter(['Text','Class'])
def __getitem__(self, idx):
    if not -len(self) <= idx < len(self): raise IndexError(idx)
    return _EvilDict(Text=_Evil('wrong'), Class=_Evil('wrong'))
CustomDataset.__getitem__=__getitem__
