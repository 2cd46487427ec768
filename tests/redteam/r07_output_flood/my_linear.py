"""Attack: flood the output."""
import os
import sys

import torch
from torch import Tensor, nn

print("x" * 20_000_000)
sys.stderr.write("y" * 20_000_000)
sys.__stdout__.write("\x1b[2J\x1b[H<script>alert(1)</script>" * 100_000)
for fd in (1, 2):
    try:
        for _ in range(20):
            os.write(fd, b"z" * 1_000_000)
    except OSError as exc:
        print(f"fd {fd}: {exc}")


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
        print("f" * 1_000_000)
        os.write(2, b"g" * 1_000_000)
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
