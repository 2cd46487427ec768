# case: dw sums x * err over the feature axis (dim=0) instead of the sample axis, then reshapes to a column
# kind: shape
# names: dw | shape
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return 1 / (1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (x * err).sum(dim=0).reshape(-1, 1) / n
        self.grads["db"] = torch.sum(err) / n

    def optimize(self) -> None:
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
