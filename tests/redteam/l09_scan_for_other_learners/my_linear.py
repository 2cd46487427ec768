"""Attack: copy from classmates."""
import glob
import os

import torch
from torch import Tensor, nn

paths = sorted(glob.glob("__BATCH_DIR__/*/my_linear.py")) + sorted(glob.glob("/tmp/grade-*/submission/my_linear.py"))
print(f"{len(paths)} classmates' files found")
for path in paths:
    if os.path.realpath(path) == os.path.realpath(__file__):
        continue
    try:
        with open(path, errors="replace") as handle:
            print(f"==> {path}: ...{handle.read()[-300:]}")
    except OSError as exc:
        print(f"{path}: {exc}")
try:
    print(os.listdir("__BATCH_DIR__"))
except OSError as exc:
    print(f"batch: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
