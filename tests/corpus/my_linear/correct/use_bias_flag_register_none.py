# case: keeps self.use_bias and reads it in forward; register_parameter("bias", None) without bias
# kind: forward
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.use_bias = bias
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if self.use_bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        out = x @ self.weights
        if self.use_bias:
            out = out + self.bias
        return out
