# case: forward starts from torch.zeros(...) made without a device and adds into it
# kind: device
# names: device | cpu | meta | cuda
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
        out = torch.zeros(*x.shape[:-1], self.out_features)
        out = out + x @ self.weights
        if self.bias is not None:
            out = out + self.bias
        return out
