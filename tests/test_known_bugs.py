"""The lesson's own bugs (spec, "Known bugs in the lesson's code"), each written into an
otherwise correct solution exactly as the lesson writes it: the submission must lose points,
the check that names the behaviour must fail, and its message must name the mistake in the
learner's terms.
"""
from __future__ import annotations

import pytest

from conftest import grade, make_submission, mutate


def graded(tmp_path, exercise: str, source: str):
    result = grade(make_submission(tmp_path / "lesson", {f"{exercise}.py": source}), exercise)
    checks = {c.id: c for e in result.exercises for c in e.checks}
    return result, checks


def expect_failed(checks, check_id: str, *fragments: str):
    check = checks[check_id]
    assert check.status == "failed", (check_id, check.status, check.message)
    for fragment in fragments:
        assert fragment in check.message, (check_id, fragment, check.message)
    return check


def expect_passed(checks, *check_ids: str):
    for check_id in check_ids:
        assert checks[check_id].status == "passed", (check_id, checks[check_id].status, checks[check_id].message)


ALWAYS_BIAS = '''        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)
'''


def test_1_my_linear_ignores_its_bias_argument(tmp_path):
    source = mutate("my_linear", ALWAYS_BIAS, "        self.bias = nn.Parameter(torch.randn(out_features))\n")
    result, checks = graded(tmp_path, "my_linear", source)
    assert result.score < result.max_score
    expect_failed(checks, "my_linear.init_without_bias", "bias=False", "ignored", "register_parameter('bias', None)")
    expect_passed(checks, "my_linear.init_bias", "my_linear.forward[cpu]", "my_linear.forward_without_bias[cpu]", "my_linear.training[cpu]")


LESSON_MY_LINEAR = '''import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features

        self.weights = nn.Parameter(
                torch.randn(in_features, out_features))

        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x: Tensor):
        return x @ self.weights + self.bias
'''


def test_1_the_lessons_my_linear_as_written(tmp_path):
    """The lesson's class verbatim: bias always created, and always added in forward."""
    result, checks = graded(tmp_path, "my_linear", LESSON_MY_LINEAR)
    assert result.score < result.max_score
    expect_failed(checks, "my_linear.init_without_bias", "bias=False", "ignored")
    expect_passed(checks, "my_linear.forward[cpu]", "my_linear.training[cpu]")
    expect_failed(checks, "my_linear.forward_without_bias[cpu]", "bias")


INIT_CHECKS = [
    "logistic_regression.init_parameters",
    "logistic_regression.init_grads",
    "logistic_regression.init_learning_rate",
    "logistic_regression.init_device[cpu]",
    "logistic_regression.training[cpu]",
]


def test_2_super_names_a_class_that_does_not_exist(tmp_path):
    source = mutate("logistic_regression", "super().__init__()", "super(LR, self).__init__()")
    result, checks = graded(tmp_path, "logistic_regression", source)
    assert result.score < result.max_score
    for check_id in INIT_CHECKS:
        check = expect_failed(checks, check_id, "`LR`", "super().__init__()", "does not exist")
        assert check.location is not None and check.location.file == "logistic_regression.py"
        assert "super(LR, self)" in check.location.code
        assert "NameError" not in check.message
    # the methods are graded on an instance the judge builds, so they still earn their points
    expect_passed(checks, "logistic_regression.sigmoid[cpu]", "logistic_regression.forward[cpu]",
                  "logistic_regression.backward_dw[cpu]", "logistic_regression.backward_db[cpu]", "logistic_regression.optimize[cpu]")


def test_3_forward_leaves_out_the_bias(tmp_path):
    source = mutate(
        "logistic_regression", "return self.sigmoid(self.w.T @ x + self.b)",
        "z = torch.mm(self.w.T, x)\n        a = self.sigmoid(z)\n        return a",
    )
    result, checks = graded(tmp_path, "logistic_regression", source)
    assert result.score < result.max_score
    expect_failed(checks, "logistic_regression.forward[cpu]", "+ b", "forgets + self.b")
    assert checks["logistic_regression.training[cpu]"].status == "failed"
    expect_passed(checks, "logistic_regression.sigmoid[cpu]", "logistic_regression.backward_dw[cpu]", "logistic_regression.init_parameters")


def test_4_backward_calls_a_number(tmp_path):
    source = mutate(
        "logistic_regression", 'self.grads["db"] = (1 / n) * torch.sum(error)',
        'self.grads["db"] = (1/x.shape[1])(torch.sum(yhat-y))',
    )
    result, checks = graded(tmp_path, "logistic_regression", source)
    assert result.score < result.max_score
    check = expect_failed(checks, "logistic_regression.backward_db[cpu]", "`*`", "(1/n)(...)", "not a product")
    assert "(1/x.shape[1])(torch.sum(yhat-y))" in check.message
    assert check.location is not None and "(1/x.shape[1])(" in check.location.code
    assert "not callable" not in check.message
    assert checks["logistic_regression.training[cpu]"].status == "failed"
    expect_passed(checks, "logistic_regression.forward[cpu]", "logistic_regression.optimize[cpu]", "logistic_regression.init_grads")


def test_5_class_spelled_differently(tmp_path):
    source = mutate("custom_dataset", "class CustomDataset(Dataset):", "class customDataset(Dataset):")
    result, checks = graded(tmp_path, "custom_dataset", source)
    assert result.score == 0 < result.max_score
    for check_id, check in checks.items():
        assert check.status == "failed", (check_id, check.status, check.message)
        assert "found `customDataset`" in check.message, (check_id, check.message)
        assert "`CustomDataset`" in check.message, (check_id, check.message)
        assert "AttributeError" not in check.message, (check_id, check.message)


def test_all_three_logistic_regression_bugs_at_once(tmp_path):
    """The lesson's LogisticRegression has bugs 2, 3 and 4 together: each check names its own."""
    source = mutate("logistic_regression", "super().__init__()", "super(LR, self).__init__()")
    source = source.replace("return self.sigmoid(self.w.T @ x + self.b)", "z = torch.mm(self.w.T, x)\n        a = self.sigmoid(z)\n        return a", 1)
    source = source.replace('self.grads["db"] = (1 / n) * torch.sum(error)', 'self.grads["db"] = (1/x.shape[1])(torch.sum(yhat-y))', 1)
    result, checks = graded(tmp_path, "logistic_regression", source)
    assert result.score < result.max_score
    expect_failed(checks, "logistic_regression.init_parameters", "`LR`", "super().__init__()")
    expect_failed(checks, "logistic_regression.forward[cpu]", "+ b")
    expect_failed(checks, "logistic_regression.backward_db[cpu]", "`*`")
    expect_passed(checks, "logistic_regression.sigmoid[cpu]", "logistic_regression.optimize[cpu]")
