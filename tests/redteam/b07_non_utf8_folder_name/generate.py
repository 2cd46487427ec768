"""A folder inside the submission whose name is not UTF-8, with a file in it."""
import os
from pathlib import Path


def generate(target: Path) -> None:
    folder = os.path.join(os.fsencode(target), b"donn\xe9es")
    os.mkdir(folder)
    with open(os.path.join(folder, b"r\xe9sum\xe9.txt"), "wb") as handle:
        handle.write(b"notes\n")
