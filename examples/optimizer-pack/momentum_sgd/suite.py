"""Hidden suite of momentum_sgd: every expected value comes from torch.optim.SGD itself, on the judge's side."""
from typing import Any

import pytest
import torch

from grader.authoring import DEVICES, LearnerClient, check, describe_value, expect_close, fail, randn

LR, MOMENTUM = 0.1, 0.9


def reference(values: list[torch.Tensor], grads: list[list[torch.Tensor | None]], lr: float = 0.01, momentum: float = 0.9,
              groups: list[dict[str, Any]] | None = None) -> tuple[list[list[torch.Tensor]], list[torch.Tensor | None]]:
    """torch.optim.SGD(momentum=..., dampening=0) over the same steps: parameters after each, and the final buffers."""
    params = [torch.nn.Parameter(v.clone()) for v in values]
    chosen: Any = params if groups is None else [{**g, "params": [params[i] for i in g["params"]]} for g in groups]
    optimizer = torch.optim.SGD(chosen, lr=lr, momentum=momentum)
    after = []
    for step in grads:
        for p, g in zip(params, step):
            p.grad = None if g is None else g.clone()
        optimizer.step()
        after.append([p.detach().clone() for p in params])
    return after, [optimizer.state[p].get("momentum_buffer") if p in optimizer.state else None for p in params]


def problem(seed: int, steps: int) -> tuple[list[torch.Tensor], list[list[torch.Tensor | None]]]:
    values = [randn(seed, 3, 2), randn(seed + 1, 4)]
    return values, [[randn(seed + 10 + s, 3, 2), randn(seed + 20 + s, 4)] for s in range(steps)]


def expect_steps(observed: dict[str, Any], expected: list[list[torch.Tensor]], what: str, device: str, mistakes=None) -> None:
    after = observed["after"]
    for step, (got, want) in enumerate(zip(after, expected), start=1):
        for index, (g, w) in enumerate(zip(got, want)):
            expect_close(g, w, f"{what}: parameter {index} after step {step}", device=device,
                         mistakes=(mistakes(step, index) if mistakes else None))


@check("MomentumSGD is a torch.optim.Optimizer")
def test_is_optimizer(learner: LearnerClient):
    if not learner.probe("construct", lr=LR, momentum=MOMENTUM)["is_optimizer"]:
        fail("MomentumSGD is not a subclass of torch.optim.Optimizer: write class MomentumSGD(torch.optim.Optimizer).")


@check("defaults hold lr and momentum")
def test_defaults(learner: LearnerClient):
    defaults = learner.probe("construct", lr=LR, momentum=0.5)["defaults"]
    if defaults != {"lr": LR, "momentum": 0.5}:
        fail(f"MomentumSGD(params, lr={LR}, momentum=0.5).defaults holds {describe_value(defaults)}; expected lr and momentum: "
             "pass {'lr': lr, 'momentum': momentum} to Optimizer.__init__.")


@check("the default lr is 0.01 and the default momentum 0.9")
def test_default_values(learner: LearnerClient):
    defaults = learner.probe("construct", lr=None, momentum=None)["defaults"]
    if defaults != {"lr": 0.01, "momentum": 0.9}:
        fail(f"MomentumSGD(params).defaults holds {describe_value(defaults)}; the contract's defaults are lr=0.01, momentum=0.9.")


@check("a negative lr or a momentum outside [0, 1) raises ValueError")
def test_invalid_arguments(learner: LearnerClient):
    for lr, momentum in ((-0.1, 0.9), (0.1, 1.0), (0.1, -0.5)):
        raised = learner.probe("invalid", lr=lr, momentum=momentum)["raised"]
        if raised != "ValueError":
            fail(f"MomentumSGD(params, lr={lr}, momentum={momentum}) should raise ValueError, but it "
                 f"{'raised ' + raised if raised else 'raised nothing'}.")


@check("the first step is p - lr * grad", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_first_step(learner: LearnerClient, device: str):
    values, grads = problem(1, 1)
    expected, _ = reference(values, grads, LR, MOMENTUM)
    observed = learner.probe("steps", values=values, grads=grads, lr=LR, momentum=MOMENTUM, device=device)
    expect_steps(observed, expected, "one step", device,
                 mistakes=lambda s, i: {"p + lr * grad (a step uphill)": values[i] + LR * grads[0][i], "p - grad (lr ignored)": values[i] - grads[0][i],
                                        "p - lr * momentum * grad (the buffer scaled on its first step)": values[i] - LR * MOMENTUM * grads[0][i]})


@check("later steps follow the momentum buffer: v = momentum * v + grad, p -= lr * v", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_momentum_steps(learner: LearnerClient, device: str):
    values, grads = problem(2, 4)
    expected, _ = reference(values, grads, LR, MOMENTUM)
    plain, _ = reference(values, grads, LR, 0.0)
    damped, _ = reference(values, [[g * (1 - MOMENTUM) if s else g for g in step] for s, step in enumerate(grads)], LR, MOMENTUM)
    observed = learner.probe("steps", values=values, grads=grads, lr=LR, momentum=MOMENTUM, device=device)
    expect_steps(observed, expected, f"four steps with momentum {MOMENTUM}", device,
                 mistakes=lambda s, i: {"plain SGD: the momentum buffer is not used": plain[s - 1][i],
                                        "v = momentum * v + (1 - momentum) * grad (dampening)": damped[s - 1][i]})


@check("momentum = 0 is plain gradient descent")
@pytest.mark.parametrize("device", DEVICES)
def test_zero_momentum(learner: LearnerClient, device: str):
    values, grads = problem(3, 3)
    expected, _ = reference(values, grads, LR, 0.0)
    expect_steps(learner.probe("steps", values=values, grads=grads, lr=LR, momentum=0.0, device=device), expected, "momentum 0", device)


@check("a parameter whose grad is None is left alone")
@pytest.mark.parametrize("device", DEVICES)
def test_grad_none(learner: LearnerClient, device: str):
    values, grads = problem(4, 3)
    grads[1][0] = None  # the first parameter gets no gradient at step 2
    expected, _ = reference(values, grads, LR, MOMENTUM)
    expect_steps(learner.probe("steps", values=values, grads=grads, lr=LR, momentum=MOMENTUM, device=device), expected,
                 "steps where a parameter's .grad is None at step 2", device)


@check("self.state[p]['momentum_buffer'] holds the buffer")
def test_state_buffer(learner: LearnerClient):
    values, grads = problem(5, 2)
    _, buffers = reference(values, grads, LR, MOMENTUM)
    observed = learner.probe("steps", values=values, grads=grads, lr=LR, momentum=MOMENTUM, device="cpu")
    for index, (got, want) in enumerate(zip(observed["buffers"], buffers)):
        if got is None:
            fail(f"after two steps, self.state[p]['momentum_buffer'] of parameter {index} is missing: keep the buffer in the optimizer's state.")
        expect_close(got, want, f"self.state[p]['momentum_buffer'] of parameter {index} after two steps", device="cpu")


@check("each parameter group uses its own lr and momentum")
@pytest.mark.parametrize("device", DEVICES)
def test_param_groups(learner: LearnerClient, device: str):
    values, grads = problem(6, 3)
    groups = [{"params": [0]}, {"params": [1], "lr": 0.5, "momentum": 0.3}]
    expected, _ = reference(values, grads, LR, MOMENTUM, groups)
    observed = learner.probe("steps", values=values, grads=grads, lr=LR, momentum=MOMENTUM, groups=groups, device=device)
    expect_steps(observed, expected, "two parameter groups (the second with lr=0.5, momentum=0.3)", device)


@check("step(closure) calls the closure with gradients enabled and returns its loss")
def test_closure(learner: LearnerClient):
    value, grad = randn(7, 3), randn(8, 3)
    observed = learner.probe("closure", value=value, grad=grad)
    if observed["calls"] != 1:
        fail(f"step(closure) called the closure {observed['calls']} times; expected once, before the update.")
    if not observed["grad_enabled"]:
        fail("step(closure) called the closure with gradients disabled: call it inside torch.enable_grad(), as torch's optimizers do.")
    if not (isinstance(observed["returned"], float) or getattr(observed["returned"], "values", None) is not None):
        fail(f"step(closure) returned {describe_value(observed['returned'])}; expected the closure's loss.")
    expect_close(observed["after"], value - 0.1 * grad, "the parameter after step(closure) with lr=0.1", device="cpu")


@check("end to end: training with MomentumSGD matches torch.optim.SGD(momentum=...)", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_matches_torch_sgd(learner: LearnerClient, device: str):
    values, grads = problem(9, 8)
    expected, _ = reference(values, grads, 0.05, 0.8)
    expect_steps(learner.probe("steps", values=values, grads=grads, lr=0.05, momentum=0.8, device=device), expected,
                 "eight steps with lr=0.05, momentum=0.8", device)
