"""Attack: a file in /dev/shm that outlives the job."""
import torch
from torch import Tensor, nn

TOKEN = "__REDTEAM_TOKEN__"
try:
    with open(f"/dev/shm/{TOKEN}-for-the-next-learner", "w") as handle:
        handle.write("hello from the previous submission")
    print("planted a file in /dev/shm")
except OSError as exc:
    print(f"/dev/shm: {exc}")


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
