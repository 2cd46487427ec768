"""A seccomp filter that refuses network sockets (IPv4, IPv6, netlink, packet) with EACCES.

It also closes the ways around such a filter: calls through another ABI (32-bit
`int 0x80`) kill the process, x32 syscall numbers and io_uring fail with ENOSYS.

Unix sockets stay allowed: DataLoader's worker processes need them. The filter is a
hand-assembled classic BPF program, so no library is needed; it is inherited by every
process the worker starts and cannot be removed.
"""
from __future__ import annotations

import ctypes
import errno
import platform

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
# (audit architecture, socket syscall number) per machine
ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
DENIED_FAMILIES = (2, 10, 16, 17)  # AF_INET, AF_INET6, AF_NETLINK, AF_PACKET

BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
X32_SYSCALL_BIT = 0x40000000
IO_URING_SETUP = 425  # the same number on x86_64 and aarch64
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16  # struct seccomp_data; arg0's low half (little-endian)


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]


def supported() -> bool:
    return platform.system() == "Linux" and platform.machine() in ARCHES


def program() -> list[tuple[int, int, int, int]]:
    arch, socket_nr = ARCHES[platform.machine()]
    deny = RET_ERRNO | errno.EACCES
    count = len(DENIED_FAMILIES)
    code = [
        (BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        (BPF_JEQ_K, 1, 0, arch),
        (BPF_RET_K, 0, 0, RET_KILL_PROCESS),  # another ABI (int 0x80 on x86_64): a way around the filter
        (BPF_LD_W_ABS, 0, 0, OFFSET_NR),
        (BPF_JGE_K, 0, 1, X32_SYSCALL_BIT),
        (BPF_RET_K, 0, 0, RET_ERRNO | errno.ENOSYS),  # the x32 ABI's numbers
        (BPF_JEQ_K, 0, 1, IO_URING_SETUP),
        (BPF_RET_K, 0, 0, RET_ERRNO | errno.ENOSYS),  # io_uring can open sockets without socket()
        (BPF_JEQ_K, 1, 0, socket_nr),
        (BPF_RET_K, 0, 0, RET_ALLOW),
        (BPF_LD_W_ABS, 0, 0, OFFSET_ARG0),
    ]
    for index, family in enumerate(DENIED_FAMILIES):  # jump to the final deny on a match
        code.append((BPF_JEQ_K, count - index, 0, family))
    code += [(BPF_RET_K, 0, 0, RET_ALLOW), (BPF_RET_K, 0, 0, deny)]
    return code


def deny_network_sockets() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    code = program()
    filters = (SockFilter * len(code))(*(SockFilter(*instruction) for instruction in code))
    prog = SockFprog(len(code), filters)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")
