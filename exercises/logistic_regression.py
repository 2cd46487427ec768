"""Exercise 2: logistic regression trained by hand, without autograd.

The lesson shows that `backward` and the optimizer step can be written by hand.
Here you write them yourself: no `loss.backward()`, no `torch.autograd.grad`, no
`torch.optim`. The grader runs your `backward` with autograd switched off and compares
what you computed with what autograd computes for the same loss.

Data layout follows the lesson: features along rows, samples along columns.
`x` has shape `(dim, n)`; labels `y` and predictions `yhat` have shape `(1, n)`, with
labels in {0., 1.}.

Contract (the grader checks exactly this):

- `__init__(dim, lr=0.01, device=None)`: `self.w` is a plain tensor of zeros with shape
  `(dim, 1)` (not an `nn.Parameter`, not requiring grad); `self.b` is a 0-dimensional
  zero tensor; both on `device` (`None` means the CPU). `self.lr` keeps the learning rate
  (a float or a 0-d tensor). `self.grads` is a dict with exactly the keys `"dw"` (shape
  `(dim, 1)`) and `"db"` (0-dimensional), zero-initialised, on `device`.
- `sigmoid(z)`: elementwise `1 / (1 + exp(-z))`, same shape as `z`, finite values in
  `[0, 1]` for any finite `z` (`z = -1000` gives 0 and `z = 1000` gives 1, never NaN).
- `forward(x)`: returns `sigmoid(w.T @ x + b)`, shape `(1, n)`. Do not forget `+ b`.
- `backward(x, yhat, y)`: stores in `self.grads` the gradient of the mean binary
  cross-entropy `L = -(1/n) * sum(y*log(yhat) + (1-y)*log(1-yhat))`:
  `dw = (1/n) * x @ (yhat - y).T` (shape `(dim, 1)`) and `db = (1/n) * sum(yhat - y)`
  (0-d), where `n = x.shape[1]` is the number of samples. Returns nothing.
- `optimize()`: one step of gradient descent, `w <- w - lr * dw`, `b <- b - lr * db`,
  keeping shapes, dtype and device.

Calling `forward`, `backward`, `optimize` in a loop then trains the model.

Run `grade exercises/` to check your work.
"""
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        # TODO: self.w, self.b, self.grads and self.lr as described above.
        raise NotImplementedError("LogisticRegression.__init__")

    def forward(self, x: Tensor) -> Tensor:
        # TODO: sigmoid(w.T @ x + b)
        raise NotImplementedError("LogisticRegression.forward")

    def sigmoid(self, z: Tensor) -> Tensor:
        # TODO: 1 / (1 + exp(-z))
        raise NotImplementedError("LogisticRegression.sigmoid")

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        # TODO: fill self.grads["dw"] and self.grads["db"] by hand.
        raise NotImplementedError("LogisticRegression.backward")

    def optimize(self) -> None:
        # TODO: one gradient-descent step on self.w and self.b.
        raise NotImplementedError("LogisticRegression.optimize")


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
