"""The wire format between the judge and a worker.

A message is one frame: an 8-byte big-endian length, then the bytes of `torch.save`
applied to a dict of plain data (str, int, float, bool, None, list, tuple, dict, plain
tensors). The judge decodes with `torch.load(weights_only=True)`, which refuses any
class outside torch's allow-list, so a hostile worker cannot make the judge run code.

torch.save writes a zip archive and torch.load inflates deflate-compressed members too,
so a few megabytes of zeros could become gigabytes inside torch.load. Before it, the
frame's archive is checked (`checked_archive`): a bounded number of members, all stored
(not compressed), each member's declared and actual sizes equal, all of them together
no larger than the frame; and torch.load then reads a copy of those members written by
the judge itself, so that no difference between Python's and torch's zip readers matters.

The protocol knows nothing about how a worker was started: any pair of file
descriptors works, so a pool of pre-started workers can speak it too.
"""
from __future__ import annotations

import io
import os
import select
import struct
import time
import zipfile
from typing import Any

import torch

HEADER = struct.Struct(">Q")
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 4096  # one per tensor storage, and a few


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


def checked_archive(payload: bytes) -> bytes:
    """The payload's zip members, re-written by us, after checking that none can expand: raises ProtocolError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        members = archive.infolist()
        problem = _archive_problem(members, len(payload))
        if problem:
            raise ProtocolError(f"refused a message that is not plain data ({problem})")
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as rewritten:
            for member in members:
                rewritten.writestr(member.filename, archive.read(member))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ProtocolError(f"refused a message that is not plain data (not a valid archive: {type(exc).__name__})") from None
    return copy.getvalue()


def _archive_problem(members: list[zipfile.ZipInfo], payload_bytes: int) -> str | None:
    if len(members) > MAX_MEMBERS:
        return f"{len(members)} archive members, over the limit of {MAX_MEMBERS}"
    if len({m.filename for m in members}) != len(members):
        return "archive members with the same name"
    for member in members:
        if member.compress_type != zipfile.ZIP_STORED or member.flag_bits & 0x1:
            return f"a compressed or encrypted archive member ({member.filename[:100]!r}, method {member.compress_type})"
        if member.file_size != member.compress_size:
            return f"an archive member whose sizes disagree ({member.filename[:100]!r})"
    if sum(m.file_size for m in members) > payload_bytes:
        return "archive members that overlap (larger together than the message)"
    return None


def decode(payload: bytes) -> Any:
    """Load a payload safely: bounded before it is read, then only torch's weights-only allow-list can be rebuilt."""
    payload = checked_archive(payload)
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
