# case: forward "guards" its input with x.clamp_(...) in place, which fails when x is a leaf that requires grad
# kind: gradient
# names: in-place | in place | leaf | input
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        x.clamp_(-1e6, 1e6)  # guard against overflow
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
