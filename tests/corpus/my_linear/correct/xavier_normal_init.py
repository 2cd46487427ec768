# case: Xavier-normal init through nn.init on the (in, out) weights, bias drawn with randn
# kind: init
import torch
from torch import nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.empty(in_features, out_features))
        nn.init.xavier_normal_(self.weights)
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features) * 0.1)
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        if self.bias is None:
            return x.matmul(self.weights)
        return x.matmul(self.weights).add(self.bias)
