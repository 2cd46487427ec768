"""The `grade` command: grade submission directories and report the results."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import click

import grader
from grader import pack as pack_module
from grader.exercises import by_name, current as current_exercises
from grader.report.json_report import write_json
from grader.report import github as github_report
from grader.report.visible import redacted  # a CI log is learner-visible: hidden checks' messages stay out
from grader.report.gradebook_csv import ID_COLUMNS, columns_problem, write_gradebook
from grader.report.gradescope import write_gradescope
from grader.report.junit import write_junit
from grader.report.terminal import render_isolation, render_submission, render_table
from grader.results import RunResult, SubmissionResult, submission_from_dict
from grader.session import WorkerLimits
from grader.submission import DuplicateSubmissions, Submission, find_submissions
from grader.executors import Executor, ExecutorSpec, ExecutorSpecError
from grader.executors.dask import DaskUnavailable
from grader.executors.local import LocalExecutor
from grader.executors.place import Place
from grader.executors.recording import (Recorder, expected_fingerprints, make_executor, places_isolation, previous_from_store, reread,
                                        reuser)
from grader.executors.retry import DEFAULT_RETRIES, BatchRun
from grader.executors.slurm import SHARD_SIZE
from grader.store import ResultStore, default_store


# The reference solutions need about 0.7 GiB (torch's CPU build, DataLoader workers; measured
# with cgroups and with RLIMIT_AS): below 1 GiB a correct submission would lose points.
MIN_MEMORY_GIB = 1.0
INTERRUPTED = 130  # the exit status of a run stopped by Ctrl-C, as a shell reports it


_group_pack: Path | None = None  # `grade --pack DIR ...` before the command's name
PACK_OPTION_HELP = "The exercise pack: a folder with pack.toml.  [default: ./pack.toml's folder if there is one, else the built-in pack]"


def use_pack(option: Path | None, collect: bool = False) -> pack_module.Pack:
    """Load and activate the pack `--pack` names (or the default); a broken pack exits 2, before any grading.

    With `collect`, its suites are collected too (syntax errors, imports, points overrides).
    """
    root = option or _group_pack or pack_module.find(Path.cwd())
    try:
        chosen = pack_module.activate(pack_module.load(root) if root is not None else pack_module.active())
        if collect:
            pack_module.check(chosen)
    except pack_module.PackError as exc:
        click.echo(f"grade: broken pack: {exc}", err=True)
        sys.exit(2)
    return chosen


def _check_pack() -> None:
    try:
        pack_module.check(pack_module.active())
    except pack_module.PackError as exc:
        click.echo(f"grade: broken pack: {exc}", err=True)
        sys.exit(2)


class GradeGroup(click.Group):
    """`grade PATH...` grades; `grade COMMAND ...` runs a subcommand (assign, bundle, ...).

    Anything that is not a subcommand's name is taken as the start of `grade run PATH...`.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        global _group_pack
        if args and args[0] == "--pack" and len(args) > 1:  # `grade --pack DIR COMMAND ...`: every command's default
            _group_pack, args = Path(args[1]), args[2:]
        elif args and args[0].startswith("--pack="):
            _group_pack, args = Path(args[0].split("=", 1)[1]), args[1:]
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        """A bug in the grader exits with 3, never with 1 ("not full marks"), and says so."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            import traceback

            traceback.print_exc()
            click.echo(f"grade: internal error ({type(exc).__name__}: {exc}); this is a bug in the grader, not in the submissions.", err=True)
            ctx.exit(3)


@click.group(cls=GradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(grader.__version__, prog_name="grade")
def main() -> None:
    """Grade PyTorch exercise submissions.

    `grade PATH...` grades (it is `grade run PATH...`; see `grade run --help` for its
    options: --json, --html, --jobs, --resume, --isolation, ...). The other commands
    write exercises, CI files and bundles.
    """


@main.command("run", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--exercise", "exercise_names", multiple=True, metavar="NAME", help="Grade only this exercise of the pack (repeatable).")
@click.option("--pack", "pack_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help=PACK_OPTION_HELP)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the results as JSON to this file.")
@click.option("--github/--no-github", "github_flag", default=None, help="GitHub Actions and Classroom: step output `result` for the Classroom reporter, ::error annotations, a job summary.  [default: on when GITHUB_ACTIONS=true]")
@click.option("--gradescope", "gradescope_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write Gradescope's results.json to this file (one submission).")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a JUnit XML report (GitLab, Jenkins) to this file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a Canvas gradebook CSV to this file: a Points Possible row, a row per submission, and the total (or the exercises named with --csv-column).")
@click.option("--csv-column", "csv_columns", multiple=True, metavar="NAME=TITLE", help="Title of an exercise's column (or `total`'s) in the CSV, e.g. 'total=HW3 (48213)' for a Canvas assignment id (repeatable).")
@click.option("--csv-id", type=click.Choice(list(ID_COLUMNS)), default="sis-login", show_default=True, help="The Canvas column that gets each submission's directory name.")
@click.option("--pages", "pages_dir", type=click.Path(file_okay=False, path_type=Path), help="Write each submission's feedback page, DIR/<id>.md (Markdown), into this directory.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=WorkerLimits.call_timeout_s, show_default=True, help="Seconds each call into learner code may take (some checks allow more).")
@click.option("-v", "--verbose", is_flag=True, help="Also list passed checks, and show where the time went.")
@click.option("-q", "--quiet", is_flag=True, help="For a batch: print the summary table only, not each submission's report.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores", help="Submissions graded in parallel.")
@click.option("--isolation", type=click.Choice(["auto", "strict", "none"]), default="auto", show_default=True, help="auto: the strongest sandbox this machine offers; strict: refuse to grade without filesystem or network confinement; none: process separation and limits only.")
@click.option("--memory", "memory_gib", type=click.FloatRange(min=0.0), default=4.0, show_default=True, help=f"Memory limit for one submission's code, in GiB (at least {MIN_MEMORY_GIB:g}: torch and the checks need that much).")
@click.option("--resume", is_flag=True, help="With --json FILE: keep the results in FILE of submissions whose files, grader and environment are unchanged.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path), help="Write an HTML feedback page per submission into DIR, and for a batch DIR/index.html, a class dashboard.")
@click.option("--instructor", is_flag=True, help="With --html: show hidden checks' messages, inputs and source too (for instructors, not learners).")
@click.option("--watch", is_flag=True, help="Grade one submission, then regrade an exercise each time one of its files is saved, printing only the checks that changed; Ctrl-C stops (exit 130).")
@click.option("--executor", "executor_text", default="local", show_default=True, metavar="local|dask://HOST:PORT|slurm", help="Where the judges run: here (--jobs), on a Dask scheduler's workers, or as a Slurm job array (README: Grading beyond one machine).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), help="The result store: one record per submission, written as each finishes; --resume reads it.  [default: FILE.store beside --json FILE]")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True, help="How many times a submission is graded again after a grader fault (never the learner's).")
@click.option("--slurm-arg", "slurm_args", multiple=True, metavar="ARG", help="With --executor slurm: an option for sbatch, e.g. --slurm-arg=--partition=gpu --slurm-arg=--gres=gpu:1 (repeatable).")
@click.option("--shard-size", type=click.IntRange(min=1), default=SHARD_SIZE, show_default=True, help="With --executor slurm: submissions per array task.")
def run_command(paths: tuple[Path, ...], exercise_names: tuple[str, ...], json_path: Path | None, timeout: float, verbose: bool,
                github_flag: bool | None = None, gradescope_path: Path | None = None, junit_path: Path | None = None, csv_path: Path | None = None,
                csv_columns: tuple[str, ...] = (), csv_id: str = "sis-login", pages_dir: Path | None = None, quiet: bool = False, jobs: int = 1, resume: bool = False,
                html_dir: Path | None = None, instructor: bool = False, isolation: str = "auto", memory_gib: float = 4.0, watch: bool = False,
                executor_text: str = "local", store_dir: Path | None = None, retries: int = DEFAULT_RETRIES, slurm_args: tuple[str, ...] = (),
                shard_size: int = SHARD_SIZE, pack_dir: Path | None = None) -> None:
    """Grade PyTorch exercise submissions.

    Each PATH is one submission (a directory holding the pack's exercise files, NAME.py or
    NAME.ipynb) or a directory of submissions, one per subdirectory.

    Exit status: 0 when every submission has full marks, 1 when not, 2 for a usage error.
    """
    began = time.monotonic()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    use_pack(pack_dir)
    unknown = [n for n in exercise_names if n not in by_name()]
    if unknown:
        raise click.UsageError(f"--exercise {unknown[0]!r}: the pack has {', '.join(e.name for e in current_exercises())}.")
    paths, exercise_names = _files_as_exercises(paths, exercise_names)
    try:
        submissions = find_submissions(list(paths))
    except DuplicateSubmissions as exc:
        raise click.UsageError(str(exc)) from None
    if not submissions:
        raise click.UsageError(f"no submissions found in {', '.join(map(str, paths))}: expected exercise files or subdirectories.")
    if instructor and html_dir is None:
        raise click.UsageError("--instructor shapes the HTML pages: use it with --html DIR.")
    empty = [s.id for s in submissions if not any(s.path.glob("*.py")) and not any(s.path.glob("*.ipynb"))]
    if len(submissions) > 1 and len(empty) > len(submissions) // 2:
        click.echo(f"grade: warning: {len(empty)} of {len(submissions)} folders hold no .py or .ipynb file (e.g. {', '.join(empty[:3])}): is this the folder of submissions?", err=True)
    if gradescope_path is not None and len(submissions) != 1:
        raise click.UsageError(f"--gradescope grades one submission, and {len(submissions)} were found: {', '.join(s.id for s in submissions[:5])}.")
    csv_titles = _csv_titles(csv_columns, exercise_names or [e.name for e in current_exercises()])
    exercises = [by_name()[n] for n in exercise_names] or list(current_exercises())
    github = github_report.GitHubActions.start() if github_report.enabled(github_flag) else None  # fences learner text in the log
    if memory_gib < MIN_MEMORY_GIB:
        raise click.UsageError(
            f"--memory {memory_gib:g}: grading needs at least {MIN_MEMORY_GIB:g} GiB per submission (torch and the reference "
            "solutions take about 0.7 GiB); with less, correct code would fail for want of memory."
        )
    _prepare_outputs([json_path, gradescope_path, junit_path, csv_path], [pages_dir, html_dir])
    limits = WorkerLimits(call_timeout_s=timeout, memory_bytes=int(memory_gib * 2**30))
    isolation_report = _isolation(isolation)
    if watch:  # grader/watch.py
        from grader.watch import run_watch, usage_problem

        problem = usage_problem(submissions, [json_path, gradescope_path, junit_path, csv_path, pages_dir, html_dir, csv_columns, resume])
        if problem:
            raise click.UsageError(problem)
        sys.exit(run_watch(submissions[0], exercises, limits, isolation_report.get("mode", "auto"), verbose))
    if resume and json_path is None and store_dir is None:
        raise click.UsageError("--resume needs --json FILE (or --store DIR): the results of the last run are read from there.")
    try:
        spec = ExecutorSpec.parse(executor_text)
    except ExecutorSpecError as exc:
        raise click.UsageError(str(exc)) from None
    # A store where something may resume from it: a batch, --resume itself, another executor (not a learner's own `grade .` in CI)
    wants_store = store_dir is not None or resume or len(submissions) > 1 or spec.kind != "local"
    store = _open_store(default_store(json_path, store_dir) if wants_store else None, spec)
    if spec.kind == "slurm":  # grader/executors/slurm.py: submit the array and the render job, then return
        from grader.executors import slurm

        render_args = slurm.render_arguments(json_path, junit_path, csv_path, csv_columns, csv_id, pages_dir, html_dir, instructor)
        sys.exit(slurm.submit(submissions, exercises, limits, isolation_report.get("mode", "auto"), store, retries, resume, render_args,
                              list(slurm_args), shard_size, started_at))
    kept = (previous_from_store(store) or _previous_results(json_path)) if resume else {}
    try:
        executor = make_executor(spec, exercises, limits, jobs, isolation_report.get("mode", "auto"), isolation_report)
    except DaskUnavailable as exc:
        raise click.UsageError(str(exc)) from None
    results, interrupted = _grade_all(submissions, exercises, limits, verbose=verbose, quiet=quiet, jobs=jobs, json_path=json_path, previous=kept,
                                      started_at=started_at, learner_view=github is not None, isolation=isolation_report,
                                      executor=executor, store=store, retries=retries)
    rendered = [reread(store, r) for r in _with_kept(results, kept)]  # every output renders the store's records
    run = _run_result(rendered, started_at, places_isolation(executor.places(), isolation_report) if spec.kind != "local" else isolation_report,
                      None if spec.kind == "local" else executor.places())
    if verbose or isolation_report.get("missing") or isolation_report.get("mode") == "none":
        click.echo(render_isolation(isolation_report), err=True)
    # Outputs: each is a rendering of `run`; none computes a score of its own.
    if github is not None:
        for warning in github.finish(run):
            click.echo(f"grade: {warning}", err=True)
    if gradescope_path is not None:
        write_gradescope(run, gradescope_path)
    _write_outputs(run, json_path, junit_path, csv_path, csv_titles, csv_id, pages_dir, html_dir, instructor)
    if verbose:
        click.echo(f"whole run: {time.monotonic() - began:.2f} s")
    if interrupted:
        click.echo(f"grade: interrupted: {len(results)} of {len(submissions)} submissions graded; their results are in the outputs.", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        from grader.batch import end_template

        end_template()  # its workers were reaped as their sessions closed
        os._exit(INTERRUPTED)  # not sys.exit: nothing at exit may wait for the judge processes just stopped
    executor.close()
    sys.exit(_exit_status(results))


def _write_outputs(run: RunResult, json_path: Path | None, junit_path: Path | None, csv_path: Path | None, csv_titles: dict[str, str],
                   csv_id: str, pages_dir: Path | None, html_dir: Path | None, instructor: bool) -> None:
    """The files a batch asked for, each a rendering of `run` (also `grade render`, from a store)."""
    if json_path is not None:
        write_json(run, json_path)
    if junit_path is not None:
        write_junit(run, junit_path)
    if csv_path is not None:
        write_gradebook(run, csv_path, csv_titles, csv_id)
    if pages_dir is not None:
        github_report.write_pages(run, pages_dir)
    if html_dir is not None:
        from grader.report.html import write_html  # jinja2 is imported only when asked for HTML

        write_html(run, html_dir, instructor=instructor, companions={"JSON": json_path, "CSV": csv_path})  # linked from the dashboard


def _exit_status(results: list[SubmissionResult]) -> int:
    faults = [f"{r.id}: {c.id}" for r in results for e in r.exercises for c in e.checks if c.grader_fault]
    if faults:  # scored as if the check did not exist; the instructor must hear of it
        click.echo(f"grade: the grader could not finish {len(faults)} check(s), left out of every score: {'; '.join(faults[:5])}"
                   f"{' ...' if len(faults) > 5 else ''}. This is a bug in the grader, not in the submissions.", err=True)
        return 3
    return 0 if all(r.full_marks for r in results) else 1


def _open_store(path: Path | None, spec: ExecutorSpec) -> ResultStore | None:
    """The result store (grader/store.py), made before grading; Slurm's tasks need one on a shared file system."""
    if path is None:
        if spec.kind == "slurm":
            raise click.UsageError("--executor slurm needs --store DIR (or --json FILE): a folder every node can write, where the tasks leave their results.")
        return None
    try:
        return ResultStore(path)
    except OSError as exc:
        raise click.UsageError(f"cannot use {path} as the result store: {exc.strerror or exc}.") from None


