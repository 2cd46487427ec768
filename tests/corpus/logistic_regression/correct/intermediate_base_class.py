# case: an intermediate base class that implements optimize() for any model with w, b, grads
# kind: other
import torch
from torch import nn


class HandTrainedModel(nn.Module):
    """Base class: gradient descent on self.w / self.b using self.grads."""

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]


class LogisticRegression(HandTrainedModel):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.lr = lr
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}

    def _linear(self, x):
        return self.w.T @ x + self.b

    def forward(self, x):
        return self.sigmoid(self._linear(x))

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = x @ err.T / n
        self.grads["db"] = err.sum() / n
