"""Reference solution of momentum_sgd (the instructor's: `grade assign` writes the learner's stub)."""
import torch
from torch.optim import Optimizer


class MomentumSGD(Optimizer):
    """Stochastic gradient descent with momentum, as torch.optim.SGD(momentum=...) computes it."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.9):
        # BEGIN SOLUTION
        # STUB: # TODO: check lr and momentum, then hand the defaults to Optimizer.__init__
        if lr < 0.0:
            raise ValueError(f"invalid learning rate: {lr}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"invalid momentum: {momentum}")
        super().__init__(params, {"lr": lr, "momentum": momentum})
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None):
        # BEGIN SOLUTION
        # STUB: # TODO: for each parameter with a gradient: update its momentum buffer, then the parameter
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = p.grad.detach().clone()
                else:
                    state["momentum_buffer"].mul_(group["momentum"]).add_(p.grad)
                p.add_(state["momentum_buffer"], alpha=-group["lr"])
        return loss
        # END SOLUTION


if __name__ == "__main__":
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    optimizer = MomentumSGD([w], lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        (w ** 2).sum().backward()
        optimizer.step()
    print(w)