def _prepare_outputs(files: list[Path | None], folders: list[Path | None]) -> None:
    """Create the outputs' folders before grading, or refuse now: a run never ends unable to write."""
    for path in [p.parent for p in files if p is not None] + [p for p in folders if p is not None]:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.UsageError(f"cannot create the folder {path} for the outputs: {exc.strerror or exc}.") from None
        if not os.access(path, os.W_OK):
            raise click.UsageError(f"cannot write into {path}: choose an output folder you may write to.")
    for path in files:
        if path is not None and path.is_dir():
            raise click.UsageError(f"{path} is a folder: name a file to write.")


def _with_kept(results: list[SubmissionResult], kept: dict[str, SubmissionResult]) -> list[SubmissionResult]:
    """--resume over some submissions: this run's results in place of theirs, the file's others kept."""
    if not kept:
        return results
    fresh = {r.id: r for r in results}
    merged = [fresh.pop(id_, result) for id_, result in kept.items()]
    return merged + [r for r in results if r.id in fresh]


def _grade_all(
    submissions: list[Submission], exercises: list, limits: WorkerLimits, *, verbose: bool, quiet: bool, jobs: int,
    json_path: Path | None, previous: dict[str, SubmissionResult], started_at: str, learner_view: bool = False, isolation: dict | None = None,
    executor: Executor | None = None, store: ResultStore | None = None, retries: int = DEFAULT_RETRIES,
) -> tuple[list[SubmissionResult], bool]:
    """Grade every submission, in parallel for a batch, storing each result as it arrives.

    For a single submission (or one job) the warm template is started before the judge
    imports torch and pytest, so that the two imports run side by side. Returns the results
    in the submissions' order and whether Ctrl-C stopped the run (then only those finished).
    """
    from grader.launcher import default_launcher

    mode = (isolation or {}).get("mode", "auto")
    executor = executor or make_executor(ExecutorSpec("local"), exercises, limits, jobs, mode, isolation)
    if (len(submissions) == 1 or jobs == 1) and isinstance(executor, LocalExecutor):
        with _sigint_ignored():  # the template inherits it: Ctrl-C is ours to handle, it reaps the workers
            default_launcher(mode).start()
    _check_pack()  # its suites collected while the template imports torch; a broken one exits 2 before any grading
    from grader.report.progress import Progress

    # The fingerprints the grading places would compute; Dask's workers fingerprint what they grade themselves.
    places = executor.places() if isinstance(executor, LocalExecutor) or previous else []
    expected = expected_fingerprints(submissions, exercises, limits, places) if (json_path or store) and places else {}
    batch = len(submissions) > 1
    progress = Progress(len(submissions)) if batch else None
    finished: dict[int, SubmissionResult] = {}
    batch_run = BatchRun(executor, submissions, exercises, reuser(previous, expected), retries)
    recorder = Recorder(store, uuid.uuid4().hex, expected, places)

    def record(index: int, result: SubmissionResult, reused: bool = False) -> None:
        recorder.record(batch_run, index, result, reused)  # in the store before it is counted: kill -9 loses no finished work
        finished[index] = result

    interrupted = False
    try:
        for index, result in batch_run:
            reused = result is previous.get(result.id)
            record(index, result, reused)
            if progress is not None:
                progress.advance(result, reused)
            if not batch:
                click.echo(render_submission(redacted(result) if learner_view else result, verbose) + "\n")
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, lambda *_: _quit_now(batch_run))  # a second Ctrl-C: out at once
        interrupted = True
        for index, result in batch_run.stop():  # finished in a judge process, not yet taken
            record(index, result)
        click.echo("\ngrade: interrupted (Ctrl-C): stopping; writing the finished results (Ctrl-C again to quit now).", err=True)
    results = [finished[i] for i in sorted(finished)]
    if batch:
        if not quiet:
            for result in results:
                click.echo(render_submission(redacted(result) if learner_view else result, verbose) + "\n")
        click.echo(render_table(results))
    return results, interrupted


