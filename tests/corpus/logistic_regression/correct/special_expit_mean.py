# case: sigmoid via torch.special.expit; db via mean(), dw via matmul / n
# kind: sigmoid
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        kw = dict(dtype=torch.float32, device=device)
        self.w = torch.zeros(dim, 1, **kw)
        self.b = torch.zeros((), **kw)
        self.grads = {"dw": torch.zeros(dim, 1, **kw), "db": torch.zeros((), **kw)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(torch.matmul(self.w.T, x) + self.b)

    def sigmoid(self, z):
        return torch.special.expit(z)

    def backward(self, x, yhat, y):
        err = yhat - y
        self.grads["dw"] = torch.matmul(x, err.T) / x.shape[1]
        self.grads["db"] = err.mean()

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
