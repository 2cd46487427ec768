"""The JSON view, documented by `grader/schema/results.schema.json`."""
from __future__ import annotations

import json
from pathlib import Path

from grader.results import RunResult

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "results.schema.json"


def write_json(run: RunResult, path: Path) -> None:
    # errors="backslashreplace": a lone surrogate (a byte that was not UTF-8) becomes the JSON escape \udcff
    path.write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8", errors="backslashreplace")


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
