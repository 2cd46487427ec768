"""Folders within folders until the path is longer than any path argument may be (made with directory descriptors)."""
import os
from pathlib import Path


def generate(target: Path) -> None:
    fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(20):
        os.mkdir("d" * 250, dir_fd=fd)
        inner = os.open("d" * 250, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(out, b"deep\n")
    os.close(out)
    os.close(fd)
