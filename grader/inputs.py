"""Inputs the judge chooses: seeded, so every run and every worker sees the same values."""
from __future__ import annotations

import torch


def randn(seed: int, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def rand(seed: int, *shape: int) -> torch.Tensor:
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed))


def labels(seed: int, n: int) -> torch.Tensor:
    """A (1, n) row of 0./1. labels with both classes present."""
    y = (rand(seed, 1, n) > 0.5).float()
    y[0, 0], y[0, -1] = 0.0, 1.0
    return y
