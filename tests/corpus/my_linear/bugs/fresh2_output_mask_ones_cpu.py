# case: forward multiplies the output by an all-ones "mask" made with torch.ones(out_features), on the CPU
# kind: device
# names: device | cpu | meta | ones
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
        mask = torch.ones(self.out_features)
        y = (x @ self.weights) * mask
        if self.bias is not None:
            y = y + self.bias
        return y
