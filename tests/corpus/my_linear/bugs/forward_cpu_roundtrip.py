# case: forward moves x and the weights to the CPU with .cpu(), then back to x.device
# kind: device
# names: cpu | device | meta | .cpu()
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
        y = x.cpu() @ self.weights.cpu()
        if self.bias is not None:
            y = y + self.bias.cpu()
        return y.to(x.device)
