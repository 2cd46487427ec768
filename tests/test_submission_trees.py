"""Submission trees the judge must read without following, blocking or crashing, and names every report shows inert.

No worker is started here: these are the judge's own reads (`grader.files`,
`session.copy_submission`, `submission.locate_source`) and the reports' text helpers.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from grader import files
from grader.exercises import BY_NAME
from grader.report import gradebook_csv
from grader.report.text import reveal, shown_name, spreadsheet_cell, terminal_safe
from grader.session import copy_submission
from grader.submission import find_submissions, locate_source

ROOT = Path(__file__).resolve().parent.parent


def solution(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for path in (ROOT / "solutions").glob("*.py"):
        shutil.copyfile(path, folder / path.name)
    return folder


def test_a_fifo_is_named_and_never_opened(tmp_path):
    sub = solution(tmp_path / "s")
    (sub / "my_linear.py").unlink()
    os.mkfifo(sub / "my_linear.py")
    os.mkfifo(sub / "data.fifo")
    lookup = locate_source(sub, BY_NAME["my_linear"])
    assert lookup.path is None and lookup.problem.startswith("my_linear.py is a named pipe (FIFO)")
    notes = copy_submission(sub, tmp_path / "copy")  # returns: it did not block on either pipe
    assert any(n.startswith("data.fifo is a named pipe") for n in notes)
    assert not (tmp_path / "copy" / "data.fifo").exists() and not (tmp_path / "copy" / "my_linear.py").exists()


def test_a_notebook_linked_to_a_device_or_proc_file_is_refused_by_name(tmp_path):
    sub = solution(tmp_path / "s")
    (sub / "my_linear.py").unlink()
    os.symlink("/proc/kmsg", sub / "my_linear.ipynb")
    lookup = locate_source(sub, BY_NAME["my_linear"])
    assert lookup.problem == "my_linear.ipynb is a symbolic link: hand in the file itself."
    with pytest.raises(files.UnsafeFile):
        files.read_regular(sub / "my_linear.ipynb", 100)


def test_hard_links_are_not_copied(tmp_path):
    secret = tmp_path / "suite_my_linear.py"
    secret.write_text("HIDDEN = 'canary'\n")
    sub = solution(tmp_path / "s")
    os.link(secret, sub / "notes.py")
    notes = copy_submission(sub, tmp_path / "copy")
    assert not (tmp_path / "copy" / "notes.py").exists()
    assert any(n.startswith("notes.py is a hard link") for n in notes)
    with pytest.raises(files.UnsafeFile):
        files.read_regular(sub / "notes.py", 100)


def test_exercise_files_are_copied_first_and_never_capped(tmp_path):
    sub = solution(tmp_path / "s")
    (sub / "aaa_data.csv").write_bytes(b"x" * 3000)
    (sub / "zzz.txt").write_bytes(b"y" * 10)
    notes = copy_submission(sub, tmp_path / "copy", max_bytes=1000)
    copied = sorted(p.name for p in (tmp_path / "copy").iterdir())
    assert copied == ["custom_dataset.py", "logistic_regression.py", "my_linear.py", "zzz.txt"]
    assert any("aaa_data.csv (0.0 MB)" in n for n in notes), notes


def test_a_package_or_module_that_would_shadow_an_exercise_is_left_out(tmp_path):
    sub = solution(tmp_path / "s")
    (sub / "my_linear").mkdir()
    (sub / "my_linear" / "__init__.py").write_text("raise ImportError\n")
    (sub / "custom_dataset.pyc").write_bytes(b"junk")
    notes = copy_submission(sub, tmp_path / "copy")
    assert not (tmp_path / "copy" / "my_linear").exists() and not (tmp_path / "copy" / "custom_dataset.pyc").exists()
    assert any(n.startswith("my_linear/ would be imported instead of my_linear.py") for n in notes), notes


def test_names_that_are_not_utf8_and_paths_over_4096_bytes_are_copied(tmp_path):
    sub = solution(tmp_path / "s")
    os.mkdir(os.path.join(os.fsencode(sub), b"donn\xe9es"))
    fd = os.open(sub, os.O_RDONLY)
    for _ in range(20):
        os.mkdir("d" * 250, dir_fd=fd)
        inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    copy_submission(sub, tmp_path / "copy")
    tree = files.scan(tmp_path / "copy")
    assert any(e.parts[-1] == "deep.txt" and len(e.relative) > 5000 for e in tree.files)
    assert (tmp_path / "copy" / "donn\udce9es").is_dir()


def test_submission_ids_are_escaped_and_empty_named_folders_are_kept(tmp_path):
    course = tmp_path / "class"
    solution(Path(os.fsdecode(os.path.join(os.fsencode(course), b"bob\xff"))))
    solution(course / "eve\u202eexe.txt")
    (tmp_path / "empty").mkdir()
    ids = [s.id for s in find_submissions([course, tmp_path / "empty"])]
    assert ids == ["bob\\xff", "eve\\u202eexe.txt", "empty"]
    assert find_submissions([tmp_path / "empty"]) == []  # named alone: nothing found, a usage error


def test_text_helpers_show_bidi_controls_separators_and_bytes_as_escapes():
    assert reveal("a\u202eb\u2066c\u2028d\u0085e\u061cf\udcff") == "a\\u202eb\\u2066c\\u2028d\\u0085e\\u061cf\\xff"
    assert shown_name("bob\n\x1b[31m\tx") == "bob\\n\\x1b[31m\\tx"
    assert terminal_safe("ok\u202eKO") == "ok\\u202eKO"
    assert [spreadsheet_cell(c) for c in ("=HYPERLINK(1)", "+1", "-1", "@SUM", "\tx", "\rx", "alice", "")] == [
        "'=HYPERLINK(1)", "'+1", "'-1", "'@SUM", "'\tx", "'\rx", "alice", ""]


def test_gradebook_cells_are_never_formulas():
    rows = gradebook_csv.safe_rows([["=cmd|' /C calc'!A0", "a\u202eb", "12"]])
    assert rows == [["'=cmd|' /C calc'!A0", "a\\u202eb", "12"]]
