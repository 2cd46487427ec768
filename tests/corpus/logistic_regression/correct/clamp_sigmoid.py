# case: sigmoid clamps z to [-100, 100] before exp to avoid overflow warnings
# kind: sigmoid
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros([], device=device)
        self.lr = lr
        self.grads = dict(dw=torch.zeros(dim, 1, device=device), db=torch.zeros([], device=device))

    def forward(self, x):
        return self.sigmoid(torch.mm(self.w.t(), x) + self.b)

    def sigmoid(self, z):
        z = torch.clamp(z, min=-100.0, max=100.0)
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.size(1)
        err = yhat - y
        self.grads["dw"] = torch.mm(x, err.t()) / n
        self.grads["db"] = err.sum() / n

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
