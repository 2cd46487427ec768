"""Hard links to the installed grader's hidden suite and the reference solution."""
import os
from pathlib import Path


def generate(target: Path, values: dict) -> None:
    install = Path(values["__INSTALL_DIR__"])
    os.link(install / "grader" / "packs" / "lesson" / "my_linear" / "suite.py", target / "notes.py")
    (target / "logistic_regression.py").unlink()
    os.link(install / "solutions" / "logistic_regression.py", target / "logistic_regression.py")
    with open(target / "custom_dataset.py", "a") as handle:
        handle.write("\ntry:\n    print(open(__file__.rsplit('/', 1)[0] + '/notes.py').read())\nexcept OSError as exc:\n    print('no notes', exc)\n")
