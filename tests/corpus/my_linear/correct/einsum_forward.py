# case: einsum over arbitrary leading dims, nn.Linear-style uniform init
# kind: forward
import math

import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        k = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        self.weights = nn.Parameter(torch.empty(in_features, out_features).uniform_(-k, k))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features).uniform_(-k, k))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = torch.einsum("...i,io->...o", x, self.weights)
        if self.bias is not None:
            y = y + self.bias
        return y
