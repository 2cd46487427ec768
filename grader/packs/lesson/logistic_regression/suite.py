"""Hidden suite for exercise 2, `logistic_regression.LogisticRegression` (hand-written backward)."""
from typing import Any

import pytest
import torch

from grader.authoring import check, describe_error, describe_value, DEVICES, error_category, expect_close, expect_tensor_like, fail, labels, LearnerClient, location_of, matches, randn, render, sanitize_error, TensorObservation

DIM, N = 4, 6


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(z)


def reference_model(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-zero w and b, so that a forgotten `+ b` shows."""
    return randn(seed, DIM, 1), torch.tensor(0.75)


def bce_gradients(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """yhat, dL/dw and dL/db for the mean binary cross-entropy, computed by autograd."""
    w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
    yhat = sigmoid(w.T @ x + b)
    loss = torch.nn.functional.binary_cross_entropy(yhat, y)
    dw, db = torch.autograd.grad(loss, (w, b))
    return yhat.detach(), dw, db


def as_number(kept: Any) -> float | None:
    """A learning rate the learner kept, as a number: a float, an int or a one-element tensor."""
    if isinstance(kept, TensorObservation):
        return float(kept.values.reshape(-1)[0]) if kept.values is not None and kept.values.numel() == 1 else None
    if type(kept) in (float, int):
        return float(kept)
    return None


@check("__init__ creates w as (dim, 1) zeros and b as a 0-d zero, plain tensors")
def test_init_parameters(learner: LearnerClient):
    built = learner.probe("construct", dim=DIM, lr=0.01, device=None)
    if built["module_error"]:
        error = sanitize_error(built["module_error"])
        fail(describe_error(error), location_of(error), category=error_category(error))
    if built["parameter_names"]:
        fail(f"LogisticRegression({DIM}) has the parameters {built['parameter_names']}: this model is trained by hand, so keep w and b plain tensors (torch.zeros), not nn.Parameter.")
    w = expect_tensor_like(built["w"], f"LogisticRegression({DIM}).w", shape=(DIM, 1), device="cpu")
    b = expect_tensor_like(built["b"], f"LogisticRegression({DIM}).b", shape=(), device="cpu")
    for name, value in (("w", w), ("b", b)):
        if value.is_parameter or value.requires_grad:
            fail(f"LogisticRegression({DIM}).{name} requires grad (or is an nn.Parameter): this model is trained by hand, so keep it a plain tensor (torch.zeros).")
        if bool((value.values != 0).any()):
            fail(f"LogisticRegression({DIM}).{name} should start at zero; it holds non-zero values.")


@check("__init__ creates grads = {'dw': (dim, 1) zeros, 'db': 0-d zero}")
def test_init_grads(learner: LearnerClient):
    grads = learner.probe("construct", dim=DIM, lr=0.01, device=None)["grads"]
    if not isinstance(grads, dict):
        fail(f"LogisticRegression({DIM}).grads should be a dict, but it is {describe_value(grads)}.")
    if sorted(grads) != ["db", "dw"]:
        fail(f"LogisticRegression({DIM}).grads has the keys {sorted(grads)}; expected exactly 'dw' and 'db'.")
    expect_close(grads["dw"], torch.zeros(DIM, 1), f"LogisticRegression({DIM}).grads['dw']", device="cpu")
    expect_close(grads["db"], torch.zeros(()), f"LogisticRegression({DIM}).grads['db']", device="cpu")
    built = learner.probe("construct", dim=DIM, lr=0.01, device=None)
    if built["aliases"]:
        fail(f"LogisticRegression({DIM}).{built['aliases'][0]} are the same tensor (they share memory), so changing one changes the other: "
             "give grads tensors of their own (torch.zeros(...) or .clone()).", cause="grads alias w or b")


@check("__init__ keeps the learning rate, given as a float or a 0-d tensor")
def test_init_learning_rate(learner: LearnerClient):
    for lr in (0.25, torch.tensor(0.25)):
        kept = learner.probe("construct", dim=DIM, lr=lr, device=None)["lr"]
        value = as_number(kept)
        if value is None or abs(value - 0.25) > 1e-7:
            fail(f"LogisticRegression({DIM}, lr={lr!r}).lr should be 0.25, but it is {describe_value(kept)}.")


@check("the default learning rate is 0.01")
def test_init_default_learning_rate(learner: LearnerClient):
    kept = learner.probe("construct", dim=DIM, lr=None, device=None)["lr"]
    value = as_number(kept)
    if value is None:
        fail(f"LogisticRegression({DIM}).lr should be the default 0.01, but it is {describe_value(kept)}.")
    if abs(value - 0.01) > 1e-9:
        fail(f"LogisticRegression({DIM}) without lr has lr = {render(kept)}; the contract's default is lr=0.01 (def __init__(self, dim, lr=0.01, device=None)).")


@check("__init__ puts w, b and grads on the requested device")
@pytest.mark.parametrize("device", DEVICES)
def test_init_device(learner: LearnerClient, device: str):
    built = learner.probe("construct", dim=DIM, lr=0.01, device=device)
    expect_tensor_like(built["w"], f"LogisticRegression({DIM}, device={device!r}).w", device=device)
    expect_tensor_like(built["b"], f"LogisticRegression({DIM}, device={device!r}).b", device=device)
    if isinstance(built["grads"], dict):
        for key, value in built["grads"].items():
            expect_tensor_like(value, f"LogisticRegression({DIM}, device={device!r}).grads[{key!r}]", device=device)


@check("sigmoid(z) computes 1 / (1 + exp(-z)) elementwise")
@pytest.mark.parametrize("device", DEVICES)
def test_sigmoid(learner: LearnerClient, device: str):
    z = randn(2, 3, 5) * 4
    expect_close(learner.probe("sigmoid", z=z, device=device), sigmoid(z), f"sigmoid(z) for z of shape {tuple(z.shape)}", device=device,
                 mistakes={"1 / (1 + exp(z)), a sign error in the exponent": 1 / (1 + torch.exp(z))})


@check("sigmoid stays finite in [0, 1] for very large |z|")
@pytest.mark.parametrize("device", DEVICES)
def test_sigmoid_extremes(learner: LearnerClient, device: str):
    z = torch.tensor([[-1000.0, -100.0, 0.0, 100.0, 1000.0]])
    expect_close(learner.probe("sigmoid", z=z, device=device), sigmoid(z), "sigmoid(z) for z = [-1000, -100, 0, 100, 1000]", device=device, atol=1e-6)


@check("forward(x) computes sigmoid(w.T @ x + b)", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_forward(learner: LearnerClient, device: str):
    w, b = reference_model()
    x = randn(3, DIM, N)
    expect_close(
        learner.probe("forward", w=w, b=b, x=x, device=device), sigmoid(w.T @ x + b), f"forward(x) for x of shape {tuple(x.shape)}", device=device,
        mistakes={"sigmoid(w.T @ x), without + b (the lesson's code forgets + self.b)": sigmoid(w.T @ x), "w.T @ x + b, without the sigmoid": w.T @ x + b},
    )


def expect_grads(grads: Any, when: str) -> None:
    """self.grads must be a dict holding 'dw' and 'db' (a misspelt key fails every gradient check: one cause)."""
    if not isinstance(grads, dict) or not {"dw", "db"} <= set(grads):
        fail(f"{when}, self.grads should be a dict with 'dw' and 'db', but it is {describe_value(grads)}.", cause="grads not a dict with dw and db")


def observed_gradients(learner: LearnerClient, device: str) -> tuple[dict, torch.Tensor, torch.Tensor, torch.Tensor]:
    w, b = reference_model()
    x, y = randn(4, DIM, N), labels(5, N)
    yhat, dw, db = bce_gradients(w, b, x, y)
    observed = learner.probe("backward", w=w, b=b, x=x, yhat=yhat, y=y, device=device)
    grads = observed["grads"]
    expect_grads(grads, "after backward")
    return grads, x, yhat - y, (dw, db)


@check("backward stores dL/dw = (1/n) * x @ (yhat - y).T, without autograd", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_backward_dw(learner: LearnerClient, device: str):
    grads, x, error, (dw, _) = observed_gradients(learner, device)
    expect_close(
        grads["dw"], dw, "self.grads['dw'] after backward(x, yhat, y)", device=device,
        mistakes={
            "x @ (yhat - y).T without the factor 1/n": x @ error.T,
            "x @ (yhat - y).T divided by dim = x.shape[0] instead of n = x.shape[1]": x @ error.T / DIM,
            "the gradient with the wrong sign (y - yhat instead of yhat - y)": -dw,
        },
    )


@check("backward stores dL/db = (1/n) * sum(yhat - y), without autograd", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_backward_db(learner: LearnerClient, device: str):
    grads, _, error, (_, db) = observed_gradients(learner, device)
    expect_close(
        grads["db"], db, "self.grads['db'] after backward(x, yhat, y)", device=device,
        mistakes={
            "sum(yhat - y) without the factor 1/n": error.sum(),
            "sum(yhat - y) divided by dim instead of n": error.sum() / DIM,
            "the gradient with the wrong sign (y - yhat instead of yhat - y)": -db,
        },
    )


@check("backward called twice stores the same gradients: it replaces self.grads, it does not add to them")
@pytest.mark.parametrize("device", DEVICES)
def test_backward_twice(learner: LearnerClient, device: str):
    w, b = reference_model()
    x, y = randn(4, DIM, N), labels(5, N)
    yhat, dw, db = bce_gradients(w, b, x, y)
    observed = learner.probe("backward", w=w, b=b, x=x, yhat=yhat, y=y, device=device, calls=2)
    grads = observed["grads"]
    expect_grads(grads, "after backward")
    for key, expected in (("dw", dw), ("db", db)):
        if device != "meta" and matches(grads[key], 2 * expected):
            fail(f"after calling backward twice with the same inputs, self.grads[{key!r}] is twice the gradient: backward adds to "
                 "self.grads (+=, add_) instead of replacing them. Assign the new gradients: self.grads['dw'] = ...", category="gradients accumulate")
        expect_close(grads[key], expected, f"self.grads[{key!r}] after calling backward(x, yhat, y) twice", device=device)
    if observed["aliases"]:
        fail(f"after backward, self.{observed['aliases'][0]} are the same tensor (they share memory): optimize would then change the gradient "
             "while it updates the parameter. Store new tensors in self.grads.", category="gradients alias parameters")


@check("forward and backward work for one sample (n = 1) and for dim = 1")
@pytest.mark.parametrize("device", DEVICES)
def test_small_shapes(learner: LearnerClient, device: str):
    for dim, n in ((DIM, 1), (1, 5)):
        w, b = randn(8, dim, 1), torch.tensor(-0.25)
        x, y = randn(9, dim, n), labels(10, n) if n > 1 else torch.ones(1, 1)
        shape = f"x of shape {(dim, n)}"
        expect_close(learner.probe("forward", w=w, b=b, x=x, device=device, context=f"for {shape}"), sigmoid(w.T @ x + b), f"forward(x) for {shape}", device=device)
        yhat, dw, db = bce_gradients(w, b, x, y)
        observed = learner.probe("backward", w=w, b=b, x=x, yhat=yhat, y=y, device=device, context=f"for {shape}")
        grads = observed["grads"]
        expect_grads(grads, "after backward")
        expect_close(grads["dw"], dw, f"self.grads['dw'] after backward for {shape}", device=device)
        expect_close(grads["db"], db, f"self.grads['db'] after backward for {shape}", device=device)


@check("optimize takes one gradient-descent step on w and b")
@pytest.mark.parametrize("device", DEVICES)
def test_optimize(learner: LearnerClient, device: str):
    w, b = reference_model()
    dw, db = randn(6, DIM, 1), torch.tensor(-0.5)
    for lr in (0.1, torch.tensor(0.1)):
        stepped = learner.probe("optimize", w=w, b=b, dw=dw, db=db, lr=lr, device=device)
        kind = "a float" if isinstance(lr, float) else "a 0-d tensor"
        expect_close(stepped["w"], w - 0.1 * dw, f"w after optimize() with lr {kind}", device=device,
                     mistakes={"w + lr * dw (a step uphill)": w + 0.1 * dw, "w - dw (lr ignored)": w - dw, "w unchanged: the step did not change w": w})
        expect_close(stepped["b"], b - 0.1 * db, f"b after optimize() with lr {kind}", device=device,
                     mistakes={"b + lr * db (a step uphill)": b + 0.1 * db, "b - db (lr ignored)": b - db, "b unchanged: the step did not change b": b})


@check("end to end: forward, backward, optimize in a loop train like the reference", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_training(learner: LearnerClient, device: str):
    x = randn(7, DIM, 32)
    y = ((torch.tensor([[1.0, -2.0, 0.5, 1.5]]) @ x) > 0).float()
    lr, steps = 0.5, 15
    history = learner.probe("train", x=x, y=y, lr=lr, steps=steps, device=device)["history"]
    if len(history) != steps:
        fail(f"training reported {len(history)} steps instead of {steps}.")
    w, b = torch.zeros(DIM, 1), torch.zeros(())
    previous = {"dw": torch.zeros(DIM, 1), "db": torch.zeros(())}
    for step, observed in enumerate(history, start=1):  # the first step and method that leave the reference's path
        yhat = sigmoid(w.T @ x + b)
        expect_close(observed["yhat"], yhat, f"at training step {step}, forward(x)", device=device, atol=1e-4)
        dw, db = x @ (yhat - y).T / x.shape[1], (yhat - y).sum() / x.shape[1]
        grads = observed["grads"]
        expect_grads(grads, f"at training step {step}, after backward")
        for key, expected in (("dw", dw), ("db", db)):
            if device != "meta" and step > 1 and matches(grads[key], expected + previous[key], atol=1e-4):
                fail(f"at training step {step}, self.grads[{key!r}] is this step's gradient plus the previous step's: backward adds to "
                     "self.grads (+=, add_) instead of replacing them. Assign the new gradients: self.grads['dw'] = ...", category="gradients accumulate")
            expect_close(grads[key], expected, f"at training step {step}, self.grads[{key!r}] after backward", device=device, atol=1e-4)
        previous = {"dw": dw, "db": db}
        w, b = w - lr * dw, b - lr * db
        expect_close(observed["w"], w, f"at training step {step}, w after optimize()", device=device, atol=1e-4)
        expect_close(observed["b"], b, f"at training step {step}, b after optimize()", device=device, atol=1e-4)
