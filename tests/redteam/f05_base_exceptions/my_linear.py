"""Attack: BaseExceptions that a naive pytest run turns into an aborted (or empty) session."""
import torch
from torch import Tensor, nn


class AllChecksPassed(BaseException):
    pass


_calls = 0


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        global _calls
        _calls += 1
        raise [SystemExit(0), KeyboardInterrupt(), GeneratorExit(), AllChecksPassed("46 passed")][_calls % 4]

    def forward(self, x: Tensor) -> Tensor:
        raise KeyboardInterrupt
