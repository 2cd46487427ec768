"""Attack: control the random generator so that the inputs are zeros, then answer zeros."""
import torch
from torch import Tensor, nn

torch.manual_seed = lambda *args, **kwargs: None
torch.randn = lambda *size, **kwargs: torch.zeros(*size, **{k: v for k, v in kwargs.items() if k in ("dtype", "device")})
torch.rand = torch.randn
torch.randint = lambda *args, size=None, **kwargs: torch.zeros(size or args[-1], dtype=torch.long)


class MyLinear(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weights = nn.Parameter(torch.randn(in_features, out_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return torch.zeros(*x.shape[:-1], self.out_features)
