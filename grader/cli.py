"""The `grade` command."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.exercises import BY_NAME, EXERCISES
from grader.runner import grade_submission
from grader.submission import find_submissions


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def main(paths):
    for submission in find_submissions(list(paths)):
        result = grade_submission(submission)
        for e in result.exercises:
            print(e.name, e.score, e.max_score)
            for c in e.checks:
                print("  ", c.status, c.id, c.title, "|", c.message, c.location)
