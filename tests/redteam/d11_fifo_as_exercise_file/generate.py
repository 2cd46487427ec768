"""FIFOs in place of my_linear.py and as a stray file (git cannot hold them)."""
import os
from pathlib import Path


def generate(target: Path) -> None:
    (target / "my_linear.py").unlink()
    os.mkfifo(target / "my_linear.py")
    os.mkfifo(target / "data.fifo")
