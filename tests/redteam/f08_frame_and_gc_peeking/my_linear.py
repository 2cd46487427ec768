"""Attack: find the expected answer somewhere in this process and return it."""
import gc
import sys

import torch
from torch import Tensor, nn


def _steal(x, out_features):
    shape = (*x.shape[:-1], out_features)
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if isinstance(value, torch.Tensor) and tuple(value.shape) == shape and value is not x:
                print(f"stole {name} from {frame.f_code.co_name}")
                return value.detach().clone()
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, torch.Tensor) and tuple(obj.shape) == shape and obj is not x:
            return obj.detach().clone()
    return torch.zeros(shape)


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
        return _steal(x, self.out_features)
