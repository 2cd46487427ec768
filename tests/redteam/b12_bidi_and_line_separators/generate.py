"""A stray file with bidi controls in its name."""
from pathlib import Path


def generate(target: Path) -> None:
    (target / "report\u202etxt.exe").write_text("x\n")
    (target / "line\u2028sep\u0085.txt").write_text("x\n")
