"""Attack: a SysV segment that outlives the worker, read by the next one."""
import ctypes
import os

import torch
from torch import Tensor, nn

IPC_CREAT = 0o1000
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]

KEY = int("__SYSV_KEY__")
found = libc.shmget(KEY, 0, 0)
if found >= 0:
    address = libc.shmat(found, None, 0)
    left = ctypes.string_at(address, 64) if address not in (None, ctypes.c_void_p(-1).value) else b""
    print(f"FOUND=1 {left[:40]!r}", flush=True)
else:
    print("FOUND=0", flush=True)
    segment = libc.shmget(KEY, 1 << 20, IPC_CREAT | 0o666)
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        source = open(__file__, "rb").read()[: 1 << 20]
        ctypes.memmove(address, source, len(source))
        print("left my source in a SysV segment", flush=True)
    else:
        print(f"shmget: {os.strerror(ctypes.get_errno())}", flush=True)
    print("semget", libc.semget(KEY, 1, IPC_CREAT | 0o666), "msgget", libc.msgget(KEY, IPC_CREAT | 0o666), flush=True)


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
        os._exit(3)  # a fresh worker for the next check, which looks for the segment
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
