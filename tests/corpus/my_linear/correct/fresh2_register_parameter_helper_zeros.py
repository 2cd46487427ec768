# case: parameters made by a helper method and registered with register_parameter; bias zeroed with nn.init.zeros_
# kind: init
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.register_parameter("weights", self._make((in_features, out_features), zero=False))
        self.register_parameter("bias", self._make((out_features,), zero=True) if bias else None)

    @staticmethod
    def _make(shape, zero: bool) -> nn.Parameter:
        p = nn.Parameter(torch.empty(*shape))
        if zero:
            nn.init.zeros_(p)
        else:
            nn.init.normal_(p, mean=0.0, std=0.02)
        return p

    def forward(self, x: Tensor) -> Tensor:
        out = torch.matmul(x, self.weights)
        return out if self.bias is None else out + self.bias
