"""Makes my_linear.py and logistic_regression.py nested far beyond any parser's limits."""
from pathlib import Path


def generate(target: Path) -> None:
    source = (target / "my_linear.py").read_text()
    (target / "my_linear.py").write_text("DEEP = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n" + source)
    logistic = (target / "logistic_regression.py").read_text()
    (target / "logistic_regression.py").write_text("DEEP = eval('-' * 1_000_000 + '1')\n" + logistic)
