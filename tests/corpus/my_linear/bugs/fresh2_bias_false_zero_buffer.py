# case: with bias=False a zero "bias" buffer is registered instead of None, so state_dict has a bias key
# kind: init
# names: bias | none | state_dict | buffer
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
            self.register_buffer("bias", torch.zeros(out_features))

    def forward(self, x: Tensor) -> Tensor:
        return x @ self.weights + self.bias
