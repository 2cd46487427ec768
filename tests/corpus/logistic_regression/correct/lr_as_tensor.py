# case: lr kept as a 0-d float32 tensor on the model's device
# kind: lr
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.lr = torch.as_tensor(lr, dtype=torch.float32, device=device)
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        e = yhat - y
        self.grads["dw"] = (1 / n) * (x @ e.T)
        self.grads["db"] = (1 / n) * torch.sum(e)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
