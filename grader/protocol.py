"""The wire format between the judge and a worker.

A message is one frame: an 8-byte big-endian length, then the bytes of `torch.save`
applied to a dict of plain data (str, int, float, bool, None, list, tuple, dict, plain
tensors). The judge decodes with `torch.load(weights_only=True)`, which refuses any
class outside torch's allow-list, so a hostile worker cannot make the judge run code.

The protocol knows nothing about how a worker was started: any pair of file
descriptors works, so a pool of pre-started workers can speak it too.
"""
from __future__ import annotations

import io
import os
import select
import struct
import time
from typing import Any

import torch

HEADER = struct.Struct(">Q")
MAX_FRAME_BYTES = 64 * 1024 * 1024


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


class ChannelClosed(ProtocolError):
    """The other side closed its end (for a worker: it exited or crashed)."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


def encode(message: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    payload = buffer.getvalue()
    return HEADER.pack(len(payload)) + payload


def decode(payload: bytes) -> Any:
    """Load a payload safely: only torch's weights-only allow-list can be rebuilt."""
    try:
        return torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")
    except Exception as exc:  # any refusal is the sender's fault, not ours
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = next((line for line in lines if "GLOBAL" in line or "Unsupported" in line), lines[0] if lines else "")
        raise ProtocolError(f"refused a message that is not plain data ({type(exc).__name__}: {reason[:200]})") from None


def write_frame(fd: int, message: dict[str, Any]) -> None:
    data = memoryview(encode(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise ChannelTimeout()
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise ChannelTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, max_bytes: int = MAX_FRAME_BYTES) -> Any:
    """Read and decode one frame; `deadline` is a `time.monotonic()` value or None."""
    (size,) = HEADER.unpack(read_exactly(fd, HEADER.size, deadline))
    if size > max_bytes:
        raise ProtocolError(f"a reply of {size} bytes is over the limit of {max_bytes} bytes")
    return decode(read_exactly(fd, size, deadline))
