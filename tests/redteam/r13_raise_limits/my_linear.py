"""Attack: raise its own limits back (root can, with CAP_SYS_RESOURCE), then write a 64 MiB file."""
import os
import resource

import torch
from torch import Tensor, nn

for name in ("RLIMIT_FSIZE", "RLIMIT_AS", "RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_NPROC"):
    which = getattr(resource, name)
    try:
        resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        print(f"{name} raised")
    except (OSError, ValueError) as exc:
        try:
            resource.prlimit(0, which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            print(f"{name} raised with prlimit")
        except (OSError, ValueError) as again:
            print(f"{name}: {exc}; prlimit: {again}")
written = 0
try:
    with open("big.bin", "wb") as handle:
        for _ in range(64):
            handle.write(b"\0" * (1 << 20))
            handle.flush()
except OSError as exc:
    print(f"write: {exc}")
print(f"SIZE={os.path.getsize('big.bin')}", flush=True)
os.remove("big.bin")


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
