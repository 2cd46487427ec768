"""Hidden suite for exercise 1, `my_linear.MyLinear`."""
import math

import pytest
import torch

from grader.authoring import autograd_gradients, check, describe_value, DEVICES, expect_close, expect_tensor_like, fail, is_missing, LearnerClient, randn, TensorObservation

IN, OUT = 4, 3


def reference_parameters(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    return randn(seed, IN, OUT), randn(seed + 100, OUT)


@check("MyLinear keeps in_features and out_features")
def test_init_sizes(learner: LearnerClient):
    built = learner.probe("construct", in_features=IN, out_features=OUT, bias=True, seed=0)
    for name, value in (("in_features", IN), ("out_features", OUT)):
        if type(built[name]) is not int or built[name] != value:
            fail(f"MyLinear({IN}, {OUT}).{name} should be {value} (the int given), but it is {describe_value(built[name])}.")


@check("weights is an nn.Parameter of shape (in_features, out_features)")
def test_init_weights(learner: LearnerClient):
    weights = learner.probe("construct", in_features=IN, out_features=OUT, bias=True, seed=0)["weights"]
    expect_tensor_like(weights, f"MyLinear({IN}, {OUT}).weights", dtype=None)
    if not weights.is_parameter:
        fail(f"MyLinear({IN}, {OUT}).weights is a plain tensor; wrap it in nn.Parameter so that the module trains it.")
    if weights.shape == (OUT, IN):
        fail(f"MyLinear({IN}, {OUT}).weights has shape {weights.shape}, the layout of nn.Linear.weight; this exercise uses (in_features, out_features) = {(IN, OUT)} because forward computes x @ weights.")
    expect_tensor_like(weights, f"MyLinear({IN}, {OUT}).weights", shape=(IN, OUT))


@check("bias is an nn.Parameter of shape (out_features,)")
def test_init_bias(learner: LearnerClient):
    bias = learner.probe("construct", in_features=IN, out_features=OUT, bias=True, seed=0)["bias"]
    if bias is None or is_missing(bias):
        fail(f"MyLinear({IN}, {OUT}, bias=True).bias should be an nn.Parameter of shape {(OUT,)}, but it is {describe_value(bias)}.")
    expect_tensor_like(bias, f"MyLinear({IN}, {OUT}).bias", shape=(OUT,))
    if not bias.is_parameter:
        fail(f"MyLinear({IN}, {OUT}).bias is a plain tensor; wrap it in nn.Parameter so that the module trains it.")


@check("MyLinear(..., bias=False) has no bias parameter")
def test_init_without_bias(learner: LearnerClient):
    built = learner.probe("construct", in_features=IN, out_features=OUT, bias=False, seed=0)
    names = built["parameter_names"]
    if "bias" in names or (built["bias"] is not None and not is_missing(built["bias"])):
        fail(
            f"MyLinear({IN}, {OUT}, bias=False) still has a bias ({describe_value(built['bias'])}; parameters: {names}). "
            "The bias argument is ignored, as in the lesson's code: when bias=False, set "
            "self.register_parameter('bias', None) instead of creating a parameter or a buffer."
        )
    if is_missing(built["bias"]):
        fail(f"MyLinear({IN}, {OUT}, bias=False) has no attribute bias at all; the contract asks for self.bias = None (e.g. self.register_parameter('bias', None)).")
    if names != ["weights"]:
        fail(f"MyLinear({IN}, {OUT}, bias=False) should have exactly one parameter, 'weights'; it has {names}.")


@check("initial values are finite, random, and reproducible with torch.manual_seed")
def test_init_random_reproducible(learner: LearnerClient):
    first, again, other = learner.probe("seeded_weights", in_features=IN, out_features=OUT, seeds=[0, 0, 1])
    for name in ("weights", "bias"):
        a, b, c = (expect_tensor_like(d[name], f"MyLinear({IN}, {OUT}).{name}", dtype=None) for d in (first, again, other))
        if not bool(torch.isfinite(a.values).all()):
            fail(f"MyLinear({IN}, {OUT}).{name} starts with values that are not finite (NaN or inf).")
        if not torch.equal(a.values, b.values):
            fail(f"MyLinear({IN}, {OUT}).{name} differs between two constructions after the same torch.manual_seed(0): draw the initial values from torch's generator (e.g. torch.randn), not from Python's random or numpy.")
        zero_bias = name == "bias" and not bool(a.values.any()) and not bool(c.values.any())  # zeros are a correct bias
        if torch.equal(a.values, c.values) and not zero_bias:
            fail(f"MyLinear({IN}, {OUT}).{name} is the same for torch.manual_seed(0) and torch.manual_seed(1): initialise it randomly (e.g. torch.randn).")
    (single,) = learner.probe("seeded_weights", in_features=1, out_features=2, seeds=[0])  # a scale like 1/sqrt(in - 1) breaks here
    for name in ("weights", "bias"):
        values = expect_tensor_like(single[name], f"MyLinear(1, 2).{name}", dtype=None)
        if not bool(torch.isfinite(values.values).all()):
            fail(f"MyLinear(1, 2).{name} starts with values that are not finite (NaN or inf): check the scale of your initialisation for in_features = 1.")


@check("state_dict() has exactly the keys 'weights' and 'bias'")
def test_state_dict_keys(learner: LearnerClient):
    keys = learner.probe("construct", in_features=IN, out_features=OUT, bias=True, seed=0)["state_dict_keys"]
    if keys != ["weights", "bias"]:
        fail(f"MyLinear({IN}, {OUT}).state_dict() has the keys {keys}; expected ['weights', 'bias'] (register only these two, with these names).")


@check("forward(x) computes x @ weights + bias", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_forward(learner: LearnerClient, device: str):
    weights, bias = reference_parameters()
    x = randn(2, 5, IN)
    y = learner.probe("forward", weights=weights, bias=bias, x=x, device=device)
    expect_close(
        y, x @ weights + bias, f"forward(x) for x of shape {tuple(x.shape)}", device=device,
        mistakes={"x @ weights, without + bias": x @ weights, "x @ weights - bias": x @ weights - bias},
    )


@check("forward accepts any number of leading dimensions, including none and sizes of 1")
@pytest.mark.parametrize("device", DEVICES)
def test_forward_leading_dimensions(learner: LearnerClient, device: str):
    for out in (OUT, 1):  # out_features = 1 too: a squeeze() must not drop that dimension
        weights, bias = randn(1, IN, out), randn(101, out)
        for x in (randn(3, 2, 3, IN), randn(4, IN), randn(5, 1, 1, IN), randn(6, 1, IN), randn(7, 2, 1, IN)):
            what = f"forward(x) for x of shape {tuple(x.shape)} and out_features = {out}"
            y = learner.probe("forward", weights=weights, bias=bias, x=x, device=device, context=f"for x of shape {tuple(x.shape)}")
            expected = x @ weights + bias
            if isinstance(y, TensorObservation) and y.shape != tuple(expected.shape) and math.prod(y.shape) == expected.numel():
                fail(f"{what} has shape {y.shape}, expected {tuple(expected.shape)}: keep every leading dimension, even one of size 1 (no squeeze(), no view with a fixed shape).", category="wrong shape")
            expect_close(y, expected, what, device=device)


@check("forward without a bias computes x @ weights")
@pytest.mark.parametrize("device", DEVICES)
def test_forward_without_bias(learner: LearnerClient, device: str):
    weights, _ = reference_parameters()
    x = randn(5, 5, IN)
    y = learner.probe("forward", weights=weights, bias=None, x=x, device=device)
    expect_close(y, x @ weights, "forward(x) of a MyLinear with bias=False (self.bias is None)", device=device)


def gradients(learner: LearnerClient, device: str, which: str) -> None:
    """Compare one leaf's gradient of sum(forward(x) * g) with what autograd gives the reference."""
    weights, bias = reference_parameters()
    x, g = randn(6, 5, IN), randn(7, 5, OUT)
    observed = learner.probe("gradients", weights=weights, bias=bias, x=x, grad_output=g, device=device)
    expect_close(observed["output"], x @ weights + bias, "forward(x), whose gradient is checked here,", device=device)
    if observed.get("detached"):
        fail("forward(x) returns a tensor that autograd cannot differentiate (no grad_fn): do not use .detach(), .data, torch.no_grad() or numpy inside forward.")
    _, (dw, db, dx) = autograd_gradients(lambda w, b, x: x @ w + b, weights, bias, x, grad_output=g)
    reference = {"weights": dw, "bias": db, "x": dx}
    label = {"weights": "the gradient of the loss with respect to weights", "bias": "the gradient of the loss with respect to bias", "x": "the gradient of the loss with respect to the input x"}[which]
    if observed.get(which) is None:
        fail(f"{label} is None after loss.backward(): {which} is not connected to forward's result.")
    expect_close(observed[which], reference[which], label, device=device)


@check("autograd gives the right gradient for weights")
@pytest.mark.parametrize("device", DEVICES)
def test_gradient_weights(learner: LearnerClient, device: str):
    gradients(learner, device, "weights")


@check("autograd gives the right gradient for bias")
@pytest.mark.parametrize("device", DEVICES)
def test_gradient_bias(learner: LearnerClient, device: str):
    gradients(learner, device, "bias")


@check("autograd gives the right gradient for the input x")
@pytest.mark.parametrize("device", DEVICES)
def test_gradient_input(learner: LearnerClient, device: str):
    gradients(learner, device, "x")


@check("end to end: MyLinear trains with gradient descent like the reference", points=2)
@pytest.mark.parametrize("device", DEVICES)
def test_training(learner: LearnerClient, device: str):
    weights, bias = reference_parameters(3)
    x, target = randn(8, 16, IN), randn(9, 16, OUT)
    lr, steps = 0.05, 5
    trained = learner.probe("train", in_features=IN, out_features=OUT, seed=0, weights=weights, bias=bias, x=x, target=target, lr=lr, steps=steps, device=device)
    w, b = weights.clone().requires_grad_(), bias.clone().requires_grad_()
    outputs, after = trained.get("outputs"), trained.get("steps")
    if not isinstance(outputs, list) or not isinstance(after, list) or len(outputs) != steps or len(after) != steps:
        fail(f"training reported {len(after) if isinstance(after, list) else 'no'} steps instead of {steps}.")
    for step in range(1, steps + 1):  # the first step and method whose result leaves the reference's path
        w.grad = b.grad = None
        output = x @ w + b
        expect_close(outputs[step - 1], output.detach(), f"at training step {step}, forward(x)", device=device, atol=1e-4)
        ((output - target) ** 2).mean().backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        for name, reference in (("weights", w), ("bias", b)):
            expect_close(after[step - 1][name], reference.detach(),
                         f"{name} after training step {step} (loss.backward() through your forward, then an SGD step)", device=device, atol=1e-4)
