"""Stray files with names that are not UTF-8 or hold control characters."""
import os
from pathlib import Path


def generate(target: Path) -> None:
    for name in (b"notes\xff\xfe.txt", b"line\nbreak\x1b[31m.txt", b"\x80\x81"):
        with open(os.path.join(os.fsencode(target), name), "wb") as handle:
            handle.write(b"stray\n")
