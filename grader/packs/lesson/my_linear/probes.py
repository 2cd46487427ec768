"""Probes for exercise 1, `my_linear.MyLinear`."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.authoring import build, Learner, LearnerError, optional_attribute, parameter, ProbeFailure, running_on, set_attribute

MODULE, CLASS = "my_linear", "MyLinear"


def construct(learner: Learner, in_features: int, out_features: int, bias: bool, seed: int) -> nn.Module:
    cls = learner.cls(MODULE, CLASS)
    torch.manual_seed(seed)
    return learner.call(f"{CLASS}({in_features}, {out_features}, bias={bias})", cls, in_features, out_features, bias=bias)


def injected(learner: Learner, weights: torch.Tensor, bias: torch.Tensor | None, device: str) -> nn.Module:
    """A MyLinear built by the learner's own __init__, holding the judge's weights and bias on `device`."""
    in_features, out_features = weights.shape
    torch.manual_seed(0)
    module = build(learner, learner.cls(MODULE, CLASS), f"{CLASS}({in_features}, {out_features}, bias={bias is not None})",
                   in_features, out_features, bias=bias is not None)
    set_attribute(learner, module, "weights", parameter(weights, "cpu"))
    set_attribute(learner, module, "bias", None if bias is None else parameter(bias, "cpu"))
    if isinstance(module, nn.Module):
        module = learner.call(f"{CLASS}.to({device!r})", module.to, device)
    return module


def probe_construct(learner: Learner, in_features: int, out_features: int, bias: bool, seed: int) -> dict[str, Any]:
    module = construct(learner, in_features, out_features, bias, seed)
    if not isinstance(module, nn.Module):
        raise ProbeFailure("not_a_module", f"{CLASS} is not a subclass of nn.Module", name=CLASS)
    return {
        "in_features": optional_attribute(module, "in_features"),
        "out_features": optional_attribute(module, "out_features"),
        "weights": optional_attribute(module, "weights"),
        "bias": optional_attribute(module, "bias"),
        "parameter_names": [name for name, _ in learner.call(f"{CLASS}.named_parameters()", lambda: list(module.named_parameters()))],
        "state_dict_keys": list(learner.call(f"{CLASS}.state_dict()", lambda: list(module.state_dict().keys()))),
    }


def probe_seeded_weights(learner: Learner, in_features: int, out_features: int, seeds: list[int]) -> list[Any]:
    """The initial weights and bias for each seed, to check reproducibility."""
    result = []
    for seed in seeds:
        module = construct(learner, in_features, out_features, True, seed)
        result.append({"weights": optional_attribute(module, "weights"), "bias": optional_attribute(module, "bias")})
    return result


def probe_forward(learner: Learner, weights: torch.Tensor, bias: torch.Tensor | None, x: torch.Tensor, device: str) -> Any:
    module = injected(learner, weights, bias, device)
    with running_on(device):
        return learner.call(f"{CLASS}.forward", module.forward, x.to(device))


def probe_gradients(
    learner: Learner, weights: torch.Tensor, bias: torch.Tensor | None, x: torch.Tensor, grad_output: torch.Tensor, device: str
) -> dict[str, Any]:
    """Backpropagate `sum(forward(x) * grad_output)` and report each leaf's gradient."""
    module = injected(learner, weights, bias, device)
    x = x.to(device).requires_grad_(True)
    with running_on(device):
        output = learner.call(f"{CLASS}.forward", module.forward, x)
        if not isinstance(output, torch.Tensor):
            return {"output": output}
        if not output.requires_grad:
            return {"output": output, "detached": True}
        if tuple(output.shape) != tuple(grad_output.shape):
            return {"output": output}
        learner.call("loss.backward() through the result of your forward", lambda: (output * grad_output.to(device)).sum().backward())
    return {
        "output": output,
        "weights": learner.call(f"{CLASS}.weights.grad", lambda: module.weights.grad),
        "bias": learner.call(f"{CLASS}.bias.grad", lambda: module.bias.grad) if bias is not None else None,
        "x": x.grad,
    }


def sgd_step(parameters: list[torch.Tensor], lr: float) -> None:
    """Plain SGD; torch.optim's first use costs about a second."""
    with torch.no_grad():
        for p in parameters:
            p -= lr * p.grad


def probe_train(
    learner: Learner, in_features: int, out_features: int, seed: int, weights: torch.Tensor, bias: torch.Tensor,
    x: torch.Tensor, target: torch.Tensor, lr: float, steps: int, device: str,
) -> dict[str, Any]:
    """Build the learner's module, load the judge's values, and train it with plain SGD."""
    module = construct(learner, in_features, out_features, True, seed)
    try:
        learner.call(f"{CLASS}.load_state_dict", module.load_state_dict, {"weights": weights, "bias": bias})
    except LearnerError as exc:
        reason = str(exc.info.get("message", "")).strip().splitlines()
        raise ProbeFailure(
            "state_dict", f"load_state_dict({{'weights': (in, out) tensor, 'bias': (out,) tensor}}) failed on your module: {' '.join(reason)[:400]}",
        ) from None
    module = learner.call(f"{CLASS}.to({device!r})", module.to, device)
    parameters = learner.call(f"{CLASS}.weights and .bias", lambda: [module.weights, module.bias])
    x, target = x.to(device), target.to(device)
    losses, outputs, steps_taken = [], [], []
    with running_on(device):
        for _ in range(steps):
            for p in parameters:
                p.grad = None
            output = learner.call(f"{CLASS}.forward", module, x)
            if not isinstance(output, torch.Tensor) or not output.requires_grad:
                raise ProbeFailure("training", f"training stopped: forward returned {'a tensor that autograd cannot differentiate' if isinstance(output, torch.Tensor) else type(output).__name__}, so loss.backward() has nothing to work on")
            outputs.append(output.detach().clone())
            loss = learner.call("the loss of your forward's result", lambda: ((output - target) ** 2).mean())
            learner.call("loss.backward() through the result of your forward", loss.backward)
            for name, p in zip(("weights", "bias"), parameters):
                if p.grad is None:
                    raise ProbeFailure("training", f"training stopped: after loss.backward(), {name}.grad is None, so forward does not use self.{name} in a way autograd can follow (no .data, no .detach(), requires_grad left on)")
            learner.call("a gradient-descent step on your module's parameters", sgd_step, parameters, lr)
            steps_taken.append({"weights": parameters[0].detach().clone(), "bias": parameters[1].detach().clone()})
            if device != "meta":
                losses.append(loss.detach().item())
    return {"weights": parameters[0], "bias": parameters[1], "losses": losses, "outputs": outputs, "steps": steps_taken}
