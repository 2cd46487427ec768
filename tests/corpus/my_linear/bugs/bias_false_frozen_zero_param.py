# case: bias=False registers a frozen all-zero bias Parameter instead of None
# kind: init
# names: is none | named_parameters | bias=false | no bias
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
            # keep a bias so forward is always the same
            self.bias = nn.Parameter(torch.zeros(out_features), requires_grad=False)

    def forward(self, x):
        return x @ self.weights + self.bias
