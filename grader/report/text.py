"""Learner-controlled text made safe for every report: no control characters, nothing that
reorders or splits what a reader sees, capped length.

Names (directory and file names) may hold any byte but `/` and NUL: bytes that are not
UTF-8 arrive as lone surrogates (Python's surrogateescape) and are shown as `\\xff`;
bidirectional controls (which make `exe.txt\\u202egnp` read as another name) and line
separators (which some viewers break lines at) are shown as `\\u202e`, never obeyed.
"""
from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # and lone surrogates, which UTF-8 cannot hold
# Bidirectional controls (embeddings, overrides, isolates, marks) and line separators.
INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u0085]")
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, decoded with surrogateescape
NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
NAME_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP: cells a spreadsheet runs as a formula


def reveal(text: str) -> str:
    """Bidi controls and line separators as `\\u202e`, undecodable bytes as `\\xff`: visible, inert."""
    text = ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown_name(name: str, max_chars: int = 300) -> str:
    """A file or directory name as every report shows it: one line, every odd character escaped."""
    text = reveal(name)
    text = NAME_CONTROL.sub(lambda m: NAME_ESCAPES.get(m.group()) or f"\\x{ord(m.group()) & 0xFF:02x}", text)
    return text if len(text) <= max_chars else text[: max_chars - 3] + "..."


def spreadsheet_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (`=HYPERLINK(...)` gets a leading `'`)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def terminal_safe(text: str, max_lines: int = 20, max_chars: int = 2000) -> str:
    """Strip escape sequences and other control characters, then cap lines and characters."""
    text = CONTROL.sub("?", reveal(text.replace("\r\n", "\n")))
    lines = text.splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... [{len(lines) - max_lines} more lines]"]
    text = "\n".join(lines)
    return text if len(text) <= max_chars else text[:max_chars] + " ... [cut]"
