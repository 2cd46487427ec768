"""Attack: 8 GiB inside forward, once."""
import os

import torch
from torch import Tensor, nn


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
        if not os.path.exists("allocated-once"):
            open("allocated-once", "w").close()
            hog = bytearray(8 * 1024**3)
            print(len(hog))
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
