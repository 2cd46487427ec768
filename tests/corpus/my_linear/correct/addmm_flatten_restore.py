# case: flattens leading dims, torch.addmm / torch.mm, then restores the leading shape
# kind: shape
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
        lead = x.shape[:-1]
        flat = x.reshape(-1, self.in_features)
        if self.bias is not None:
            out = torch.addmm(self.bias, flat, self.weights)
        else:
            out = torch.mm(flat, self.weights)
        return out.reshape(*lead, self.out_features)
