# case: numerically stable sigmoid with torch.where on exp(-|z|)
# kind: sigmoid
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros((dim, 1), dtype=torch.float32, device=device)
        self.b = torch.tensor(0.0, device=device)
        self.grads = {"dw": torch.zeros_like(self.w), "db": torch.zeros_like(self.b)}
        self.lr = lr

    def forward(self, x):
        z = self.w.T @ x + self.b
        return self.sigmoid(z)

    def sigmoid(self, z):
        e = torch.exp(-torch.abs(z))  # never overflows
        return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (1 / n) * (x @ err.T)
        self.grads["db"] = (1 / n) * torch.sum(err)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
