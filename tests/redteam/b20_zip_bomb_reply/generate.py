"""Makes bomb.frame: a valid torch.save archive whose storage record is deflate-compressed zeros (512 MiB inflated)."""
import io
import struct
import zipfile
import zlib
from pathlib import Path

INFLATED = 512 << 20
CHUNK = 1 << 20
MARKER = 0xC0FFEE  # a size that stands out in the pickle


def _deflated_zeros() -> tuple[bytes, int]:
    """Raw deflate of INFLATED zeros, built from one full-flushed block repeated (fast), and its CRC-32."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(CHUNK)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(INFLATED // CHUNK):
        crc = zlib.crc32(zeros, crc)
    return first + repeated * (INFLATED // CHUNK - 1) + compressor.flush(zlib.Z_FINISH), crc


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive by hand: (name, data as stored, method, crc, inflated size) each."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0) + encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def generate(target: Path) -> None:
    import torch

    buffer = io.BytesIO()
    torch.save({"ok": True, "value": torch.zeros(MARKER, dtype=torch.uint8)}, buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = []
    for info in archive.infolist():
        data = archive.read(info)
        if info.filename.endswith("data.pkl"):  # the storage's and the tensor's declared sizes: INFLATED, as torch.load checks
            data = data.replace(b"J" + struct.pack("<i", MARKER), b"J" + struct.pack("<i", INFLATED))
        if info.filename.endswith("/data/0"):
            bomb, crc = _deflated_zeros()
            members.append((info.filename, bomb, zipfile.ZIP_DEFLATED, crc, INFLATED))
        else:
            members.append((info.filename, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data)))
    (target / "bomb.frame").write_bytes(_zip(members))
