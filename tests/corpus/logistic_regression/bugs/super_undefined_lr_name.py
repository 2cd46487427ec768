# case: calls super(LR, self).__init__() with a class name that does not exist (the lesson's bug)
# kind: init
# names: super | lr | not defined | nameerror
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super(LR, self).__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        error = yhat - y
        self.grads["dw"] = (1 / n) * (x @ error.T)
        self.grads["db"] = (1 / n) * torch.sum(error)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
