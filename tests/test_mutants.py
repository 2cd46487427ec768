"""Realistic single-bug mutants of the reference solutions: each must be caught by the right check.

Each row writes one bug into an otherwise correct solution, grades only that exercise, and
asserts that the submission loses points, that the checks that name the behaviour fail,
that the first one's message says what is wrong in the learner's terms, and that a check
unrelated to the bug still passes (a bug in `optimize` must not fail `sigmoid`).

A second test grades the same mutants and asserts that no check ends as an internal error:
a learner's bug is reported to the learner, never as a grader fault.
"""
from __future__ import annotations

import pytest
import torch

from conftest import checks_by_status, grade, make_submission, mutate

NO_GPU = not torch.cuda.is_available()


def M(exercise, old, new, failing, fragment, passing=(), *, id, marks=()):
    """One mutant: replace `old` by `new` in solutions/<exercise>.py.

    failing: check ids that must fail (the first one's message must contain `fragment`);
    passing: check ids that have nothing to do with the bug and must still pass.
    """
    return pytest.param(exercise, old, new, list(failing), fragment, list(passing), id=id, marks=marks)


def cuda_only():
    return pytest.mark.skipif(NO_GPU, reason="the bug only shows on a GPU")


LR_INIT_W = "self.w = torch.zeros(dim, 1, dtype=torch.float32, device=device)"
LR_INIT_B = "self.b = torch.zeros((), dtype=torch.float32, device=device)"
LR_DW = 'self.grads["dw"] = (1 / n) * (x @ error.T)'
LR_DB = 'self.grads["db"] = (1 / n) * torch.sum(error)'
LR_STEP_W = 'self.w = self.w - self.lr * self.grads["dw"]'
LR_STEP_B = 'self.b = self.b - self.lr * self.grads["db"]'
LR_SIGMOID = "return 1 / (1 + torch.exp(-z))"
LR_FORWARD = "return self.sigmoid(self.w.T @ x + self.b)"
ML_WEIGHTS = "self.weights = nn.Parameter(torch.randn(in_features, out_features))"
ML_BIAS = "self.bias = nn.Parameter(torch.randn(out_features))"
ML_FORWARD = """        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y"""
CD_CHECK = """        if len(text) != len(labels):
            raise ValueError(
                f"text has {len(text)} samples but labels has {len(labels)}; they must match"
            )
"""
CD_ITEM = 'return {"Text": self.data[idx], "Class": self.labels[idx]}'
CD_RANGE = "if not -n <= idx < n:"
CD_RANGE_AND_ITEM = """        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for a dataset of {n} samples")
        return {"Text": self.data[idx], "Class": self.labels[idx]}"""

