"""A package and an extension module named like exercises (folders and binaries are made here)."""
import importlib.machinery
from pathlib import Path


def generate(target: Path) -> None:
    (target / "my_linear").mkdir()
    (target / "my_linear" / "__init__.py").write_text("raise ImportError('the package, not the module, was imported')\n")
    (target / f"logistic_regression{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"not an ELF file")
