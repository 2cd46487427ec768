"""Attack: leave processes behind."""
import os
import signal
import subprocess
import time

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.execvp("sleep", [TOKEN, "3600"])
    os._exit(0)
subprocess.Popen(["bash", "-c", f"exec -a {TOKEN} sleep 3601"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.system(f"(setsid bash -c 'exec -a {TOKEN} sleep 3602' &)")
time.sleep(0.2)


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
