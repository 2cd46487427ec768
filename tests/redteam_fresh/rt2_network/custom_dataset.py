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
