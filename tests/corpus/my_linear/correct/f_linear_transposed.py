# case: forward through F.linear with the transposed weights (bias may be None)
# kind: forward
import torch
import torch.nn.functional as F
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features) / in_features ** 0.5)
        self.bias = nn.Parameter(torch.randn(out_features)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        # F.linear expects (out, in), our layout is (in, out)
        return F.linear(x, self.weights.t(), self.bias)
