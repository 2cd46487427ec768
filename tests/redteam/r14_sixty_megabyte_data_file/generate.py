"""A sparse 60 MB data file that sorts before the exercise files."""
from pathlib import Path


def generate(target: Path) -> None:
    with open(target / "aaa_data.csv", "wb") as handle:
        handle.truncate(60_000_000)