def _quit_now(batch_run) -> None:
    """A second Ctrl-C: tell the judge processes to stop (each reaps its worker, then its template) and exit."""
    batch_run.signal_judges()
    os._exit(INTERRUPTED)


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored while starting a process, which keeps ignoring it (Python leaves an ignored SIGINT alone)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _previous_results(json_path: Path | None) -> dict[str, SubmissionResult]:
    if json_path is None or not json_path.is_file():
        return {}
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        return {s["id"]: submission_from_dict(s) for s in data["submissions"]}
    except (ValueError, KeyError, TypeError) as exc:
        click.echo(f"grade: --resume ignores {json_path}: it is not a results file of this grader ({exc}).", err=True)
        return {}


def _files_as_exercises(paths: tuple[Path, ...], exercise_names: tuple[str, ...]) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """`grade exercises/NAME.py` grades that exercise of the folder it is in."""
    folders, names = [], list(exercise_names)
    for path in paths:
        if path.is_file():
            if path.suffix not in (".py", ".ipynb") or path.stem not in by_name():
                raise click.UsageError(f"{path} is a file: pass the submission's folder, or one of {', '.join(e.filename for e in current_exercises())}.")
            folders.append(path.parent)
            names.append(path.stem)
        else:
            folders.append(path)
    return tuple(dict.fromkeys(folders)), tuple(dict.fromkeys(names))


