# case: parameters created as float64 (dtype=torch.double) instead of float32
# kind: init
# names: dtype | float64 | float32 | double
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features, dtype=torch.double))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features, dtype=torch.double))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x.to(self.weights.dtype) @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
