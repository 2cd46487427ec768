# case: weights left as torch.empty(...) (uninitialised memory, not drawn from the RNG)
# kind: init
# names: empty | uninitiali | random | finite | seed
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.empty(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
