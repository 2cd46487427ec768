# case: w kept as a (1, dim) row and forward computes w @ x, so w has the wrong shape
# kind: shape
# names: shape | (dim, 1) | self.w
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(1, dim, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(1, dim, device=device), "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(self.w @ x + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return 1 / (1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (err @ x.T) / n
        self.grads["db"] = torch.sum(err) / n

    def optimize(self) -> None:
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
