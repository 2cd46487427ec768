# case: backward with einsum that builds a fresh grads dict each call; optimize turns lr into a 0-d tensor on w's device
# kind: lr
import torch
from torch import Tensor, nn


class LogisticRegression(nn.Module):
    def __init__(self, dim: int, lr=0.01, device=None):
        super().__init__()
        self.dim = dim
        self.device = torch.device("cpu") if device is None else torch.device(device)
        self.w = torch.zeros((dim, 1), dtype=torch.float32, device=self.device)
        self.b = torch.tensor(0.0, device=self.device)
        self.lr = lr
        self.grads = self._fresh_grads(torch.zeros_like(self.w), torch.zeros_like(self.b))

    @staticmethod
    def _fresh_grads(dw: Tensor, db: Tensor) -> dict:
        return {"dw": dw, "db": db}

    def forward(self, x: Tensor) -> Tensor:
        return self.sigmoid(torch.einsum("dk,dn->kn", self.w, x) + self.b)

    def sigmoid(self, z: Tensor) -> Tensor:
        return torch.special.expit(z)

    def backward(self, x: Tensor, yhat: Tensor, y: Tensor) -> None:
        n = x.shape[1]
        err = yhat - y
        dw = torch.einsum("dn,kn->dk", x, err) / n
        db = torch.einsum("kn->", err) / n
        self.grads = self._fresh_grads(dw, db)

    def optimize(self) -> None:
        lr = torch.as_tensor(self.lr, dtype=self.w.dtype, device=self.w.device)
        self.w = self.w - lr * self.grads["dw"]
        self.b = self.b - lr * self.grads["db"]
