"""Attack: exceptions that are hard to print."""
import os

import torch
from torch import Tensor, nn


class Huge(Exception):
    def __str__(self):
        return "\x1b[31m<script>alert(document.cookie)</script>" * 1_000_000

    def __repr__(self):
        while True:
            pass


class Endless(Exception):
    def __str__(self):
        while True:
            pass


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
        if not os.path.exists("endless-once"):
            open("endless-once", "w").close()
            raise Endless()
        raise Huge()
