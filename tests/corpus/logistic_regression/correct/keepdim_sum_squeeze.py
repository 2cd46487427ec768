# case: db via sum(dim=1) then squeeze to 0-d, dw via broadcasting multiply and sum(keepdim=True), forward as (x.T @ w).T
# kind: shape
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device, dtype=torch.float32)
        self.b = torch.zeros(1, device=device, dtype=torch.float32).squeeze()
        self.grads = {"dw": self.w.clone(), "db": self.b.clone()}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid((x.T @ self.w).T + self.b)

    def sigmoid(self, z):
        return (1 + (-z).exp()).reciprocal()

    def backward(self, x, yhat, y):
        n = x.shape[-1]
        err = yhat - y                       # (1, n)
        self.grads["dw"] = (x * err).sum(dim=1, keepdim=True) / n   # (dim, 1)
        self.grads["db"] = err.sum(dim=1).squeeze(0) / n           # ()

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
