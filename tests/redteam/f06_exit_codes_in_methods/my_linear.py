"""Attack: leave "successfully" from inside forward."""
import os
import signal
import sys

import torch
from torch import Tensor, nn

_calls = 0


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
        global _calls
        _calls += 1
        print("PASSED", flush=True)
        if _calls % 3 == 0:
            os._exit(0)
        if _calls % 3 == 1:
            sys.exit(0)
        os.kill(os.getpid(), signal.SIGKILL)
