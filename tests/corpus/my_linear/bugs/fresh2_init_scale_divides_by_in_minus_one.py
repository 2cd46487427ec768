# case: weights scaled by 1/sqrt(in_features - 1), which is a division by zero (inf weights) when in_features == 1
# kind: init
# names: finite | inf | nan | in_features
import torch
from torch import Tensor, nn


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        # "unbiased" fan-in scaling: divides by sqrt(in_features - 1), i.e. by 0 when in_features == 1
        fan = torch.tensor(float(in_features - 1))
        self.weights = nn.Parameter(torch.randn(in_features, out_features) / fan.sqrt())
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
