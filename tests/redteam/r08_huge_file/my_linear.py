"""Attack: fill the disk."""
import os

import torch
from torch import Tensor, nn

for path in ("huge.bin", os.path.join(os.path.expanduser("~"), "huge.bin")):
    written = 0
    try:
        with open(path, "wb") as handle:
            chunk = b"\0" * (1 << 20)
            for _ in range(1024):
                handle.write(chunk)
                handle.flush()
                written += len(chunk)
    except OSError as exc:
        print(f"{path}: {exc}")
    print(f"SIZE={os.path.getsize(path)}", flush=True)
    os.remove(path)


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