def _run_result(results: list[SubmissionResult], started_at: str, isolation: dict, places: list[Place] | None = None) -> RunResult:
    """The run as every output shows it: this machine's torch and devices, or those of the places that graded it."""
    import torch

    devices = ["cpu"] + ([f"cuda:0 ({torch.cuda.get_device_name(0)})"] if torch.cuda.is_available() else [])
    torch_version = str(torch.__version__)
    if places:
        devices = list(dict.fromkeys(d for p in places for d in p.devices))
        torch_version = ", ".join(dict.fromkeys(p.torch_version for p in places))
    return RunResult(
        submissions=results, grader_version=grader.__version__, torch_version=torch_version, devices=devices,
        started_at=started_at, isolation=isolation,
    )


def _isolation(mode: str) -> dict:
    """What the workers will be isolated with; --isolation strict refuses a weak sandbox."""
    from grader.worker import sandbox

    report = sandbox.choose(sandbox.detect(), mode)
    if mode == "strict" and not report["confined"]:
        needed = "\n".join(f"  - {item}" for item in report["missing"])
        raise click.UsageError(
            "--isolation strict needs Landlock (to hide the hidden suites, the solutions and other files) and a way to "
            f"cut the network (user namespaces, or Landlock ABI 4 with seccomp). Install or enable:\n{needed}"
        )
    return report


