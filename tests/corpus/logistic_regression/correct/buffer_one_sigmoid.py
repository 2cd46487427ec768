# case: caches a non-persistent 0-d buffer `one` used in sigmoid; device normalised with torch.device
# kind: sigmoid
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        dev = torch.device("cpu") if device is None else torch.device(device)
        self.register_buffer("one", torch.ones((), device=dev), persistent=False)
        self.w = torch.zeros(dim, 1, device=dev)
        self.b = torch.zeros((), device=dev)
        self.grads = {"dw": torch.zeros(dim, 1, device=dev), "db": torch.zeros((), device=dev)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        one = self.one.to(z.device)
        return one / (one + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        err = yhat - y
        self.grads["dw"] = (1 / n) * (x @ err.T)
        self.grads["db"] = (1 / n) * torch.sum(err)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
