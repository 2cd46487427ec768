"""Probes for exercise 2, `logistic_regression.LogisticRegression`."""
from __future__ import annotations

from typing import Any

import torch

from grader.probes import blank_instance, optional_attribute
from grader.worker.learner import Learner
from grader.worker.traps import autograd_forbidden

MODULE, CLASS = "logistic_regression", "LogisticRegression"


def injected(learner: Learner, w: torch.Tensor, b: torch.Tensor, device: str, lr: Any = 0.01) -> Any:
    """A LogisticRegression holding the judge's w, b and lr; the learner's __init__ is not run."""
    model = blank_instance(learner.cls(MODULE, CLASS))
    model.w = w.to(device)
    model.b = b.to(device)
    model.lr = lr.to(device) if isinstance(lr, torch.Tensor) else lr
    model.grads = {"dw": torch.zeros_like(model.w), "db": torch.zeros_like(model.b)}
    return model


def clone(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, torch.Tensor) else value


def probe_construct(learner: Learner, dim: int, lr: Any, device: str | None) -> dict[str, Any]:
    cls = learner.cls(MODULE, CLASS)
    args = f"{dim}, lr={lr!r}" + (f", device={device!r}" if device else "")
    with autograd_forbidden():
        model = learner.call(f"{CLASS}({args})", cls, dim, lr=lr, device=device)
    return {
        "w": optional_attribute(model, "w"),
        "b": optional_attribute(model, "b"),
        "lr": optional_attribute(model, "lr"),
        "grads": optional_attribute(model, "grads"),
        "parameter_names": [name for name, _ in model.named_parameters()] if isinstance(model, torch.nn.Module) else [],
    }


def probe_sigmoid(learner: Learner, z: torch.Tensor, device: str) -> Any:
    model = injected(learner, torch.zeros(1, 1), torch.zeros(()), device)
    return learner.call(f"{CLASS}.sigmoid", model.sigmoid, z.to(device))


def probe_forward(learner: Learner, w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, device: str) -> Any:
    model = injected(learner, w, b, device)
    with torch.no_grad():
        return learner.call(f"{CLASS}.forward", model.forward, x.to(device))


def probe_backward(learner: Learner, w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, yhat: torch.Tensor, y: torch.Tensor, device: str) -> dict[str, Any]:
    """Run backward on the judge's reference yhat, with autograd off and trapped."""
    model = injected(learner, w, b, device)
    with autograd_forbidden():
        returned = learner.call(f"{CLASS}.backward", model.backward, x.to(device), yhat.to(device), y.to(device))
    return {"grads": optional_attribute(model, "grads"), "returned": returned}


def probe_optimize(learner: Learner, w: torch.Tensor, b: torch.Tensor, dw: torch.Tensor, db: torch.Tensor, lr: Any, device: str) -> dict[str, Any]:
    model = injected(learner, w, b, device, lr)
    model.grads = {"dw": dw.to(device), "db": db.to(device)}
    with autograd_forbidden():
        learner.call(f"{CLASS}.optimize", model.optimize)
    return {"w": optional_attribute(model, "w"), "b": optional_attribute(model, "b")}


def probe_train(learner: Learner, x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, device: str) -> dict[str, Any]:
    """Train from the learner's own __init__ for `steps` steps; report w and b after each."""
    cls = learner.cls(MODULE, CLASS)
    history = []
    x, y = x.to(device), y.to(device)
    with autograd_forbidden():
        model = learner.call(f"{CLASS}({x.shape[0]}, lr={lr}, device={device!r})", cls, x.shape[0], lr=lr, device=device)
        for _ in range(steps):
            yhat = learner.call(f"{CLASS}.forward", model.forward, x)
            learner.call(f"{CLASS}.backward", model.backward, x, yhat, y)
            learner.call(f"{CLASS}.optimize", model.optimize)
            history.append({"w": clone(model.w), "b": clone(model.b)})  # copies: the learner may update in place
    return {"history": history}
