"""Probes for exercise 2, `logistic_regression.LogisticRegression`."""
from __future__ import annotations

from typing import Any

import torch

from grader.authoring import autograd_forbidden, build, Learner, LearnerError, optional_attribute, running_on, set_attribute, shares_memory

MODULE, CLASS = "logistic_regression", "LogisticRegression"


def constructor_label(dim: int, lr: Any, device: str | None) -> str:
    args = f"{dim}" + ("" if lr is None else f", lr={lr!r}") + (f", device={device!r}" if device else "")
    return f"{CLASS}({args})"


def construct(learner: Learner, dim: int, lr: Any, device: str | None, *, fallback: bool = False) -> Any:
    """The learner's model from their own __init__; `lr=None` leaves the default in place."""
    cls = learner.cls(MODULE, CLASS)
    kwargs = {"device": device} if lr is None else {"lr": lr, "device": device}
    with autograd_forbidden(), running_on(device):
        if fallback:
            return build(learner, cls, constructor_label(dim, lr, device), dim, **kwargs)
        return learner.call(constructor_label(dim, lr, device), cls, dim, **kwargs)


def injected(learner: Learner, w: torch.Tensor, b: torch.Tensor, device: str, lr: Any = 0.01) -> Any:
    """A LogisticRegression from the learner's __init__, then holding the judge's w, b, lr and zero grads."""
    model = construct(learner, w.shape[0], lr, device, fallback=True)
    set_attribute(learner, model, "w", w.to(device))
    set_attribute(learner, model, "b", b.to(device))
    set_attribute(learner, model, "lr", lr.to(device) if isinstance(lr, torch.Tensor) else lr)
    set_attribute(learner, model, "grads", {"dw": torch.zeros_like(w, device=device), "db": torch.zeros_like(b, device=device)})
    return model


def clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if type(value) is dict:
        return {k: clone(v) for k, v in value.items()}
    return value


def aliases(model: Any) -> list[str]:
    """Which of self.grads' tensors share memory with w or b ("grads['dw'] and w"): an alias, not a copy."""
    grads = optional_attribute(model, "grads")
    if type(grads) is not dict:
        return []
    return [f"grads[{key!r}] and {name}" for key in ("dw", "db") for name in ("w", "b")
            if shares_memory(grads.get(key), optional_attribute(model, name))]


def probe_construct(learner: Learner, dim: int, lr: Any, device: str | None) -> dict[str, Any]:
    model = construct(learner, dim, lr, device)
    grads = optional_attribute(model, "grads")
    w, b = optional_attribute(model, "w"), optional_attribute(model, "b")
    names, module_error = [], None
    try:  # fails when super().__init__() was forgotten; only the check that needs a working nn.Module reads it
        names = learner.call(f"{CLASS}.named_parameters()", lambda: [n for n, _ in model.named_parameters()]) if isinstance(model, torch.nn.Module) else []
    except LearnerError as exc:
        module_error = {"kind": "exception", "during": exc.during, **exc.info}
    return {"w": w, "b": b, "lr": optional_attribute(model, "lr"), "grads": grads, "parameter_names": names, "aliases": aliases(model), "module_error": module_error}


def probe_sigmoid(learner: Learner, z: torch.Tensor, device: str) -> Any:
    model = injected(learner, torch.zeros(1, 1), torch.zeros(()), device)
    with running_on(device):
        return learner.call(f"{CLASS}.sigmoid", model.sigmoid, z.to(device))


def probe_forward(learner: Learner, w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, device: str) -> Any:
    model = injected(learner, w, b, device)
    with torch.no_grad(), running_on(device):
        return learner.call(f"{CLASS}.forward", model.forward, x.to(device))


def probe_backward(
    learner: Learner, w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, yhat: torch.Tensor, y: torch.Tensor, device: str, calls: int = 1,
) -> dict[str, Any]:
    """Run backward `calls` times on the judge's reference yhat, with autograd off and trapped."""
    model = injected(learner, w, b, device)
    grads, returned = [], None
    with autograd_forbidden(), running_on(device):
        for _ in range(calls):
            returned = learner.call(f"{CLASS}.backward", model.backward, x.to(device), yhat.to(device), y.to(device))
            grads.append(clone(optional_attribute(model, "grads")))
    return {"grads": grads[-1], "first": grads[0], "returned": returned, "aliases": aliases(model)}


def probe_optimize(learner: Learner, w: torch.Tensor, b: torch.Tensor, dw: torch.Tensor, db: torch.Tensor, lr: Any, device: str) -> dict[str, Any]:
    model = injected(learner, w, b, device, lr)
    set_attribute(learner, model, "grads", {"dw": dw.to(device), "db": db.to(device)})
    with autograd_forbidden(), running_on(device):
        learner.call(f"{CLASS}.optimize", model.optimize)
    return {"w": optional_attribute(model, "w"), "b": optional_attribute(model, "b")}


def probe_train(learner: Learner, x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, device: str) -> dict[str, Any]:
    """Train from the learner's own __init__ for `steps` steps; report what each method left behind."""
    model = construct(learner, x.shape[0], lr, device)
    history = []
    x, y = x.to(device), y.to(device)
    with autograd_forbidden(), running_on(device):
        for _ in range(steps):
            yhat = learner.call(f"{CLASS}.forward", model.forward, x)
            learner.call(f"{CLASS}.backward", model.backward, x, yhat, y)
            grads = clone(optional_attribute(model, "grads"))
            learner.call(f"{CLASS}.optimize", model.optimize)
            # copies: the learner may update in place
            history.append({"yhat": clone(yhat), "grads": grads, "w": clone(optional_attribute(model, "w")), "b": clone(optional_attribute(model, "b"))})
    return {"history": history}
