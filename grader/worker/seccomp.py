"""A seccomp filter: no network sockets, and, where the worker has no PID or IPC namespace of its own, no reach into other processes.

Always: `socket()` for IPv4, IPv6, netlink and packet sockets fails with EACCES; calls
through another ABI (32-bit `int 0x80`) kill the process; x32 syscall numbers and io_uring
fail with ENOSYS. Unix sockets stay allowed: DataLoader's worker processes need them.

Without namespaces (`outside_rules`): the calls that act on another process by its pid
(prlimit, setpriority, ioprio_set, the sched_set* family, move_pages, migrate_pages) work
only on the caller itself (pid 0); ptrace, process_vm_readv/writev, kcmp, process_madvise
and pidfd_getfd fail; pidfd_open and SysV and POSIX message-queue IPC are "not
implemented"; kill(-1) (every process of the user) fails; and setsid/setpgid fail, so that
every process the learner starts stays in the worker's process group, which the template
kills with one atomic killpg. A PID and an IPC namespace give the same, more gracefully.

The filter is a hand-assembled classic BPF program, so no library is needed; it is
inherited by every process the worker starts and cannot be removed.
"""
from __future__ import annotations

import ctypes
import errno
import platform

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
DENIED_FAMILIES = (2, 10, 16, 17)  # AF_INET, AF_INET6, AF_NETLINK, AF_PACKET
PRIO_PROCESS, IOPRIO_WHO_PROCESS = 0, 1

BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
X32_SYSCALL_BIT = 0x40000000
IO_URING_SETUP = 425  # the same number on x86_64 and aarch64
OFFSET_NR, OFFSET_ARCH = 0, 4  # struct seccomp_data
MINUS_ONE = 0xFFFFFFFF  # an int argument's low half (little-endian) for -1

# Syscall numbers: (x86_64, aarch64).
NUMBERS = {
    "socket": (41, 198), "kill": (62, 129), "ptrace": (101, 117), "setpriority": (141, 140), "ioprio_set": (251, 30),
    "sched_setparam": (142, 118), "sched_setscheduler": (144, 119), "sched_setaffinity": (203, 122), "sched_setattr": (314, 274),
    "prlimit64": (302, 261), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271), "kcmp": (312, 272),
    "pidfd_open": (434, 434), "pidfd_getfd": (438, 438), "process_madvise": (440, 440), "migrate_pages": (256, 238),
    "move_pages": (279, 239), "setsid": (112, 157), "setpgid": (109, 154),
    "shmget": (29, 194), "shmat": (30, 196), "shmctl": (31, 195), "shmdt": (67, 197), "semget": (64, 190), "semop": (65, 193),
    "semctl": (66, 191), "semtimedop": (220, 192), "msgget": (68, 186), "msgsnd": (69, 189), "msgrcv": (70, 188), "msgctl": (71, 187),
    "mq_open": (240, 180), "mq_unlink": (241, 181), "mq_timedsend": (242, 182), "mq_timedreceive": (243, 183),
    "mq_notify": (244, 184), "mq_getsetattr": (245, 185),
}
ARCHES = {"x86_64": (0xC000003E, 0), "aarch64": (0xC00000B7, 1)}  # audit architecture, column in NUMBERS

SELF_ONLY = ("prlimit64", "sched_setparam", "sched_setscheduler", "sched_setaffinity", "sched_setattr", "move_pages", "migrate_pages")
REFUSED = ("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "process_madvise", "pidfd_getfd", "setsid", "setpgid")
NOT_IMPLEMENTED = (
    "pidfd_open", "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop", "msgget", "msgsnd", "msgrcv",
    "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
)

Instruction = tuple[int, int, int, int]


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]


def supported() -> bool:
    return platform.system() == "Linux" and platform.machine() in ARCHES


def _arg(index: int) -> Instruction:
    """Load the low half of argument `index` (the whole of an int argument, as the kernel reads it)."""
    return (BPF_LD_W_ABS, 0, 0, 16 + 8 * index)


def _ret(value: int) -> Instruction:
    return (BPF_RET_K, 0, 0, value)


def _args_equal(values: tuple[int, ...], allow: int, deny: int) -> list[Instruction]:
    """`allow` when arguments 0.. equal `values`, else `deny`."""
    body: list[Instruction] = []
    for index, value in enumerate(values):
        remaining = 2 * (len(values) - index - 1)
        body += [_arg(index), (BPF_JEQ_K, 0, remaining + 1, value)]
    return body + [_ret(allow), _ret(deny)]


def _socket_body() -> list[Instruction]:
    deny, count = RET_ERRNO | errno.EACCES, len(DENIED_FAMILIES)
    body = [_arg(0)]
    for index, family in enumerate(DENIED_FAMILIES):  # jump to the final deny on a match
        body.append((BPF_JEQ_K, count - index, 0, family))
    return body + [_ret(RET_ALLOW), _ret(deny)]


def _rules(outside_rules: bool) -> list[tuple[str, list[Instruction]]]:
    """(syscall, body) pairs; every body ends in a return."""
    rules = [("socket", _socket_body())]
    if not outside_rules:
        return rules
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    rules += [(name, _args_equal((0,), RET_ALLOW, eperm)) for name in SELF_ONLY]
    rules += [
        ("setpriority", _args_equal((PRIO_PROCESS, 0), RET_ALLOW, eperm)),
        ("ioprio_set", _args_equal((IOPRIO_WHO_PROCESS, 0), RET_ALLOW, eperm)),
        ("kill", _args_equal((MINUS_ONE,), eperm, RET_ALLOW)),
    ]
    rules += [(name, [_ret(eperm)]) for name in REFUSED]
    rules += [(name, [_ret(enosys)]) for name in NOT_IMPLEMENTED]
    return rules


def program(outside_rules: bool = False, machine: str | None = None) -> list[Instruction]:
    """The filter for this machine; `outside_rules` where the worker shares the PID and IPC namespaces of the host."""
    arch, column = ARCHES[machine or platform.machine()]
    code: list[Instruction] = [
        (BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        (BPF_JEQ_K, 1, 0, arch),
        _ret(RET_KILL_PROCESS),  # another ABI (int 0x80 on x86_64): a way around the filter
        (BPF_LD_W_ABS, 0, 0, OFFSET_NR),
        (BPF_JGE_K, 0, 1, X32_SYSCALL_BIT),
        _ret(RET_ERRNO | errno.ENOSYS),  # the x32 ABI's numbers
        (BPF_JEQ_K, 0, 1, IO_URING_SETUP),
        _ret(RET_ERRNO | errno.ENOSYS),  # io_uring can open sockets without socket()
    ]
    for name, body in _rules(outside_rules):  # each block: reload the number, skip the body unless it matches
        code += [(BPF_LD_W_ABS, 0, 0, OFFSET_NR), (BPF_JEQ_K, 0, len(body), NUMBERS[name][column]), *body]
    code.append(_ret(RET_ALLOW))
    if len(code) > 4096:
        raise ValueError("seccomp program too long")
    return code


def install(outside_rules: bool = False) -> None:
    """Apply the filter to this process (and everything it starts), for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    code = program(outside_rules)
    filters = (SockFilter * len(code))(*(SockFilter(*instruction) for instruction in code))
    prog = SockFprog(len(code), filters)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")


def deny_network_sockets() -> None:
    """The network rules alone (the worker in its own namespaces)."""
    install(outside_rules=False)
