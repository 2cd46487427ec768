# case: forward computes the product in numpy and converts back with torch.from_numpy
# kind: device
# names: numpy | differentiab | grad | device | cpu
import numpy as np
import torch
from torch import nn


class MyLinear(nn.Module):
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
        y = np.matmul(x.detach().numpy(), self.weights.detach().numpy())
        if self.bias is not None:
            y = y + self.bias.detach().numpy()
        return torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32))
