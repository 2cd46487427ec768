"""Correct solutions written differently from the reference: each must get full marks.

The contract leaves room (initialisation, how the product is computed, how the dataset
stores its samples); the grader must not confuse a different style with a mistake.
"""
from __future__ import annotations

import pytest

from conftest import failed_messages, grade, make_submission

MY_LINEAR_NN_LINEAR_INIT = '''
import math

import torch
from torch import nn


class MyLinear(nn.Module):
    """nn.Linear's own initialisation (kaiming_uniform_ and a uniform bias), torch.matmul."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.empty(in_features, out_features))
        nn.init.kaiming_uniform_(self.weights, a=math.sqrt(5))
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        out = torch.matmul(x, self.weights)
        return out if self.bias is None else out + self.bias
'''

MY_LINEAR_EINSUM = '''
import torch
import torch.nn as nn


class MyLinear(nn.Module):
    """einsum over any leading dimensions; `self.bias = None` instead of register_parameter."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super(MyLinear, self).__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features) / in_features ** 0.5)
        self.bias = nn.Parameter(torch.zeros(out_features).normal_()) if bias else None

    def forward(self, x):
        y = torch.einsum("...i,io->...o", x, self.weights)
        if self.bias is not None:
            y = y + self.bias
        return y
'''

MY_LINEAR_F_LINEAR = '''
import torch
import torch.nn.functional as F
from torch import nn


class MyLinear(nn.Module):
    """F.linear with the transposed weights (F.linear takes nn.Linear's layout, and a None bias)."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.empty(in_features, out_features).uniform_(-1.0, 1.0))
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-1.0, 1.0)) if bias else None

    def forward(self, x):
        return F.linear(x, self.weights.T, self.bias)
'''

MY_LINEAR_ADDMM = '''
import torch
from torch import nn


class MyLinear(nn.Module):
    """torch.addmm on the inputs flattened to 2-d, then the leading dimensions put back."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        leading = x.shape[:-1]
        flat = x.reshape(-1, self.in_features)
        if self.bias is not None:
            out = torch.addmm(self.bias, flat, self.weights)
        else:
            out = torch.mm(flat, self.weights)
        return out.reshape(*leading, self.out_features)
'''

LOGISTIC_TORCH_SIGMOID_MEAN = '''
import torch
from torch import nn


class LogisticRegression(nn.Module):
    """torch.sigmoid, gradients with torch.mean, torch.mm."""

    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.tensor(0.0, device=device)
        self.grads = {"dw": torch.zeros_like(self.w), "db": torch.zeros_like(self.b)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(torch.mm(self.w.T, x) + self.b)

    def sigmoid(self, z):
        return torch.sigmoid(z)

    def backward(self, x, yhat, y):
        error = yhat - y
        self.grads["dw"] = torch.mean(x * error, dim=1, keepdim=True)
        self.grads["db"] = torch.mean(error)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
'''

LOGISTIC_IN_PLACE_STEP = '''
import torch
from torch import nn


class LogisticRegression(nn.Module):
    """The reference, except that optimize updates w and b in place (`-=`)."""

    def __init__(self, dim, lr=0.01, device=None):
        super().__init__()
        self.w = torch.zeros(dim, 1, device=device)
        self.b = torch.zeros((), device=device)
        self.grads = {"dw": torch.zeros(dim, 1, device=device), "db": torch.zeros((), device=device)}
        self.lr = lr

    def forward(self, x):
        return self.sigmoid(self.w.T @ x + self.b)

    def sigmoid(self, z):
        return 1 / (1 + torch.exp(-z))

    def backward(self, x, yhat, y):
        n = x.shape[1]
        self.grads["dw"] = x @ (yhat - y).T / n
        self.grads["db"] = (yhat - y).sum() / n

    def optimize(self):
        self.w -= self.lr * self.grads["dw"]
        self.b -= self.lr * self.grads["db"]
'''

