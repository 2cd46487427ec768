"""Learner-controlled text made safe for a terminal: no control characters, capped length."""
from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # and lone surrogates, which UTF-8 cannot hold


def terminal_safe(text: str, max_lines: int = 20, max_chars: int = 2000) -> str:
    """Strip escape sequences and other control characters, then cap lines and characters."""
    text = CONTROL.sub("?", text.replace("\r\n", "\n"))
    lines = text.splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"... [{len(lines) - max_lines} more lines]"]
    text = "\n".join(lines)
    return text if len(text) <= max_chars else text[:max_chars] + " ... [cut]"
