"""Exercise 1: MyLinear, a linear layer built from nn.Parameter.

In the lesson (nn.Module and nn.Parameter) a layer keeps its learnable tensors as
`nn.Parameter` attributes, so that `model.parameters()` finds them and autograd
computes their gradients.

Contract (the grader checks exactly this):

- `MyLinear(in_features, out_features, bias=True)` is an `nn.Module`.
- `self.in_features`, `self.out_features`: the two ints, as given.
- `self.weights`: an `nn.Parameter` of shape `(in_features, out_features)`.
  This is the transpose of `nn.Linear.weight`, because forward computes `x @ weights`.
- `self.bias`: an `nn.Parameter` of shape `(out_features,)` when `bias=True`.
  When `bias=False`, `self.bias` is `None` and the module has no bias parameter at all:
  `[name for name, _ in m.named_parameters()] == ["weights"]`.
  (Hint: `self.register_parameter("bias", None)`.)
- Initial values are up to you (`torch.randn` as in the lesson is fine), but they
  must be finite and come from torch's random generator, so that
  `torch.manual_seed(s)` before construction makes them reproducible.
- `forward(x)`: `x` has shape `(*, in_features)`, any number of leading dimensions
  (including none). Return `x @ weights + bias` (without `+ bias` when there is none),
  of shape `(*, out_features)`. Keep it differentiable (no `.detach()`, no `.data`) and
  device-agnostic (create no tensor on a fixed device inside forward).
- `state_dict()` keys are exactly `weights` and, with a bias, `bias`.

Run `grade exercises/` to check your work.
"""
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        # TODO: store in_features and out_features, create self.weights and
        # self.bias as nn.Parameter (or no bias at all when bias=False).
        raise NotImplementedError("MyLinear.__init__")

    def forward(self, x: Tensor) -> Tensor:
        # TODO: return x @ weights + bias
        raise NotImplementedError("MyLinear.forward")


if __name__ == "__main__":
    # Try it: shapes, parameters, and a few steps of training with autograd and torch.optim.
    torch.manual_seed(0)
    layer = MyLinear(3, 2)
    print([name for name, _ in layer.named_parameters()])  # ['weights', 'bias']
    print(layer(torch.ones(4, 3)).shape)  # torch.Size([4, 2])
    print(MyLinear(3, 2, bias=False).bias)  # None

    x, target = torch.randn(64, 3), torch.randn(64, 2)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    for epoch in range(20):
        optimizer.zero_grad()
        loss = ((layer(x) - target) ** 2).mean()
        loss.backward()
        optimizer.step()
    print(f"loss after 20 steps: {loss.item():.3f}")
