"""Attack: pidfds on a process outside the worker's tree."""
import ctypes
import os
import signal

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

SIBLING = int("__SIBLING_PID__")
PIDFD_OPEN, PIDFD_SEND_SIGNAL, PIDFD_GETFD = 434, 424, 438  # the same numbers on x86_64 and aarch64
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def syscall(number, *args):
    result = libc.syscall(number, *args)
    if result < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return result


def through(pidfd_of):
    pidfd = pidfd_of()
    try:
        attempt("pidfd_getfd(sibling, 1)", lambda: syscall(PIDFD_GETFD, pidfd, 1, 0))
        return syscall(PIDFD_SEND_SIGNAL, pidfd, signal.SIGSTOP, None, 0)
    finally:
        os.close(pidfd)


attempt("pidfd_open + pidfd_send_signal", lambda: through(lambda: syscall(PIDFD_OPEN, SIBLING, 0)))
attempt("/proc/PID + pidfd_send_signal", lambda: through(lambda: os.open(f"/proc/{SIBLING}", os.O_RDONLY | os.O_DIRECTORY)))


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
