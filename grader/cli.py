"""The `grade` command: grade submission directories and report the results."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

import grader
from grader.exercises import BY_NAME, EXERCISES
from grader.report.json_report import write_json
from grader.report.terminal import render_submission, render_summary
from grader.results import RunResult, SubmissionResult
from grader.session import WorkerLimits, WorkerSession
from grader.submission import Submission, find_submissions


class GradeGroup(click.Group):
    """`grade PATH...` grades; `grade COMMAND ...` runs a subcommand (assign, bundle, ...).

    Anything that is not a subcommand's name is taken as the start of `grade run PATH...`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=GradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(grader.__version__, prog_name="grade")
def main() -> None:
    """Grade PyTorch exercise submissions: `grade PATH...` (the same as `grade run PATH...`)."""


@main.command("run", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--exercise", "exercise_names", multiple=True, type=click.Choice([e.name for e in EXERCISES]), help="Grade only this exercise (repeatable).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the results as JSON to this file.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=WorkerLimits.call_timeout_s, show_default=True, help="Seconds each call into learner code may take (some checks allow more).")
@click.option("-v", "--verbose", is_flag=True, help="Also list passed checks, and show where the time went.")
def run_command(paths: tuple[Path, ...], exercise_names: tuple[str, ...], json_path: Path | None, timeout: float, verbose: bool) -> None:
    """Grade PyTorch exercise submissions.

    Each PATH is one submission (a directory holding my_linear.py, logistic_regression.py,
    custom_dataset.py) or a directory of submissions, one per subdirectory.

    Exit status: 0 when every submission has full marks, 1 when not, 2 for a usage error.
    """
    began = time.monotonic()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    submissions = find_submissions(list(paths))
    if not submissions:
        raise click.UsageError(f"no submissions found in {', '.join(map(str, paths))}: expected exercise files or subdirectories.")
    exercises = [BY_NAME[n] for n in exercise_names] or list(EXERCISES)
    limits = WorkerLimits(call_timeout_s=timeout)
    results = list(_grade_all(submissions, exercises, limits, verbose))

    import torch

    devices = ["cpu"] + ([f"cuda:0 ({torch.cuda.get_device_name(0)})"] if torch.cuda.is_available() else [])
    run = RunResult(submissions=results, grader_version=grader.__version__, torch_version=torch.__version__, devices=devices, started_at=started_at)
    if len(results) > 1:
        click.echo(render_summary(results))
    # Outputs: each is a rendering of `run`; none computes a score of its own.
    if json_path is not None:
        write_json(run, json_path)
    if verbose:
        click.echo(f"whole run: {time.monotonic() - began:.2f} s")
    sys.exit(0 if all(r.full_marks for r in results) else 1)


def _grade_all(submissions: list[Submission], exercises, limits: WorkerLimits, verbose: bool):
    """Grade in order, keeping the next submission's worker starting while one is graded.

    The first worker starts before the judge imports torch and pytest, so that the two
    imports (the bulk of a single submission's time) run side by side.
    """
    upcoming = WorkerSession(submissions[0].path, limits)
    upcoming.start()
    from grader.catalog import collect_checks  # imports torch and pytest
    from grader.runner import grade_submission

    checks = collect_checks(exercises)
    for index, submission in enumerate(submissions):
        session = upcoming
        if index + 1 < len(submissions):
            upcoming = WorkerSession(submissions[index + 1].path, limits)
            upcoming.start()
        result: SubmissionResult = grade_submission(submission, exercises, limits, session=session, checks=checks)
        click.echo(render_submission(result, verbose) + "\n")
        yield result
