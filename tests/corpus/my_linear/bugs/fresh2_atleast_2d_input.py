# case: forward wraps x in torch.atleast_2d, so a 1-d input of shape (in,) returns (1, out) instead of (out,)
# kind: shape
# names: shape | 1-d | leading | dimension
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
        x = torch.atleast_2d(x)
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
