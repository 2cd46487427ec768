# case: weights and bias are plain tensors with requires_grad=True, not nn.Parameter
# kind: init
# names: parameter | named_parameters | state_dict | registered
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = torch.randn(in_features, out_features, requires_grad=True)
        if bias:
            self.bias = torch.randn(out_features, requires_grad=True)
        else:
            self.bias = None

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
