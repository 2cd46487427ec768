# case: sigmoid through the tanh identity 0.5 * (1 + tanh(z / 2)); dw via torch.mm and db via torch.sum(..)/n
# kind: sigmoid
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros([], device=device)
        self.lr = lr
        self.grads = dict(dw=torch.zeros(dim, 1, device=device), db=torch.zeros([], device=device))

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(torch.mm(self.w.t(), x) + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return 0.5 * (1.0 + torch.tanh(0.5 * z))

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.size(1)
        diff = yhat - y
        self.grads.update(dw=torch.mm(x, diff.t()) / n, db=torch.sum(diff) / n)

    def optimize(self) -> None:
        self.w -= self.lr * self.grads["dw"]
        self.b -= self.lr * self.grads["db"]
