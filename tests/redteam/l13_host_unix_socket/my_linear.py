"""Attack: talk to the instructor's ssh-agent (or any host service) over its Unix socket."""
import socket

import torch
from torch import Tensor, nn

try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(0.5)
        connection.connect("__AGENT_SOCKET__")
        connection.sendall(b"\x00\x00\x00\x01\x0b")  # SSH_AGENTC_REQUEST_IDENTITIES
    print("connected to the agent socket")
except OSError as exc:
    print(f"agent socket: {exc}")


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
        y = x @ self.weights
        if self.bias is not None:
            y = y + self.bias
        return y
