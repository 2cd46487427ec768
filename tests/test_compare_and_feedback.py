"""Messages a learner reads: what was expected, what came back, and where."""
import pytest
import torch

from grader.checks import CheckFailed
from grader.compare import expect_close, expect_same_batches
from grader.feedback import describe_error
from grader.observations import validate
from grader.worker.plain import to_plain


def observe(value):
    return validate(to_plain(value))


def failure(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as caught:
        fn(*args, **kwargs)
    return caught.value.message


def test_largest_difference_and_its_index_are_named():
    expected = torch.zeros(3, 4)
    actual = expected.clone()
    actual[2, 1] = 0.5
    message = failure(expect_close, observe(actual), expected, "forward(x)", device="cpu")
    assert "largest difference is 0.5 at index (2, 1)" in message
    assert "expected 0, got 0.5" in message and "1 of 12 entries differ" in message


def test_shape_dtype_and_device_are_reported_before_values():
    expected = torch.zeros(3, 2)
    assert "has shape (2, 3), expected (3, 2)" in failure(expect_close, observe(torch.zeros(2, 3)), expected, "w")
    assert "dtype float64, expected float32" in failure(expect_close, observe(torch.zeros(3, 2, dtype=torch.float64)), expected, "w")
    assert "should be a tensor, but it is a list" in failure(expect_close, observe([1.0, 2.0]), expected, "w")


def test_a_known_mistake_is_named_when_the_result_matches_it():
    x = torch.randn(4, 3)
    message = failure(expect_close, observe(x * 2), x, "dw", mistakes={"twice the gradient": x * 2})
    assert message.endswith("Your result equals twice the gradient.")


def test_nan_is_never_close():
    message = failure(expect_close, observe(torch.tensor([0.0, float("nan")])), torch.zeros(2), "sigmoid(z)")
    assert "contains NaN" in message and "index (1,)" in message


def test_batches_name_the_first_difference_and_a_reordering():
    expected = [{"Text": ["a", "b"], "Class": ["x", "y"]}]
    message = failure(expect_same_batches, observe([{"Text": ["b", "a"], "Class": ["y", "x"]}]), expected, "DataLoader")
    assert "batch 0 differs" in message and "different order" in message
    message = failure(expect_same_batches, observe([{"text": ["a", "b"], "Class": ["x", "y"]}]), expected, "DataLoader")
    assert "keys ['Class', 'text']" in message


@pytest.mark.parametrize(
    "error, fragments",
    [
        ({"kind": "exception", "exc_type": "NameError", "message": "name 'LR' is not defined", "frames": [{"code": "super(LR, self).__init__()"}]}, ["`LR`", "super().__init__()"]),
        ({"kind": "exception", "exc_type": "TypeError", "message": "'float' object is not callable", "frames": [{"code": 'self.grads["db"] = (1/x.shape[1])(torch.sum(yhat-y))'}]}, ["not a product", "`*`"]),
        ({"kind": "missing_class", "details": {"expected": "CustomDataset", "file": "custom_dataset.py", "similar": ["customDataset"]}}, ["found `customDataset`", "exactly `CustomDataset`"]),
        ({"kind": "exception", "during": "LogisticRegression.backward", "forbidden": "loss.backward() (Tensor.backward)", "exc_type": "ForbiddenCall", "message": "", "frames": []}, ["must not use autograd"]),
        ({"kind": "exception", "during": "MyLinear.forward", "not_implemented": True, "exc_type": "NotImplementedError", "message": "", "frames": []}, ["not implemented yet: MyLinear.forward"]),
    ],
)
def test_error_messages_name_the_mistake(error, fragments):
    message = describe_error(error)
    for fragment in fragments:
        assert fragment in message


def test_failure_categories_name_only_pythons_own_exceptions():
    from grader.feedback import error_category

    assert error_category({"kind": "exception", "exc_type": "ValueError"}) == "raised ValueError"
    assert error_category({"kind": "exception", "exc_type": "Secret_0_1234_hidden_input"}) == "raised an exception"
    assert error_category({"kind": "exception", "exc_type": ""}) == "raised an exception"


def test_an_import_that_is_not_installed_is_explained():
    message = describe_error({"kind": "exception", "during": "importing my_linear.py", "exc_type": "ModuleNotFoundError",
                              "message": "No module named 'matplotlib'", "frames": [{"code": "import matplotlib.pyplot as plt"}]})
    assert "`matplotlib`" in message and "not installed" in message
