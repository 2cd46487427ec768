# case: grads dict uses the keys 'w' and 'b' instead of 'dw' and 'db'
# kind: naming
# names: keys | key
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"w": torch.zeros(dim, 1, device=device), "b": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        error = yhat - y
        self.grads["w"] = (1 / n) * (x @ error.T)
        self.grads["b"] = (1 / n) * torch.sum(error)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["w"]
        self.b = self.b - self.lr * self.grads["b"]
