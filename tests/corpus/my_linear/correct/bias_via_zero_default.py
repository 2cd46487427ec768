# case: bias handled with a python 0 fallback, bias drawn with new_empty(...).normal_()
# kind: forward
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super(MyLinear, self).__init__()
        self.in_features, self.out_features = in_features, out_features
        weights = torch.randn(in_features, out_features)
        self.weights = nn.Parameter(weights)
        if bias:
            self.bias = nn.Parameter(weights.new_empty(out_features).normal_())
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        b = self.bias if self.bias is not None else 0
        return x @ self.weights + b
