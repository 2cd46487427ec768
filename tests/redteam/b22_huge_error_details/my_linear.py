"""Attack: error details that make the reports huge."""
import grader.protocol

import torch
from torch import Tensor, nn

_write_frame = grader.protocol.write_frame
HUGE = "MyLinear" + "X" * 100_000


def write_error(fd, message):
    details = {"expected": HUGE, "file": HUGE, "similar": [HUGE] * 8, "classes": [HUGE] * 8}
    _write_frame(fd, {"ok": False, "error": {"kind": "missing_class", "message": "no such class", "details": details}, "where": None})


grader.protocol.write_frame = write_error


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
