# case: self.bias = None as a plain attribute when bias=False (no register_parameter); in-place add on the fresh output
# kind: init
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        self.bias = None
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y += self.bias  # y is a fresh tensor, in-place add is fine for autograd
        return y
