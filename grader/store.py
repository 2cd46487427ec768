"""The durable result store: one record per submission, each written once and atomically.

Rewriting one growing results file as results arrive costs O(n²) at 20,000 submissions and
loses everything when the writer is killed halfway through a rewrite. So each finished
submission is its own small JSON file, `STORE/records/<escaped id>.json`, written to a temp
file in the same folder, fsync'd, then `os.replace`d over the old one: a reader, or a run
killed with SIGKILL at any moment, sees the old record or the new one, never half of one. The
folder is fsync'd every few seconds, not after each rename (that would double the cost of a
record): a power cut may lose the latest renames, and a lost record is only graded again. Every output (`--json`, `--csv`, `--junit`, `--html`, the dashboard)
is rendered from these records, and `--resume` reads them.

A record is keyed by the submission id and carries the fingerprint computed where the grading
ran (files, grader, exercises, limits, torch, CUDA, the isolation tier achieved) and the id of
the run that wrote it. Engines deliver "at least once" (a lost Dask worker's chunk is rerun, a
requeued Slurm task grades its shard again), so a second record of the same run and the same
fingerprint is a duplicate and is ignored. A record marked `fault` is what the grader could not
grade (its own error, after its retries): it is rendered, never kept by `--resume`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from grader.results import SubmissionResult, submission_from_dict, submission_to_dict

FORMAT = "grade-record/1"
SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789-_.")
MAX_NAME = 200  # bytes of an escaped id before it is shortened with a hash (file names: 255 bytes)
TEMP_PREFIX = ".tmp-"
STALE_TEMP_S = 600.0  # a temp file this old was left by a writer killed before its rename


def escape_id(submission_id: str) -> str:
    """A file name for a submission id: injective, one path component, the same on every file system.

    Ids are any text made from a folder's bytes (`submission.submission_id`: non-UTF-8 bytes
    shown as `\\xff`, lone surrogates possible), so every byte outside lower-case letters,
    digits and `-_.` is written `%XX`. Upper case is escaped too, so that `Bob` and `bob` stay
    two files on a case-insensitive file system; a leading `.` is escaped, so that no name is
    `.`, `..` or hidden. A name over MAX_NAME bytes keeps its start and gets a hash of the id.
    """
    raw = submission_id.encode("utf-8", "surrogatepass")
    name = "".join(chr(b) if b in SAFE and not (i == 0 and b == ord(".")) else f"%{b:02X}" for i, b in enumerate(raw))
    if len(name) > MAX_NAME:
        cut = MAX_NAME - 65
        cut = name.rfind("%", cut - 2, cut) if "%" in name[cut - 2 : cut] else cut  # never half an escape
        name = name[:cut] + "~" + hashlib.sha256(raw).hexdigest()
    return name


@dataclass
class Record:
    """One submission's stored result, and where and by which run it was graded."""

    id: str
    fingerprint: str
    result: SubmissionResult
    run: str = ""  # the id of the run (coordinator) that asked for this grading
    fault: bool = False  # the grader could not grade it (after retries): rendered, never kept by --resume
    attempts: int = 1
    graded_on: dict[str, Any] = field(default_factory=dict)  # host, torch, devices, isolation of the grading place
    stored_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "id": self.id, "fingerprint": self.fingerprint, "run": self.run, "fault": self.fault,
            "attempts": self.attempts, "graded_on": self.graded_on, "stored_at": self.stored_at,
            "result": submission_to_dict(self.result),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} record")
        result = submission_from_dict(data["result"])
        if result.id != data["id"] or result.fingerprint != data["fingerprint"]:
            raise ValueError("the record's id or fingerprint differs from its result's")
        return cls(
            id=data["id"], fingerprint=data["fingerprint"], result=result, run=data.get("run", ""), fault=bool(data.get("fault")),
            attempts=int(data.get("attempts", 1)), graded_on=dict(data.get("graded_on") or {}), stored_at=data.get("stored_at", ""),
        )


@dataclass
class StoreProblem:
    """A file in the store that is not a readable record (written by hand, or by another program)."""

    path: Path
    why: str


class ResultStore:
    """A folder of records; safe to share between processes and machines (one writer per record at a time)."""

    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = Path(root)
        self.records_dir = self.root / "records"
        self.fsync = fsync
        self.problems: list[StoreProblem] = []
        self.records_dir.mkdir(parents=True, exist_ok=True)
        self._clean_temps()

    def path_for(self, submission_id: str) -> Path:
        return self.records_dir / f"{escape_id(submission_id)}.json"

    def get(self, submission_id: str) -> Record | None:
        """The stored record of this id, or None (none yet, or unreadable: noted in `problems`)."""
        path = self.path_for(submission_id)
        record = self._read(path)
        return record if record is not None and record.id == submission_id else None

    def put(self, record: Record) -> bool:
        """Store `record` unless it duplicates what is there; whether it was written.

        Ignored: a record of the same run and fingerprint (a retried task delivered twice),
        and a fault where that run already stored a grade. Anything else replaces the old
        record: a later run, or another fingerprint, is a regrade.
        """
        old = self.get(record.id)
        if old is not None and old.run == record.run and old.fingerprint == record.fingerprint and (record.fault or not old.fault):
            return False
        if not record.stored_at:
            record.stored_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self._write(self.path_for(record.id), json.dumps(record.to_dict(), ensure_ascii=True, separators=(",", ":")).encode("ascii"))
        return True

    def records(self) -> Iterator[Record]:
        """Every readable record, in file-name order; torn or foreign files are skipped and noted."""
        try:
            names = sorted(os.listdir(self.records_dir))
        except FileNotFoundError:
            return
        for name in names:
            if name.endswith(".json") and not name.startswith(TEMP_PREFIX):
                record = self._read(self.records_dir / name)
                if record is not None:
                    yield record

    def _read(self, path: Path) -> Record | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(StoreProblem(path, f"cannot be read ({exc.strerror or exc})"))
            return None
        try:
            record = Record.from_dict(json.loads(data))
        except (ValueError, KeyError, TypeError) as exc:
            self.problems.append(StoreProblem(path, f"is not a record of this grader ({type(exc).__name__}: {exc})"))
            return None
        if path.name != f"{escape_id(record.id)}.json":
            self.problems.append(StoreProblem(path, f"holds the record of another id ({record.id!r})"))
            return None
        return record

    def _write(self, path: Path, data: bytes) -> None:
        """Temp file in the same folder, fsync, rename over: all or nothing."""
        temp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}-{path.name}"[:255])
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if self.fsync:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink(temp)
            raise
        os.close(fd)
        try:
            os.replace(temp, path)
        except BaseException:
            _unlink(temp)
            raise

    def sync(self) -> None:
        """Make the renames so far durable (the folder fsync'd): once at the end of a run."""
        if self.fsync:
            _fsync_dir(self.records_dir)

    def _clean_temps(self) -> None:
        """Remove temp files of writers killed before their rename (old ones only: others may be writing now)."""
        now = time.time()
        try:
            entries = list(os.scandir(self.records_dir))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX):
                try:
                    if now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_S:
                        os.unlink(entry.path)
                except OSError:
                    pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def default_store(json_path: Path | None, store: Path | None) -> Path | None:
    """`--store DIR`, else `FILE.store/` beside `--json FILE`, else none (nothing to resume from)."""
    if store is not None:
        return store
    return json_path.with_name(json_path.name + ".store") if json_path is not None else None


def this_host() -> str:
    return socket.gethostname()