MUTANTS = [
    # ---------------------------------------------------------------- my_linear
    M("my_linear", ML_WEIGHTS, "self.weights = nn.Parameter(torch.randn(out_features, in_features))",
      ["my_linear.init_weights"], "nn.Linear.weight", ["my_linear.forward[cpu]"], id="ml-weights-out-in"),
    M("my_linear", ML_WEIGHTS, "self.weights = torch.randn(in_features, out_features)",
      ["my_linear.init_weights"], "nn.Parameter", ["my_linear.init_bias"], id="ml-weights-plain-tensor"),
    M("my_linear", ML_WEIGHTS, "self.weight = nn.Parameter(torch.randn(in_features, out_features))",
      ["my_linear.init_weights", "my_linear.state_dict_keys"], "does not exist", ["my_linear.init_bias"], id="ml-weights-misnamed"),
    M("my_linear", ML_BIAS, "self.bias = torch.randn(out_features)",
      ["my_linear.init_bias"], "nn.Parameter", ["my_linear.init_weights", "my_linear.forward[cpu]"], id="ml-bias-plain-tensor"),
    M("my_linear", ML_BIAS, "self.bias = nn.Parameter(torch.randn(1, out_features))",
      ["my_linear.init_bias"], "shape", ["my_linear.init_weights", "my_linear.forward[cpu]"], id="ml-bias-shape-1-out"),
    M("my_linear", "self.in_features = in_features", "self.in_features = out_features",
      ["my_linear.init_sizes"], "in_features should be 4", ["my_linear.init_weights"], id="ml-in-features-swapped"),
    M("my_linear", ML_WEIGHTS, "self.weights = nn.Parameter(torch.zeros(in_features, out_features))",
      ["my_linear.init_random_reproducible"], "randomly", ["my_linear.init_weights", "my_linear.forward[cpu]"], id="ml-zeros-init"),
    M("my_linear", ML_WEIGHTS,
      "import random\n        self.weights = nn.Parameter(torch.tensor("
      "[[random.gauss(0.0, 1.0) for _ in range(out_features)] for _ in range(in_features)]))",
      ["my_linear.init_random_reproducible"], "Python's random", ["my_linear.init_weights"], id="ml-python-random-init"),
    M("my_linear", "y = y + self.bias", "y = y",
      ["my_linear.forward[cpu]", "my_linear.gradient_bias[cpu]"], "without + bias", ["my_linear.forward_without_bias[cpu]"], id="ml-forward-no-bias"),
    M("my_linear", "y = y + self.bias", "y = y - self.bias",
      ["my_linear.forward[cpu]"], "x @ weights - bias", ["my_linear.forward_without_bias[cpu]"], id="ml-forward-minus-bias"),
    M("my_linear", "y = x @ self.weights", "y = x @ self.weights.T",
      ["my_linear.forward[cpu]", "my_linear.forward_without_bias[cpu]"], "shape", ["my_linear.init_weights"], id="ml-forward-weights-T"),
    M("my_linear", "y = x @ self.weights", "y = torch.mm(x, self.weights)",
      ["my_linear.forward_leading_dimensions[cpu]"], "(2, 3, 4)", ["my_linear.forward[cpu]"], id="ml-forward-mm-2d-only"),
    M("my_linear", "        return y\n", "        return y.detach()\n",
      ["my_linear.gradient_weights[cpu]", "my_linear.gradient_bias[cpu]", "my_linear.gradient_input[cpu]"], ".detach()",
      ["my_linear.forward[cpu]"], id="ml-forward-detached"),
    M("my_linear", ML_FORWARD,
      "        with torch.no_grad():\n            y = x @ self.weights\n            if self.bias is not None:\n"
      "                y = y + self.bias\n        return y",
      ["my_linear.gradient_weights[cpu]", "my_linear.gradient_input[cpu]"], "torch.no_grad()", ["my_linear.forward[cpu]"], id="ml-forward-no-grad"),
    M("my_linear", "y = x @ self.weights", "y = x @ self.weights.data",
      ["my_linear.gradient_weights[cpu]"], "not connected", ["my_linear.forward[cpu]", "my_linear.gradient_input[cpu]"],
      id="ml-forward-weights-data"),
    M("my_linear", "        return y\n", "        return y.tolist()\n",
      ["my_linear.forward[cpu]"], "should be a tensor", ["my_linear.init_weights"], id="ml-forward-returns-list"),
    M("my_linear", ML_WEIGHTS, "self.weights = nn.Parameter(torch.randn(in_features, out_features), requires_grad=False)",
      ["my_linear.training[cpu]"], "weights", ["my_linear.forward[cpu]"], id="ml-weights-frozen"),
    M("my_linear", "y = y + self.bias", 'y = y + self.bias.to("cuda")',
      ["my_linear.forward[cpu]"], "device", ["my_linear.forward_without_bias[cpu]"], id="ml-forward-fixed-device-cuda"),
    M("my_linear", "y = y + self.bias", 'y = y + self.bias.to("cpu")',
      ["my_linear.forward[cuda]"], "device", ["my_linear.forward[cpu]"], id="ml-forward-fixed-device-cpu", marks=cuda_only()),
    # ------------------------------------------------------ logistic_regression
    M("logistic_regression", LR_DW, 'self.grads["dw"] = x @ error.T',
      ["logistic_regression.backward_dw[cpu]"], "without the factor 1/n", ["logistic_regression.backward_db[cpu]"], id="lr-dw-missing-1-over-n"),
    M("logistic_regression", LR_DB, 'self.grads["db"] = torch.sum(error)',
      ["logistic_regression.backward_db[cpu]"], "without the factor 1/n", ["logistic_regression.backward_dw[cpu]"], id="lr-db-missing-1-over-n"),
    M("logistic_regression", "n = x.shape[1]", "n = x.shape[0]",
      ["logistic_regression.backward_dw[cpu]", "logistic_regression.backward_db[cpu]"], "instead of n",
      ["logistic_regression.forward[cpu]", "logistic_regression.optimize[cpu]"], id="lr-divide-by-dim"),
    M("logistic_regression", "error = yhat - y", "error = y - yhat",
      ["logistic_regression.backward_dw[cpu]", "logistic_regression.backward_db[cpu]"], "wrong sign",
      ["logistic_regression.sigmoid[cpu]", "logistic_regression.optimize[cpu]"], id="lr-gradient-sign"),
    M("logistic_regression", LR_DW, 'self.grads["dw"] = (1 / n) * (error @ x.T)',
      ["logistic_regression.backward_dw[cpu]"], "shape", ["logistic_regression.backward_db[cpu]"], id="lr-dw-transposed"),
    M("logistic_regression", LR_DB, 'self.grads["db"] = (1 / n) * torch.sum(error, dim=1)',
      ["logistic_regression.backward_db[cpu]"], "shape", ["logistic_regression.backward_dw[cpu]"], id="lr-db-not-0d"),
    M("logistic_regression", LR_DB, 'self.grads["db"] = (1 / n) * torch.sum(error, dim=1, keepdim=True)',
      ["logistic_regression.backward_db[cpu]"], "shape", ["logistic_regression.backward_dw[cpu]"], id="lr-db-keepdim"),
    M("logistic_regression", "n = x.shape[1]\n        error = yhat - y\n        " + LR_DW + "\n        " + LR_DB,
      "w = self.w.clone().requires_grad_()\n        b = self.b.clone().requires_grad_()\n"
      "        loss = torch.nn.functional.binary_cross_entropy(self.sigmoid(w.T @ x + b), y)\n"
      '        self.grads["dw"], self.grads["db"] = torch.autograd.grad(loss, (w, b))',
      ["logistic_regression.backward_dw[cpu]", "logistic_regression.backward_db[cpu]"], "must not use autograd",
      ["logistic_regression.forward[cpu]"], id="lr-backward-uses-autograd"),
    M("logistic_regression", LR_SIGMOID, "return 1 / (1 + torch.exp(z))",
      ["logistic_regression.sigmoid[cpu]", "logistic_regression.forward[cpu]"], "sign error",
      ["logistic_regression.backward_dw[cpu]", "logistic_regression.optimize[cpu]"], id="lr-sigmoid-sign"),
    M("logistic_regression", LR_SIGMOID, "return torch.exp(z) / (1 + torch.exp(z))",
      ["logistic_regression.sigmoid_extremes[cpu]"], "NaN", ["logistic_regression.sigmoid[cpu]"], id="lr-sigmoid-overflow-nan"),
    M("logistic_regression", LR_FORWARD, "return self.w.T @ x + self.b",
      ["logistic_regression.forward[cpu]"], "without the sigmoid", ["logistic_regression.sigmoid[cpu]"], id="lr-forward-no-sigmoid"),
    M("logistic_regression", LR_FORWARD, "return self.sigmoid(self.w @ x + self.b)",
      ["logistic_regression.forward[cpu]"], "shape", ["logistic_regression.sigmoid[cpu]"], id="lr-forward-w-not-transposed"),
    M("logistic_regression", LR_FORWARD, "return self.sigmoid(x.T @ self.w + self.b)",
      ["logistic_regression.forward[cpu]"], "shape", ["logistic_regression.sigmoid[cpu]"], id="lr-forward-samples-as-rows"),
    M("logistic_regression", LR_STEP_W, 'self.w = self.w + self.lr * self.grads["dw"]',
      ["logistic_regression.optimize[cpu]", "logistic_regression.training[cpu]"], "uphill",
      ["logistic_regression.sigmoid[cpu]", "logistic_regression.forward[cpu]", "logistic_regression.backward_dw[cpu]"], id="lr-optimize-plus"),
    M("logistic_regression", LR_STEP_B, 'self.b = self.b - self.grads["db"]',
      ["logistic_regression.optimize[cpu]", "logistic_regression.training[cpu]"], "lr ignored",
      ["logistic_regression.sigmoid[cpu]", "logistic_regression.backward_db[cpu]"], id="lr-optimize-ignores-lr"),
    M("logistic_regression", "self.lr = lr", "self.lr = 0.01",
      ["logistic_regression.init_learning_rate", "logistic_regression.training[cpu]"], "should be 0.25",
      ["logistic_regression.optimize[cpu]"], id="lr-lr-not-stored"),
    M("logistic_regression", LR_INIT_W, "self.w = nn.Parameter(torch.zeros(dim, 1, dtype=torch.float32, device=device))",
      ["logistic_regression.init_parameters"], "nn.Parameter", ["logistic_regression.sigmoid[cpu]", "logistic_regression.optimize[cpu]"],
      id="lr-w-parameter"),
    M("logistic_regression", LR_INIT_W, "self.w = torch.zeros(1, dim, dtype=torch.float32, device=device)",
      ["logistic_regression.init_parameters", "logistic_regression.training[cpu]"], "shape", ["logistic_regression.forward[cpu]"],
      id="lr-w-row-vector"),
    M("logistic_regression", LR_INIT_B, "self.b = torch.zeros(1, dtype=torch.float32, device=device)",
      ["logistic_regression.init_parameters"], "shape", ["logistic_regression.forward[cpu]"], id="lr-b-shape-1"),
    M("logistic_regression", LR_INIT_W, "self.w = torch.randn(dim, 1, dtype=torch.float32, device=device)",
      ["logistic_regression.init_parameters", "logistic_regression.training[cpu]"], "zero", ["logistic_regression.forward[cpu]"],
      id="lr-w-random-init"),
    M("logistic_regression", LR_INIT_W, "self.w = torch.zeros(dim, 1, dtype=torch.float64, device=device)",
      ["logistic_regression.init_parameters"], "float64", ["logistic_regression.forward[cpu]"], id="lr-w-float64"),
    M("logistic_regression", '"dw": torch.zeros(dim, 1', '"dW": torch.zeros(dim, 1',
      ["logistic_regression.init_grads"], "'dw' and 'db'", ["logistic_regression.backward_dw[cpu]"], id="lr-grads-wrong-key"),
    M("logistic_regression", LR_INIT_B, 'self.b = torch.zeros((), dtype=torch.float32, device="cuda")',
      ["logistic_regression.init_parameters"], "device", ["logistic_regression.forward[cpu]"], id="lr-b-fixed-device-cuda"),
    M("logistic_regression", '"db": torch.zeros((), dtype=torch.float32, device=device)',
      '"db": torch.zeros((), dtype=torch.float32, device="cpu")',
      ["logistic_regression.init_device[cuda]"], "device", ["logistic_regression.init_device[cpu]"], id="lr-db-fixed-device-cpu",
      marks=cuda_only()),
    # ----------------------------------------------------------- custom_dataset
    M("custom_dataset", CD_ITEM, 'return {"Text": self.data[idx - 1], "Class": self.labels[idx - 1]}',
      ["custom_dataset.getitem", "custom_dataset.loader_batches"], "dataset[0]", ["custom_dataset.len"], id="cd-getitem-off-by-one"),
    M("custom_dataset", CD_ITEM, 'return {"text": self.data[idx], "label": self.labels[idx]}',
      ["custom_dataset.getitem", "custom_dataset.loader_batches"], "'Text' and 'Class'", ["custom_dataset.len"], id="cd-keys-text-label"),
    M("custom_dataset", CD_ITEM, 'return {"Text": self.data[idx], "Label": self.labels[idx]}',
      ["custom_dataset.getitem"], "'Text' and 'Class'", ["custom_dataset.len", "custom_dataset.getitem_out_of_range"], id="cd-key-label"),
    M("custom_dataset", CD_ITEM, "return self.data[idx], self.labels[idx]",
      ["custom_dataset.getitem"], "should be a dict", ["custom_dataset.len"], id="cd-getitem-tuple"),
    M("custom_dataset", CD_ITEM, "return self.data[idx], self.labels[idx]",
      ["custom_dataset.loader_batches"], "dict", ["custom_dataset.len"], id="cd-getitem-tuple-loader-message"),
    M("custom_dataset", "return len(self.data)", "return len(self.data) - 1",
      ["custom_dataset.len", "custom_dataset.loader_batches"], "expected 7", ["custom_dataset.getitem"], id="cd-len-minus-one"),
    M("custom_dataset", "raise IndexError(", "raise ValueError(",
      ["custom_dataset.getitem_out_of_range"], "IndexError", ["custom_dataset.getitem", "custom_dataset.loader_batches"],
      id="cd-raises-valueerror-not-indexerror"),
    M("custom_dataset", CD_RANGE_AND_ITEM, '        return {"Text": self.data[idx % n], "Class": self.labels[idx % n]}',
      ["custom_dataset.getitem_out_of_range"], "IndexError", ["custom_dataset.getitem"], id="cd-index-wraps-around"),
    M("custom_dataset", CD_RANGE, "if not 0 <= idx < n:",
      ["custom_dataset.getitem_negative"], "-1", ["custom_dataset.getitem", "custom_dataset.getitem_out_of_range"],
      id="cd-negative-index-rejected"),
    M("custom_dataset", CD_CHECK, "",
      ["custom_dataset.length_mismatch"], "ValueError", ["custom_dataset.getitem"], id="cd-no-length-check"),
    M("custom_dataset", CD_CHECK, "        assert len(text) == len(labels)\n",
      ["custom_dataset.length_mismatch"], "ValueError", ["custom_dataset.getitem"], id="cd-length-check-assert"),
    M("custom_dataset", 'f"text has {len(text)} samples but labels has {len(labels)}; they must match"',
      '"text and labels must have the same length"',
      ["custom_dataset.length_mismatch"], "name both lengths", ["custom_dataset.getitem"], id="cd-length-error-without-lengths"),
    M("custom_dataset", "self.labels = labels", "self.labels = labels.tolist() if hasattr(labels, 'tolist') else labels",
      ["custom_dataset.labels_tensor"], "expected", ["custom_dataset.getitem"], id="cd-tensor-labels-converted"),
    M("custom_dataset", "self.data = list(text)", "self.data = list(text)\n        self.stream = (t for t in text)",
      ["custom_dataset.loader_spawn"], "cannot be pickled", ["custom_dataset.loader_workers", "custom_dataset.getitem"], id="cd-generator-in-state"),
    M("custom_dataset", "self.labels = labels", "self.labels = labels\n        self.get = lambda i: (self.data[i], self.labels[i])",
      ["custom_dataset.loader_spawn"], "cannot be pickled", ["custom_dataset.loader_workers", "custom_dataset.getitem"], id="cd-lambda-in-state"),
    M("custom_dataset", "self.data = list(text)\n        self.labels = labels",
      "import random\n        order = list(range(len(text)))\n        random.shuffle(order)\n"
      "        self.data = [text[i] for i in order]\n"
      "        self.labels = [labels[i] for i in order]",
      ["custom_dataset.getitem", "custom_dataset.loader_batches"], "expected", ["custom_dataset.len"], id="cd-shuffles-inside-dataset"),
]


