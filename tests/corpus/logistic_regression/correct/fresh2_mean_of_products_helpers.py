# case: gradients as means over the sample axis ((x * err).mean(dim=1) and err.mean()), zeros made with new_zeros helpers
# kind: gradient
import torch
from torch import Tensor, nn


class _Base(nn.Module):
    def _zeros(self, *shape, device=None) -> Tensor:
        return torch.zeros(shape, dtype=torch.float32, device=device)


class LogisticRegression(_Base):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = self._zeros(dim, 1, device=device)
        self.b = self._zeros(device=device)
        self.grads = {"dw": self.w.new_zeros(dim, 1), "db": self.b.new_zeros(())}
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        logits = (self.w * x).sum(dim=0, keepdim=True) + self.b
        return self.sigmoid(logits)

    def sigmoid(self, z: Tensor) -> Tensor:
        return torch.reciprocal(1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        err = yhat - y
        self.grads["dw"] = (x * err).mean(dim=1, keepdim=True)
        self.grads["db"] = err.mean()

    def optimize(self) -> None:
        self._step("w", "dw")
        self._step("b", "db")

    def _step(self, name: str, gname: str) -> None:
        setattr(self, name, getattr(self, name) - self.lr * self.grads[gname])
