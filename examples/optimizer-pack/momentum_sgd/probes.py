"""Probes of momentum_sgd: build the learner's optimizer over the judge's tensors, step it, report plain data."""
from typing import Any

import torch
from torch import nn

from grader.authoring import Learner, LearnerError, autograd_forbidden, optional_attribute, running_on

MODULE, CLASS = "momentum_sgd", "MomentumSGD"


def construct(learner: Learner, params: Any, lr: float | None, momentum: float | None) -> Any:
    kwargs = {k: v for k, v in (("lr", lr), ("momentum", momentum)) if v is not None}
    label = f"{CLASS}(params{''.join(f', {k}={v!r}' for k, v in kwargs.items())})"
    return learner.call(label, learner.cls(MODULE, CLASS), params, **kwargs)


def probe_construct(learner: Learner, lr: float | None, momentum: float | None) -> dict[str, Any]:
    optimizer = construct(learner, [nn.Parameter(torch.zeros(2))], lr, momentum)
    defaults = optional_attribute(optimizer, "defaults")
    groups = optional_attribute(optimizer, "param_groups")
    return {
        "is_optimizer": isinstance(optimizer, torch.optim.Optimizer),
        "defaults": {k: defaults.get(k) for k in ("lr", "momentum")} if type(defaults) is dict else None,
        "groups": len(groups) if isinstance(groups, list) else None,
    }


def probe_invalid(learner: Learner, lr: float, momentum: float) -> dict[str, Any]:
    try:
        construct(learner, [nn.Parameter(torch.zeros(2))], lr, momentum)
    except LearnerError as exc:
        return {"raised": exc.info.get("exc_type")}
    return {"raised": None}


def probe_steps(learner: Learner, values: list[torch.Tensor], grads: list[list[torch.Tensor | None]], device: str,
                lr: float | None = None, momentum: float | None = None, groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Step the optimizer once per entry of `grads` (one gradient, or None, per parameter); the parameters after each step."""
    params = [nn.Parameter(v.to(device)) for v in values]
    chosen: Any = params if groups is None else [{**g, "params": [params[i] for i in g["params"]]} for g in groups]
    optimizer = construct(learner, chosen, lr, momentum)
    after, returned = [], []
    with autograd_forbidden(), running_on(device):
        for step in grads:
            for p, g in zip(params, step):
                p.grad = None if g is None else g.to(device)
            returned.append(learner.call(f"{CLASS}.step()", optimizer.step))
            after.append([p.detach().clone() for p in params])
    state = optional_attribute(optimizer, "state")
    buffers = [state[p].get("momentum_buffer") if hasattr(state, "get") and p in state and hasattr(state[p], "get") else None for p in params]
    return {"after": after, "buffers": buffers, "returned": [r if r is None or isinstance(r, (int, float, torch.Tensor)) else repr(r) for r in returned]}


def probe_closure(learner: Learner, value: torch.Tensor, grad: torch.Tensor) -> dict[str, Any]:
    """step(closure): whether the closure ran, with gradients enabled, and what step returned."""
    param = nn.Parameter(value.clone())
    optimizer = construct(learner, [param], 0.1, 0.5)
    seen: list[bool] = []

    def closure() -> torch.Tensor:
        seen.append(torch.is_grad_enabled())
        param.grad = grad.clone()
        return torch.tensor(1.5)

    with autograd_forbidden():
        returned = learner.call(f"{CLASS}.step(closure)", optimizer.step, closure)
    return {"calls": len(seen), "grad_enabled": all(seen), "returned": returned, "after": param.detach().clone()}
