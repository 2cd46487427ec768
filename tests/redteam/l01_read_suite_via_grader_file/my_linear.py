"""Attack: read the hidden checks from the installed grader."""
import glob
import os

import torch
from torch import Tensor, nn

try:
    import grader

    suites = os.path.join(os.path.dirname(grader.__file__), "packs", "lesson", "my_linear")
    for path in [os.path.join(suites, "suite.py"), *sorted(glob.glob(os.path.join(suites, "*.py")))]:
        try:
            with open(path) as handle:
                text = handle.read()
            print(f"==> {path} ({len(text)} characters), its end:\n{text[-400:]}")
        except OSError as exc:
            print(f"cannot read {path}: {exc}")
except Exception as exc:
    print(f"no grader: {type(exc).__name__}: {exc}")
try:
    import importlib

    module = importlib.import_module("grader.packs.lesson.my_linear.suite")
    print("imported the hidden suite:", sorted(vars(module))[:40])
except BaseException as exc:
    print(f"import failed: {type(exc).__name__}: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