def _csv_titles(pairs: tuple[str, ...], exercise_names) -> dict[str, str]:
    """--csv-column NAME=TITLE pairs, checked before any grading starts."""
    titles = {}
    for pair in pairs:
        name, sep, title = pair.partition("=")
        if not sep or not title.strip() or name not in (*exercise_names, "total"):
            raise click.UsageError(f"--csv-column {pair!r}: expected NAME=TITLE with NAME one of {', '.join((*exercise_names, 'total'))}.")
        titles[name] = title.strip()
    problem = columns_problem(titles)
    if problem:
        raise click.UsageError(f"--csv-column: {problem}.")
    return titles


@main.command("render", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("store_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the results as JSON to this file.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a JUnit XML report to this file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write a Canvas gradebook CSV to this file.")
@click.option("--csv-column", "csv_columns", multiple=True, metavar="NAME=TITLE", help="Title of an exercise's column (or `total`'s) in the CSV (repeatable).")
@click.option("--csv-id", type=click.Choice(list(ID_COLUMNS)), default="sis-login", show_default=True, help="The Canvas column that gets each submission's id.")
@click.option("--pages", "pages_dir", type=click.Path(file_okay=False, path_type=Path), help="Write each submission's Markdown page into this directory.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path), help="Write the HTML pages and the class dashboard into DIR.")
@click.option("--instructor", is_flag=True, help="With --html: show hidden checks' details (for instructors, not learners).")
@click.option("--manifest", "manifest_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), hidden=True)
def render_command(store_dir: Path, json_path: Path | None, junit_path: Path | None, csv_path: Path | None, csv_columns: tuple[str, ...], csv_id: str,
                   pages_dir: Path | None, html_dir: Path | None, instructor: bool, manifest_path: Path | None) -> None:
    """Write the outputs of the results in the store STORE_DIR (a Slurm run's final job runs this).

    Exit status as for a run; 3 also when a submission of the run has no result in the store.
    """
    from grader.executors.merge import load_run
    from grader.executors.slurm import Manifest

    manifest = Manifest.load(manifest_path) if manifest_path is not None else None
    _prepare_outputs([json_path, junit_path, csv_path], [pages_dir, html_dir])
    store = ResultStore(store_dir)
    stored = load_run(store, manifest)
    for problem in store.problems:
        click.echo(f"grade: {problem.path} {problem.why}: left out.", err=True)
    if not stored.results and not stored.missing:
        raise click.UsageError(f"{store_dir} holds no results.")
    titles = _csv_titles(csv_columns, manifest.exercises if manifest else [e.name for e in current_exercises()])
    run = _run_result(stored.results, stored.started_at, places_isolation(stored.places, {}), stored.places)
    _write_outputs(run, json_path, junit_path, csv_path, titles, csv_id, pages_dir, html_dir, instructor)
    click.echo(render_table(stored.results))
    status = _exit_status(stored.results)
    if stored.missing:
        click.echo(f"grade: {len(stored.missing)} submission(s) have no result in the store (a cancelled or failed task?): "
                   f"{', '.join(stored.missing[:5])}{' ...' if len(stored.missing) > 5 else ''}; rerun with --resume to grade only those.", err=True)
        status = 3
    sys.exit(status)


@main.command("slurm-task", hidden=True)
@click.argument("manifest_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("task", type=int)
def slurm_task_command(manifest_path: Path, task: int) -> None:
    """One Slurm array task: grade shard TASK of MANIFEST into its store (grader/executors/slurm.py)."""
    from grader.executors.slurm import run_task

    sys.exit(run_task(manifest_path, task))


def _carry_pack(pack_dir: Path | None, requirement: str | None) -> None:
    """The pack a bundle or CI file carries: in the grader's source it writes, as that grader's default pack."""
    chosen = use_pack(pack_dir, collect=True)
    if requirement is not None and not chosen.builtin:
        raise click.UsageError(f"--grader-requirement installs a grader without the pack {chosen.name!r}: leave it out, so that the "
                               "grader's source is carried with the pack inside.")


@main.group("bundle", context_settings={"help_option_names": ["-h", "--help"]})
def bundle_group() -> None:
    """Build a platform's autograder package."""


@bundle_group.command("gradescope")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--grader-requirement", metavar="SPEC", help="What setup.sh pip-installs instead of the grader's source in the zip (e.g. 'torch-exercise-grader==0.1.0' or a git URL).")
@click.option("--torch-version", metavar="VERSION", help="torch CPU build to install.  [default: the installed torch's version]")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Passed to `grade --timeout` for each submission.")
@click.option("--pack", "pack_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help=PACK_OPTION_HELP + " It goes into the zip, without its solutions.")
def bundle_gradescope(out: Path, grader_requirement: str | None, torch_version: str | None, timeout: float | None, pack_dir: Path | None = None) -> None:
    """Write Gradescope's autograder zip to OUT: setup.sh, run_autograder, the grader's source.

    Upload it as the assignment's autograder (Ubuntu base image). run_autograder grades
    /autograder/submission and always writes /autograder/results/results.json.
    """
    from grader.bundle import build_gradescope_bundle

    _carry_pack(pack_dir, grader_requirement)
    names = build_gradescope_bundle(out, grader_requirement, torch_version, timeout)
    click.echo(f"wrote {out} ({len(names)} files): upload it as the Gradescope autograder.")


@main.command("init", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("platform", type=click.Choice(["github", "github-instructor", "gitlab", "jenkins"]))
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--grader-requirement", metavar="SPEC", help="What the workflow pip-installs.  [default: this grader's source, written into DIRECTORY/.grader]")
@click.option("--torch-version", metavar="VERSION", help="torch CPU build to install.  [default: the installed torch's version]")
@click.option("--path", "submission_path", default=".", show_default=True, help="Where the exercise files are inside the learner's repository.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--pack", "pack_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help=PACK_OPTION_HELP + " It goes into DIRECTORY/.grader, without its solutions.")
def init_command(platform: str, directory: Path, grader_requirement: str | None, torch_version: str | None, submission_path: str, force: bool,
                 pack_dir: Path | None = None) -> None:
    """Write a CI file for PLATFORM into DIRECTORY (default: here).

    github: .github/workflows/classroom.yml for the assignment's template repository;
    github-instructor: .github/workflows/grade-all.yml for the instructor's own repository;
    gitlab: .gitlab-ci.yml; jenkins: Jenkinsfile.
    """
    from grader.bundle import INIT_TARGETS, write_init

    _carry_pack(pack_dir, grader_requirement)
    try:
        path = write_init(platform, directory, grader_requirement, torch_version, submission_path, force)
    except FileExistsError as exists:
        raise click.UsageError(f"{exists} exists: pass --force to overwrite it.") from None
    click.echo(f"wrote {path}: the {INIT_TARGETS[platform].what}.")
    if grader_requirement is None:
        click.echo(
            f"note: it installs the grader from {directory / '.grader'}, the source of this grader ({grader.__version__}): "
            "commit that folder with it. To install from elsewhere, pass --grader-requirement 'git+https://.../your-grader.git@TAG'.",
            err=True,
        )


@main.command("new-exercise", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name")
@click.option("--pack", "pack_dir", type=click.Path(file_okay=False, path_type=Path), help="The pack to add it to (made when it has no pack.toml).  [default: here]")
@click.option("--class", "class_name", metavar="NAME", help="The class the learner writes.  [default: NAME in CamelCase]")
def new_exercise_command(name: str, pack_dir: Path | None, class_name: str | None) -> None:
    """Add exercise NAME to a pack: its solution, text, hidden suite (two checks) and probes.

    `grade --pack DIR assign OUT` then writes the learner's stub, and `grade --pack DIR OUT`
    grades it (0 points) as `grade --pack DIR` grades the solution (full marks).
    docs/writing-exercises.md goes on from there.
    """
    from grader.skeleton import new_exercise

    target = pack_dir or _group_pack or Path.cwd()
    target.mkdir(parents=True, exist_ok=True)
    try:
        written = new_exercise(target, name, class_name)
    except pack_module.PackError as exc:
        click.echo(f"grade: {exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {len(written)} files into {target}: " + ", ".join(str(p.relative_to(target)) for p in written))


@main.command("assign", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folders", nargs=-1, required=True, metavar="[SOLUTIONS] OUT", type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if OUT differs from what would be written.")
@click.option("--force", is_flag=True, help="Overwrite files in OUT that differ from what would be written (e.g. edited by hand).")
@click.option("--pack", "pack_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help=PACK_OPTION_HELP)
def assign_command(folders: tuple[Path, ...], check: bool, force: bool, pack_dir: Path | None = None) -> None:
    """Write the learner's stubs from the pack's marked solutions into OUT.

    For each exercise NAME of the pack: OUT/NAME.py and OUT/notebooks/NAME.ipynb, from its
    solution (with `# BEGIN SOLUTION` / `# END SOLUTION` regions and `# STUB:` lines) and its
    text: the pack's NAME/solution.py and NAME/text.md, or SOLUTIONS/NAME.py and
    SOLUTIONS/NAME.md when a SOLUTIONS folder is given. See grader/assign.py.
    """
    from grader.assign import AssignError, assign, differences

    if len(folders) > 2:
        raise click.UsageError("grade assign takes [SOLUTIONS] OUT: at most two folders.")
    solutions, out = (folders[0], folders[1]) if len(folders) == 2 else (None, folders[0])
    if solutions is not None and not solutions.is_dir():
        raise click.UsageError(f"{solutions}: no such folder (SOLUTIONS holds NAME.py and NAME.md for each exercise).")
    use_pack(pack_dir)

    try:
        if check:
            problems = differences(solutions, out)
            for problem in problems:
                click.echo(f"{out}/{problem}")
            if problems:
                click.echo(f"{out} is out of date: run `grade assign {solutions or ''} {out}`.".replace("  ", " "), err=True)
                sys.exit(1)
            click.echo(f"{out} is up to date.")
            return
        changed = [p.split(" ")[0] for p in differences(solutions, out) if " differs " in p] if out.exists() else []
        if changed and not force:
            raise click.UsageError(f"{out} has files that would be overwritten ({', '.join(changed[:5])}): pass --force to replace them.")
        written = assign(solutions, out)
    except AssignError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {len(written)} files into {out}: " + ", ".join(str(p.relative_to(out)) for p in written))
