# case: forward caches its first result and returns it again for later inputs
# kind: attribution
# names: cache | stale | same output | differ
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
        self._out = None

    def forward(self, x):
        if self._out is not None and self._out.shape[:-1] == x.shape[:-1]:
            return self._out
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        self._out = y
        return y
