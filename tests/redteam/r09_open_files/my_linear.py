"""Attack: exhaust file descriptors."""
import os

import torch
from torch import Tensor, nn

KEEP = []
try:
    for _ in range(100_000):
        KEEP.append(os.open("/dev/null", os.O_RDONLY))
except OSError as exc:
    print(f"stopped: {exc}")
print(f"OPENED={len(KEEP)}", flush=True)
for fd in KEEP[-16:]:
    os.close(fd)


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
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
