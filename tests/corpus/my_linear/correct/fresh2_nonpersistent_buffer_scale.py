# case: a non-persistent register_buffer (a unit scale) that moves with .to() and is used in forward
# kind: device
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.use_bias = bias
        self.register_buffer("unit", torch.ones(()), persistent=False)
        self.weights = nn.Parameter(torch.randn(in_features, out_features) / in_features ** 0.5)
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        out = (x @ self.weights) * self.unit
        if self.use_bias:
            out = out + self.bias
        return out
