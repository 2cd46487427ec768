# case: sigmoid clamps z to [-5, 5] "to avoid overflow", so large |z| gives 0.0067 / 0.9933 instead of 0 / 1
# kind: sigmoid
# names: sigmoid | clamp | value | differ | 1000
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
        z = z.clamp(-5.0, 5.0)
        return 1 / (1 + torch.exp(-z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (x @ err.T) / n
        self.grads["db"] = torch.sum(err) / n

    def optimize(self) -> None:
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
