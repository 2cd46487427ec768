# case: __init__ uses one zeros tensor for both w and grads["dw"], and backward fills dw with copy_, overwriting w
# kind: aliasing
# names: alias | share | same tensor | memory | overwr
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        zeros = torch.zeros(dim, 1, device=device)
        self.w = zeros
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": zeros, "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return 1 / (1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"].copy_((x @ err.T) / n)
        self.grads["db"] = torch.sum(err) / n

    def optimize(self) -> None:
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
