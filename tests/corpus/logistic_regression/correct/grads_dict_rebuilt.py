# case: builds a new grads dict in every backward call; sigmoid via reciprocal
# kind: gradient
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.lr = lr
        self.grads = self._zero_grads()

    def _zero_grads(self):
        return {"dw": torch.zeros_like(self.w), "db": torch.zeros_like(self.b)}

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return torch.reciprocal(1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        error = yhat - y
        self.grads = {
            "dw": (1 / n) * (x @ error.T),
            "db": (1 / n) * torch.sum(error),
        }

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
