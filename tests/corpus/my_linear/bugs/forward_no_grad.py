# case: forward runs under torch.no_grad(), so the output is not differentiable
# kind: forward
# names: differentiab | grad | autograd | no_grad
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
        with torch.no_grad():
            y = x @ self.weights
            if self.bias is not None:
                y = y + self.bias
        return y
