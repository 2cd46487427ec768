# case: bias created with shape (1, out_features) instead of (out_features,)
# kind: shape
# names: shape | (1, | out_features,
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(1, out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