LOGISTIC_WHERE_SIGMOID = '''
import torch
from torch import nn


class LogisticRegression(nn.Module):
    """exp(z) / (1 + exp(z)) made safe with torch.where; grads written in place with copy_."""

    def __init__(self, dim, lr=torch.scalar_tensor(0.01), device=None):
        super(LogisticRegression, self).__init__()
        self.w = torch.zeros((dim, 1), dtype=torch.float, device=device)
        self.b = torch.scalar_tensor(0, device=device)
        self.grads = {
            "dw": torch.zeros((dim, 1), dtype=torch.float, device=device),
            "db": torch.scalar_tensor(0, device=device),
        }
        self.lr = lr

    def forward(self, x):
        z = self.w.T @ x + self.b
        return self.sigmoid(z)

    def sigmoid(self, z):
        # each branch is only used where it cannot overflow
        positive = 1 / (1 + torch.exp(-z))
        negative = torch.exp(z) / (1 + torch.exp(z))
        return torch.where(z >= 0, positive, negative)

    def backward(self, x, yhat, y):
        n = x.shape[1]
        self.grads["dw"].copy_(torch.mm(x, (yhat - y).T) / n)
        self.grads["db"].copy_((yhat - y).sum() / n)

    def optimize(self):
        self.w = self.w - self.lr * self.grads["dw"]
        self.b = self.b - self.lr * self.grads["db"]
'''

DATASET_ZIP_TUPLES = '''
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    """Samples kept as a list of (text, label) tuples; list indexing does the range checks."""

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"got {len(text)} texts but {len(labels)} labels")
        self.samples = list(zip(text, labels))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        text, label = self.samples[idx]
        return {"Text": text, "Class": label}
'''

DATASET_LIST_OF_DICTS = '''
import torch


class CustomDataset(torch.utils.data.Dataset):
    """Each sample built once, as the dict that __getitem__ returns."""

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError("len(text) = %d != len(labels) = %d" % (len(text), len(labels)))
        self.samples = [{"Text": t, "Class": c} for t, c in zip(text, labels)]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]
'''

DATASET_AS_GIVEN = '''
from torch.utils.data import Dataset


class CustomDataset(Dataset):
    """The lesson's layout: text and labels kept as given, negative indices handled by hand."""

    def __init__(self, text, labels):
        if len(text) != len(labels):
            raise ValueError(f"text and labels differ in length: {len(text)} vs {len(labels)}")
        self.labels = labels
        self.data = text

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        if idx < 0:
            idx += len(self)
        if idx < 0 or idx >= len(self):
            raise IndexError(f"dataset index out of range: {idx}")
        label = self.labels[idx]
        text = self.data[idx]
        sample = {"Text": text, "Class": label}
        return sample
'''

ALTERNATIVES = [
    pytest.param("my_linear", MY_LINEAR_NN_LINEAR_INIT, id="my_linear-nn-linear-init-matmul"),
    pytest.param("my_linear", MY_LINEAR_EINSUM, id="my_linear-einsum-bias-none"),
    pytest.param("my_linear", MY_LINEAR_F_LINEAR, id="my_linear-F-linear-weights-T"),
    pytest.param("my_linear", MY_LINEAR_ADDMM, id="my_linear-addmm-reshape"),
    pytest.param("logistic_regression", LOGISTIC_TORCH_SIGMOID_MEAN, id="logistic-torch-sigmoid-mean-inplace"),
    pytest.param("logistic_regression", LOGISTIC_WHERE_SIGMOID, id="logistic-where-sigmoid-copy"),
    pytest.param("logistic_regression", LOGISTIC_IN_PLACE_STEP, id="logistic-in-place-step"),
    pytest.param("custom_dataset", DATASET_ZIP_TUPLES, id="dataset-zip-tuples"),
    pytest.param("custom_dataset", DATASET_LIST_OF_DICTS, id="dataset-list-of-dicts"),
    pytest.param("custom_dataset", DATASET_AS_GIVEN, id="dataset-kept-as-given"),
]


@pytest.mark.parametrize("exercise, source", ALTERNATIVES)
def test_alternative_gets_full_marks(tmp_path, exercise, source):
    result = grade(make_submission(tmp_path / "x", {f"{exercise}.py": source}), exercise)
    assert [e.name for e in result.exercises] == [exercise]
    assert failed_messages(result) == {}
    assert result.max_score > 0
    assert result.score == result.max_score
