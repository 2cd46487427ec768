"""How long the judge takes to read a notebook of many tiny cells (it must be linear in cells).

    python bench/notebook_cells.py [CELLS]

Builds a notebook of CELLS (default 40,000) one-line code cells, a mix of definitions,
assignments, imports and demo code, and times `grader.notebooks.convert` on it.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import notebooks  # noqa: E402

KINDS = (
    "x{i} = {i}", "def f{i}(): return {i}", "print(x{j})", "import math", "class C{i}: pass", "!echo {i}", "y = x{j} + 1",
    "try:\n    import math\nexcept ImportError:\n    z{i} = None", "if x{j}:\n    w{i} = f{j}()",
)


def notebook(cells: int) -> dict:
    sources = [KINDS[i % len(KINDS)].format(i=i, j=max(0, i - 7)) for i in range(cells)]
    return {
        "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s} for s in sources],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }


def measure(cells: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "my_linear.ipynb"
        path.write_text(json.dumps(notebook(cells)))
        began = time.perf_counter()
        notebooks.convert(path)
        return time.perf_counter() - began


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    for n in (count // 4, count // 2, count):
        print(f"{n:>7,} cells: {measure(n):6.2f} s")
