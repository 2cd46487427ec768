# case: weights stored as (out_features, in_features) like nn.Linear.weight, forward uses x @ weights.T
# kind: init
# names: shape | transpose | (in_features, out_features) | layout
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(out_features, in_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weights.T
        if self.bias is not None:
            y = y + self.bias
        return y
