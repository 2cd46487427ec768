# case: sigmoid as exp(F.logsigmoid(z)); optimize with in-place sub_ on w and b
# kind: sigmoid
import torch
import torch.nn.functional as F
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros_like(self.w), "db": torch.zeros_like(self.b)}
        self.lr = lr

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return torch.exp(F.logsigmoid(z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = x @ err.T / n
        self.grads["db"] = err.sum() / n

    def optimize(self) -> None:
        self.w.sub_(self.lr * self.grads["dw"])
        self.b.sub_(self.lr * self.grads["db"])
