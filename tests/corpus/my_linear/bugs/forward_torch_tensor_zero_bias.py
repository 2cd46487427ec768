# case: without a bias, forward adds torch.tensor([0.0] * out_features), created on the CPU
# kind: device
# names: device | cpu | meta | cuda
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        b = self.bias if self.bias is not None else torch.tensor([0.0] * self.out_features)
        return x @ self.weights + b
