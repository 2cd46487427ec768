"""Reading a submission's files without trusting their names or their kinds.

A submission is a tree the learner made: it may hold symbolic links (to `/proc/kmsg`, to the
reference solution), named pipes and devices (which block whoever opens them), hard links to
files outside it (the hidden suite, where the instructor unpacked the class on the same file
system), names that are not UTF-8 or hold newlines and bidi controls, and paths longer than
the 4096 bytes a path argument may have. So the judge:

- walks it with directory file descriptors (`openat`, `fstatat`), never by path, so that
  depth and name length do not matter and a directory swapped for a link is not followed;
- never follows a link, and opens a file only when `lstat` says it is a regular file with
  one name, with O_NOFOLLOW|O_NONBLOCK, and checks with `fstat` that it opened that file;
- reports what it leaves out by name (`problem`), so that the learner learns why.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
MAX_DEPTH = 40  # folders within folders; deeper ones are left out, and said so
MAX_ENTRIES = 20_000  # files and folders in one submission
CHUNK = 1 << 20


class UnsafeFile(OSError):
    """A path the judge will not read: its message completes "NAME ..."."""


def problem(info: os.stat_result) -> str | None:
    """Why a file of this kind is not graded or copied, or None for a regular file with one name."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "is a symbolic link: hand in the file itself"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file: hand in the file itself"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file: hand in the file itself"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file: hand in the file itself"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file: hand in the file itself"
    if info.st_nlink > 1:
        return "is a hard link (one file with several names, perhaps outside the submission): hand in a copy of its own"
    return None


def lstat(path: Path | str, dir_fd: int | None = None) -> os.stat_result | None:
    """The entry itself (never what a link points to), or None when there is none or it cannot be seen."""
    try:
        return os.stat(path, dir_fd=dir_fd, follow_symlinks=False)
    except (OSError, ValueError):
        return None


def open_regular(path: Path | str, dir_fd: int | None = None) -> int:
    """A descriptor on a regular file with one name; UnsafeFile for anything else (never blocks)."""
    before = lstat(path, dir_fd)
    if before is None:
        raise FileNotFoundError(f"{path}")
    reason = problem(before)
    if reason:
        raise UnsafeFile(reason)
    fd = os.open(path, OPEN_FLAGS, dir_fd=dir_fd)
    try:
        after = os.fstat(fd)
        reason = problem(after) or (None if (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino) else "changed while it was read")
        if reason:
            raise UnsafeFile(reason)
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int, dir_fd: int | None = None) -> bytes:
    """At most `limit` + 1 bytes of a regular file (so that the caller sees it was larger)."""
    fd = open_regular(path, dir_fd)
    try:
        parts, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Entry:
    """A regular file of the submission: its path components (str, surrogate-escaped) and size."""

    parts: tuple[str, ...]
    size: int

    @property
    def relative(self) -> str:
        return "/".join(self.parts)


@dataclass
class Tree:
    files: list[Entry] = field(default_factory=list)
    folders: list[tuple[str, ...]] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why)


def skipped_name(name: str) -> bool:
    """Hidden files and caches are never part of a submission."""
    return name.startswith(".") or name == "__pycache__"


def scan(root: Path) -> Tree:
    """Every regular file of the submission at `root`, and every entry left out with why."""
    tree = Tree()
    try:
        fd = os.open(root, DIR_FLAGS)
    except OSError as exc:
        tree.left_out.append((".", f"cannot be read ({exc.strerror or exc})"))
        return tree
    try:
        _scan(fd, (), tree)
    finally:
        os.close(fd)
    return tree


def _scan(dir_fd: int, prefix: tuple[str, ...], tree: Tree) -> None:
    try:
        names = sorted(os.listdir(dir_fd))
    except OSError as exc:
        tree.left_out.append(("/".join(prefix) or ".", f"cannot be read ({exc.strerror or exc})"))
        return
    for name in names:
        if skipped_name(name):
            continue
        parts = (*prefix, name)
        if len(tree.files) + len(tree.folders) >= MAX_ENTRIES:
            tree.left_out.append(("/".join(parts), f"is past the first {MAX_ENTRIES:,} files and folders"))
            continue
        info = lstat(name, dir_fd)
        if info is None:
            tree.left_out.append(("/".join(parts), "cannot be read"))
        elif stat.S_ISDIR(info.st_mode):
            _folder(dir_fd, name, parts, tree)
        elif problem(info):
            tree.left_out.append(("/".join(parts), problem(info)))
        else:
            tree.files.append(Entry(parts, info.st_size))


def _folder(dir_fd: int, name: str, parts: tuple[str, ...], tree: Tree) -> None:
    if len(parts) > MAX_DEPTH:
        tree.left_out.append(("/".join(parts), f"is nested more than {MAX_DEPTH} folders deep"))
        return
    try:
        inner = os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        tree.left_out.append(("/".join(parts), f"cannot be read ({exc.strerror or exc})"))
        return
    tree.folders.append(parts)
    try:
        _scan(inner, parts, tree)
    finally:
        os.close(inner)


def open_parent(root_fd: int, parts: tuple[str, ...]) -> int:
    """A descriptor on the folder holding `parts` under `root_fd`, walked one name at a time."""
    fd = os.dup(root_fd)
    for name in parts[:-1]:
        inner = os.open(name, DIR_FLAGS, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd


def make_parent(root_fd: int, parts: tuple[str, ...]) -> int:
    """As `open_parent`, creating the folders on the way (in the judge's private copy)."""
    fd = os.dup(root_fd)
    for name in parts[:-1]:
        try:
            os.mkdir(name, 0o755, dir_fd=fd)
        except FileExistsError:
            pass
        inner = os.open(name, DIR_FLAGS, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd
