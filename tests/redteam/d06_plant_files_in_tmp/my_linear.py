"""Attack: plant files in world-writable directories."""
import os

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"
for path in (f"/tmp/{TOKEN}-next-learner.py", f"/var/tmp/{TOKEN}-persist.txt"):
    try:
        with open(path, "w") as handle:
            handle.write("print('left here by a previous submission')\n")
        print(f"planted {path}")
    except OSError as exc:
        print(f"{path}: {exc}")
try:
    os.mkdir(f"/tmp/{TOKEN}-dir")
except OSError as exc:
    print(f"mkdir: {exc}")


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
