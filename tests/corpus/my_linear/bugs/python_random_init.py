# case: weights drawn with Python's random.gauss, so torch.manual_seed does not control them
# kind: init
# names: seed | reproduc | random | manual_seed
import random

import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        w = [[random.gauss(0.0, 1.0) for _ in range(out_features)] for _ in range(in_features)]
        self.weights = nn.Parameter(torch.tensor(w, dtype=torch.float32).reshape(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.tensor([random.gauss(0.0, 1.0) for _ in range(out_features)]))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