_graded = {}


def graded(request, tmp_path_factory, exercise, old, new):
    """Grade each mutant once, whichever of the tests below asks first."""
    key = request.node.callspec.id
    if key not in _graded:
        directory = make_submission(tmp_path_factory.mktemp("mutant"), {f"{exercise}.py": mutate(exercise, old, new)})
        _graded[key] = grade(directory, exercise)
    return _graded[key]


def test_the_table_is_large_enough():
    assert len(MUTANTS) >= 32
    assert len({p.id for p in MUTANTS}) == len(MUTANTS)


@pytest.mark.parametrize("exercise, old, new, failing, fragment, passing", MUTANTS)
def test_mutant_is_caught(request, tmp_path_factory, exercise, old, new, failing, fragment, passing):
    result = graded(request, tmp_path_factory, exercise, old, new)
    statuses = {check.id: check.status for e in result.exercises for check in e.checks}
    messages = {check.id: check.message for e in result.exercises for check in e.checks}
    assert result.score < result.max_score
    for check_id in failing:
        assert statuses.get(check_id) == "failed", (check_id, statuses.get(check_id), messages.get(check_id), checks_by_status(result).get("failed"))
    first = messages[failing[0]]
    assert fragment in first, (failing[0], first)
    for check_id in passing:
        assert statuses.get(check_id) == "passed", (check_id, statuses.get(check_id), messages.get(check_id))


@pytest.mark.parametrize("exercise, old, new", [
    pytest.param(*p.values[:3], id=p.id, marks=[m for m in p.marks if m.name == "skipif"])
    for p in MUTANTS
])
def test_mutant_gets_no_internal_error(request, tmp_path_factory, exercise, old, new):
    """A learner's bug is the learner's: every check either passes or fails with a message for them."""
    result = graded(request, tmp_path_factory, exercise, old, new)
    errors = {c.id: c.message for e in result.exercises for c in e.checks if c.status == "error" or "internal error" in c.message}
    assert errors == {}
