# case: weights initialised to a constant 0.01 (not random, same for every seed)
# kind: init
# names: random | constant | seed
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.full((in_features, out_features), 0.01))
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
