# case: keeps self.dim and self.n (n recomputed from x.shape[1] inside backward)
# kind: gradient
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.dim = dim
        self.n = None
        self.lr = lr
        self.device = device
        self.w = torch.zeros(self.dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(self.dim, 1, device=device), "db": torch.zeros((), device=device)}

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1.0 / (1.0 + torch.exp(-z))

    def backward(self, x, yhat, y):
        self.n = x.shape[1]
        diff = yhat - y
        self.grads["dw"] = (x @ diff.T) / self.n
        self.grads["db"] = diff.sum() / self.n

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
