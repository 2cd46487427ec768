# case: __init__ keeps a handle self._dw = grads["dw"]; backward rebinds the dict entry, so optimize steps with the stale zeros
# kind: other
# names: optimize | step | update | train
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}
        self._dw = self.grads["dw"]
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return 1 / (1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (x @ err.T) / n
        self.grads["db"] = torch.sum(err) / n

    def optimize(self) -> None:
        self.w = self.w - self.lr * self._dw
        self.b = self.b - self.lr * self.grads["db"]
