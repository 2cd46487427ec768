# case: weights kept as (in, out) but forward reinterprets them with .view(out, in).T (a reshape, not a transpose)
# kind: forward
# names: value | differ | mismatch | expected | weights
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
        w = self.weights.view(self.out_features, self.in_features).T
        y = x @ w
        if self.bias is not None:
            y = y + self.bias
        return y
