# case: helper methods (_linear, _step) and an explicit device attribute; sigmoid via exp(z)/(1+exp(z)) only for z<0
# kind: sigmoid
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.dim = dim
        self.lr = lr
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {}
        self.grads["dw"] = torch.zeros(dim, 1, device=device)
        self.grads["db"] = torch.zeros((), device=device)

    def forward(self, x):
        return self.sigmoid(self._linear(x))

    def _linear(self, x):
        return self.w.T @ x + self.b

    def sigmoid(self, z):
        pos = 1 / (1 + torch.exp(-z.clamp(min=0)))
        ez = torch.exp(z.clamp(max=0))
        neg = ez / (1 + ez)
        return torch.where(z >= 0, pos, neg)

    def backward(self, x, yhat, y):
        n = x.shape[1]
        delta = yhat - y
        self.grads["dw"] = (1 / n) * x @ delta.T
        self.grads["db"] = (1 / n) * delta.sum()

    @staticmethod
    def _step(p, g, lr):
        return p - lr * g

    def optimize(self):
        self.w = self._step(self.w, self.grads["dw"], self.lr)
        self.b = self._step(self.b, self.grads["db"], self.lr)
