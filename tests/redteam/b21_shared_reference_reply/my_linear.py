"""Attack: a tiny reply that is astronomically large when walked."""
import grader.protocol

import torch
from torch import Tensor, nn

_write_frame = grader.protocol.write_frame


def shared(levels=10, width=40):
    value = [0.5]
    for _ in range(levels):
        value = [value] * width
    return value


def write_shared(fd, message):
    _write_frame(fd, {"ok": True, "value": shared(), "where": None})


grader.protocol.write_frame = write_shared


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
