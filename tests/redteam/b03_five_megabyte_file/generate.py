"""Makes my_linear.py: the correct module padded to 5 MB."""
from pathlib import Path


def generate(target: Path) -> None:
    source = (target / "my_linear.py").read_text()
    padding = "# " + "padding " * 15 + "\n"
    comment = padding * (2_500_000 // len(padding))
    constant = "BLOB = " + repr("x" * 2_500_000) + "\n"
    (target / "my_linear.py").write_text(comment + constant + source)
