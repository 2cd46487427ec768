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

Canvas makes each assignment column an assignment of its own, all counted in the course
total, so the CSV has either the total (the default) or the exercises the instructor names
with `--csv-column`, never both (each point would count twice). A second row, `Points
Possible`, gives each column its maximum: without it, a column that becomes a new
assignment gets no points possible. Canvas's importer drops, silently, any column whose
title contains `Final Score`, `Current Points` and the like (read-only totals), and matches
a title equal to a student-information heading as that column: such titles are refused.
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
DEFAULT_TOTAL_TITLE = "Autograder total"
# instructure/canvas-lms lib/gradebook_importer.rb: GRADEBOOK_IMPORTER_RESERVED_NAMES, and
# NON_ASSIGNMENT_COLUMN_HEADERS, joined into one unanchored regexp whose matches are dropped.
RESERVED_TITLES = ("Student", "LastName", "FirstName", "ID", "SIS User ID", "SIS Login ID", "Section", "Integration ID", "Root Account")
DROPPED_TITLE_PARTS = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points", "Final Grade",
                       "Override Score", "Override Grade", "Override Status")
POINTS_POSSIBLE = "Points Possible"


def title_problem(title: str) -> str | None:
    """Why Canvas's importer would not read `title` as an assignment column, or None."""
    if title in RESERVED_TITLES:
        return f"Canvas reads a column titled {title!r} as student information"
    dropped = next((part for part in DROPPED_TITLE_PARTS if part in title), None)
    if dropped:
        return f"Canvas's importer drops every column whose title contains {dropped!r}"
    return None


def columns_problem(titles: dict[str, str]) -> str | None:
    """Why these --csv-column titles would not import as meant, or None."""
    if TOTAL in titles and len(titles) > 1:
        return "the total and exercise columns would each become a Canvas assignment, counting every point twice: name either the total or exercises"
    if len(set(titles.values())) < len(titles):
        return "two columns share a title, and Canvas reads both from the first"
    return next(filter(None, (title_problem(title) for title in titles.values())), None)


def assignment_titles(run: RunResult, titles: dict[str, str] | None = None) -> dict[str, str]:
    """The CSV's assignment columns: exercise name or `total` → column title.

    The exercises named in `titles`, in the order they were graded, or else the total.
    """
    titles = titles or {}
    names: list[str] = []
    for submission in run.submissions:
        for exercise in submission.exercises:
            if exercise.name not in names and exercise.name in titles:
                names.append(exercise.name)
    if names:
        return {name: titles[name] for name in names}
    return {TOTAL: titles.get(TOTAL, DEFAULT_TOTAL_TITLE)}


def points_possible(run: RunResult, names) -> list[str]:
    """Each column's maximum: the largest over the submissions that have it."""
    def maximum(name: str) -> float:
        if name == TOTAL:
            return max((s.max_score for s in run.submissions), default=0)
        return max((e.max_score for s in run.submissions for e in s.exercises if e.name == name), default=0)
    return [visible.points(maximum(name)) for name in names]


def gradebook_rows(run: RunResult, titles: dict[str, str] | None = None, id_column: str = "sis-login") -> list[list[str]]:
    columns = assignment_titles(run, titles)
    rows = [[*STUDENT_COLUMNS, *columns.values()], [POINTS_POSSIBLE, *[""] * (len(STUDENT_COLUMNS) - 1), *points_possible(run, columns)]]
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
    problem = columns_problem(titles or {})
    if problem:
        raise ValueError(problem)
    with open(path, "w", encoding="utf-8", errors="replace", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(safe_rows(gradebook_rows(run, titles, id_column)))
