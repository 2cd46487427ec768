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
from grader.report import github as github_report
from grader.report.gradebook_csv import ID_COLUMNS, write_gradebook
from grader.report.gradescope import write_gradescope
from grader.report.junit import write_junit
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
@click.option("--github/--no-github", "github_flag", default=None, help="GitHub Actions and Classroom: step output `result` for the Classroom reporter, ::error annotations, a job summary.  [default: on when GITHUB_ACTIONS=true]")
@click.option("--gradescope", "gradescope_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write Gradescope's results.json to this file (one submission).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a JUnit XML report (GitLab, Jenkins) to this file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a Canvas gradebook CSV to this file: a row per submission, a column per exercise and the total.")
@click.option("--csv-column", "csv_columns", multiple=True, metavar="NAME=TITLE", help="Title of an exercise's column (or `total`'s) in the CSV, e.g. 'total=HW3 (48213)' for a Canvas assignment id (repeatable).")
@click.option("--csv-id", type=click.Choice(list(ID_COLUMNS)), default="sis-login", show_default=True, help="The Canvas column that gets each submission's directory name.")
@click.option("--pages", "pages_dir", type=click.Path(file_okay=False, path_type=Path), help="Write each submission's feedback page, DIR/<id>.md (Markdown), into this directory.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=WorkerLimits.call_timeout_s, show_default=True, help="Seconds each call into learner code may take (some checks allow more).")
@click.option("-v", "--verbose", is_flag=True, help="Also list passed checks, and show where the time went.")
def run_command(paths: tuple[Path, ...], exercise_names: tuple[str, ...], json_path: Path | None, timeout: float, verbose: bool,
                github_flag: bool | None = None, gradescope_path: Path | None = None, junit_path: Path | None = None, csv_path: Path | None = None,
                csv_columns: tuple[str, ...] = (), csv_id: str = "sis-login", pages_dir: Path | None = None) -> None:
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
    if gradescope_path is not None and len(submissions) != 1:
        raise click.UsageError(f"--gradescope grades one submission, and {len(submissions)} were found: {', '.join(s.id for s in submissions[:5])}.")
    csv_titles = _csv_titles(csv_columns, exercise_names or [e.name for e in EXERCISES])
    exercises = [BY_NAME[n] for n in exercise_names] or list(EXERCISES)
    github = github_report.GitHubActions.start() if github_report.enabled(github_flag) else None  # fences learner text in the log
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
    if github is not None:
        for warning in github.finish(run):
            click.echo(f"grade: {warning}", err=True)
    if gradescope_path is not None:
        write_gradescope(run, gradescope_path)
    if junit_path is not None:
        write_junit(run, junit_path)
    if csv_path is not None:
        write_gradebook(run, csv_path, csv_titles, csv_id)
    if pages_dir is not None:
        github_report.write_pages(run, pages_dir)
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


def _csv_titles(pairs: tuple[str, ...], exercise_names) -> dict[str, str]:
    """--csv-column NAME=TITLE pairs, checked before any grading starts."""
    titles = {}
    for pair in pairs:
        name, sep, title = pair.partition("=")
        if not sep or not title.strip() or name not in (*exercise_names, "total"):
            raise click.UsageError(f"--csv-column {pair!r}: expected NAME=TITLE with NAME one of {', '.join((*exercise_names, 'total'))}.")
        titles[name] = title.strip()
    return titles


@main.group("bundle", context_settings={"help_option_names": ["-h", "--help"]})
def bundle_group() -> None:
    """Build a platform's autograder package."""


@bundle_group.command("gradescope")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--grader-requirement", metavar="SPEC", help="What setup.sh pip-installs instead of the grader's source in the zip (e.g. 'torch-exercise-grader==0.1.0' or a git URL).")
@click.option("--torch-version", metavar="VERSION", help="torch CPU build to install.  [default: the installed torch's version]")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Passed to `grade --timeout` for each submission.")
def bundle_gradescope(out: Path, grader_requirement: str | None, torch_version: str | None, timeout: float | None) -> None:
    """Write Gradescope's autograder zip to OUT: setup.sh, run_autograder, the grader's source.

    Upload it as the assignment's autograder (Ubuntu base image). run_autograder grades
    /autograder/submission and always writes /autograder/results/results.json.
    """
    from grader.bundle import build_gradescope_bundle

    names = build_gradescope_bundle(out, grader_requirement, torch_version, timeout)
    click.echo(f"wrote {out} ({len(names)} files): upload it as the Gradescope autograder.")


@main.command("init", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("platform", type=click.Choice(["github", "github-instructor", "gitlab", "jenkins"]))
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--grader-requirement", metavar="SPEC", help="What the workflow pip-installs.  [default: torch-exercise-grader==<this version>]")
@click.option("--torch-version", metavar="VERSION", help="torch CPU build to install.  [default: the installed torch's version]")
@click.option("--path", "submission_path", default=".", show_default=True, help="Where the exercise files are inside the learner's repository.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init_command(platform: str, directory: Path, grader_requirement: str | None, torch_version: str | None, submission_path: str, force: bool) -> None:
    """Write a CI file for PLATFORM into DIRECTORY (default: here).

    github: .github/workflows/classroom.yml for the assignment's template repository;
    github-instructor: .github/workflows/grade-all.yml for the instructor's own repository;
    gitlab: .gitlab-ci.yml; jenkins: Jenkinsfile.
    """
    from grader.bundle import INIT_TARGETS, write_init

    try:
        path = write_init(platform, directory, grader_requirement, torch_version, submission_path, force)
    except FileExistsError as exists:
        raise click.UsageError(f"{exists} exists: pass --force to overwrite it.") from None
    click.echo(f"wrote {path}: the {INIT_TARGETS[platform].what}.")
