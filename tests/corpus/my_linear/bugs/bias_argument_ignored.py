# case: ignores the bias argument and always creates a bias parameter (the lesson's bug)
# kind: init
# names: bias=false | bias argument | ignor | no bias
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x):
        return x @ self.weights + self.bias
