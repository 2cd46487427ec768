"""Reference solution: logistic regression with a hand-written backward pass."""
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        # BEGIN SOLUTION
        # STUB: # TODO: self.w, self.b, self.grads and self.lr as described above.
        self.w = torch.zeros(dim, 1, dtype=torch.float32, device=device)
        self.b = torch.zeros((), dtype=torch.float32, device=device)
        self.grads = {
            "dw": torch.zeros(dim, 1, dtype=torch.float32, device=device),
            "db": torch.zeros((), dtype=torch.float32, device=device),
        }
        self.lr = lr
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        # BEGIN SOLUTION
        # STUB: # TODO: sigmoid(w.T @ x + b)
        return self.sigmoid(self.w.T @ x + self.b)
        # END SOLUTION

    def sigmoid(self, z: Tensor) -> Tensor:
        # BEGIN SOLUTION
        # STUB: # TODO: 1 / (1 + exp(-z))
        # exp(-z) overflows to inf for very negative z, and 1 / (1 + inf) is 0: no NaN.
        return 1 / (1 + torch.exp(-z))
        # END SOLUTION

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        # BEGIN SOLUTION
        # STUB: # TODO: fill self.grads["dw"] and self.grads["db"] by hand.
        n = x.shape[1]
        error = yhat - y
        self.grads["dw"] = (1 / n) * (x @ error.T)
        self.grads["db"] = (1 / n) * torch.sum(error)
        # END SOLUTION

    def optimize(self) -> None:
        # BEGIN SOLUTION
        # STUB: # TODO: one gradient-descent step on self.w and self.b.
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
        # END SOLUTION


if __name__ == "__main__":
    # Try it: train on two separable clusters, with features along rows and samples along columns.
    torch.manual_seed(0)
    x = torch.cat([torch.randn(2, 50) - 2, torch.randn(2, 50) + 2], dim=1)  # (dim, n) = (2, 100)
    y = torch.cat([torch.zeros(1, 50), torch.ones(1, 50)], dim=1)  # (1, n)
    model = LogisticRegression(dim=2, lr=0.5)
    for epoch in range(200):
        yhat = model.forward(x)
        model.backward(x, yhat, y)
        model.optimize()
    accuracy = ((model.forward(x) > 0.5).float() == y).float().mean()
    print(f"w = {model.w.flatten().tolist()}, b = {model.b.item():.3f}, accuracy = {accuracy.item():.2f}")
