"""A gradebook CSV that Canvas's gradebook importer reads (instructure/canvas-lms
lib/gradebook_importer.rb): one row per submission, one column per exercise and the total.

Canvas wants `Student` in column A and `ID` in column B, then optional SIS columns, then
`Section` as the last student-information column; every later column is an assignment,
titled `Title` or `Title (assignment id)`. A blank cell means "no score". Canvas matches a
row to a student by the Canvas user id in `ID`, then by `SIS User ID` / `SIS Login ID`,
then by name. We know each learner only by the submission's directory name, so it goes in
`Student` and in the column `--csv-id` names (`SIS Login ID` by default); `ID` stays blank
unless that is the column chosen. Cells are written by the csv module (quoting whatever
needs it), UTF-8, no byte-order mark. A cell that a spreadsheet would run as a formula
(`=HYPERLINK(...)` as a directory name) gets a leading `'`, and bidi controls and bytes that
were not UTF-8 are written as visible escapes (`grader.report.text`).
"""
from __future__ import annotations

import csv
from pathlib import Path

from grader.report import visible
from grader.report.text import spreadsheet_cell
from grader.results import RunResult

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
ID_COLUMNS = {"sis-login": "SIS Login ID", "sis-user": "SIS User ID", "canvas-id": "ID", "name": "Student"}
TOTAL = "total"


def assignment_titles(run: RunResult, titles: dict[str, str] | None = None) -> dict[str, str]:
    """Exercise name (and `total`) → column title, in the order exercises were graded."""
    names: list[str] = []
    for submission in run.submissions:
        for exercise in submission.exercises:
            if exercise.name not in names:
                names.append(exercise.name)
    titles = titles or {}
    columns = {name: titles.get(name, name) for name in names}
    columns[TOTAL] = titles.get(TOTAL, "Autograder total")
    return columns


def gradebook_rows(run: RunResult, titles: dict[str, str] | None = None, id_column: str = "sis-login") -> list[list[str]]:
    columns = assignment_titles(run, titles)
    rows = [[*STUDENT_COLUMNS, *columns.values()]]
    key = ID_COLUMNS[id_column]
    for submission in run.submissions:
        student = {column: "" for column in STUDENT_COLUMNS}
        student["Student"] = submission.id
        student[key] = submission.id
        scores = {e.name: visible.points(e.score) for e in submission.exercises}
        scores[TOTAL] = visible.points(submission.score)
        rows.append([*(student[c] for c in STUDENT_COLUMNS), *(scores.get(name, "") for name in columns)])
    return rows


def safe_rows(rows: list[list[str]]) -> list[list[str]]:
    """Every cell inert: no formula, no control character, nothing that reorders the text."""
    return [[spreadsheet_cell(visible.plain(cell)) for cell in row] for row in rows]


def write_gradebook(run: RunResult, path: Path, titles: dict[str, str] | None = None, id_column: str = "sis-login") -> None:
    with open(path, "w", encoding="utf-8", errors="replace", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(safe_rows(gradebook_rows(run, titles, id_column)))
