# case: Kaiming-uniform weights, zero-initialised bias, torch.matmul
# kind: init
import math

import torch
import torch.nn as nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        w = torch.empty(in_features, out_features)
        # fan_in is in_features for this layout
        bound = math.sqrt(6.0 / max(in_features, 1))
        nn.init.uniform_(w, -bound, bound)
        self.weights = nn.Parameter(w)
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.matmul(x, self.weights)
        if self.bias is not None:
            y = y + self.bias
        return y
