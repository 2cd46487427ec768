# case: forward through torch.baddbmm on a 3-d view of the input, bias broadcast as the "input" term
# kind: forward
import math

import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        bound = 1 / math.sqrt(in_features)
        self.weights = nn.Parameter(torch.empty(in_features, out_features).uniform_(-bound, bound))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        lead = x.shape[:-1]
        flat = x.reshape(1, -1, self.in_features)
        w = self.weights.unsqueeze(0)
        if self.bias is None:
            out = torch.bmm(flat, w)
        else:
            out = torch.baddbmm(self.bias.view(1, 1, -1), flat, w)
        return out.reshape(*lead, self.out_features)
