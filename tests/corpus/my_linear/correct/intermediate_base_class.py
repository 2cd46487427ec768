# case: an intermediate base class with a helper that creates parameters
# kind: other
import torch
from torch import nn


class _ParamLayer(nn.Module):
    """Small base class with helpers shared by my layers."""

    def _new_param(self, *shape, scale=1.0):
        return nn.Parameter(torch.randn(*shape) * scale)

    def extra_repr(self):
        return f"in={self.in_features}, out={self.out_features}"


class MyLinear(_ParamLayer):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = self._new_param(in_features, out_features, scale=0.5)
        if bias:
            self.bias = self._new_param(out_features, scale=0.5)
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        return self._affine(x)

    def _affine(self, x):
        y = x @ self.weights
        return y if self.bias is None else y + self.bias
