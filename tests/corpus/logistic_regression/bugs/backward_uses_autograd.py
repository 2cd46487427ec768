# case: backward recomputes the loss and calls torch.autograd.grad instead of the hand-written formulas
# kind: gradient
# names: autograd | by hand | hand-written | no_grad | requires grad
import torch
from torch import nn


class LogisticRegression(nn.Module):
    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        w = self.w.detach().clone().requires_grad_(True)
        b = self.b.detach().clone().requires_grad_(True)
        p = self.sigmoid(w.T @ x + b)
        loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
        dw, db = torch.autograd.grad(loss, (w, b))
        self.grads["dw"] = dw
        self.grads["db"] = db

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
