"""Which sandbox feature stops CUDA in a forked worker? Run on a GPU machine: python3 scripts/gpu_sandbox_probe.py"""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import torch  # noqa: E402,F401  (imported before forking, like the template)

import grader  # noqa: E402
from grader.worker import landlock, sandbox, seccomp  # noqa: E402

READABLE = sandbox.readable_paths(Path(grader.__file__).resolve().parent)


def attempt(name, setup):
    pid = os.fork()
    if pid == 0:
        try:
            setup()
            torch.zeros(1, device="cuda").add_(1)
            print(name, "OK", flush=True)
            os._exit(0)
        except BaseException as exc:
            print(name, "FAILED", type(exc).__name__, str(exc)[:200], flush=True)
            os._exit(1)
    os.waitpid(pid, 0)


work = tempfile.mkdtemp()
attempt("nothing", lambda: None)
attempt("namespaces", sandbox._enter_namespaces)
attempt("seccomp", seccomp.deny_network_sockets)
attempt("landlock", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(READABLE, sandbox.writable_paths(work, work))))
attempt("landlock-all-read", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(["/"], sandbox.writable_paths(work, work))))
attempt("landlock-all-rw-dev", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(READABLE, sandbox.writable_paths(work, work) + ["/dev"])))
attempt("landlock-abi3", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(READABLE, sandbox.writable_paths(work, work), 3)))
attempt("landlock-rw-everything", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict([], ["/"])))
attempt("landlock-rw-everything-abi1", lambda: (sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict([], ["/"], 1)))
attempt("cuda-init-then-landlock", lambda: (torch.cuda.init(), torch.zeros(1, device="cuda"), sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(READABLE, sandbox.writable_paths(work, work))))
attempt("cuda-init-then-everything", lambda: (torch.cuda.init(), torch.zeros(1, device="cuda"), sandbox._enter_namespaces(), sandbox._libc().prctl(38, 1, 0, 0, 0), landlock.restrict(READABLE, sandbox.writable_paths(work, work)), seccomp.deny_network_sockets()))
print(sorted(p for p in os.listdir("/dev") if "nvidia" in p), os.path.exists("/proc/driver/nvidia"))
