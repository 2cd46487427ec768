"""`--executor slurm`: a job array over shards of the class, each task grading into the shared store.

Many tiny array tasks overload Slurm's scheduler, so each task grades a shard of
`--shard-size` submissions (100 by default) with the local executor on the CPUs Slurm gave it
(`SLURM_CPUS_PER_TASK`), keeping one warm template per judge process as on one machine. The
coordinator (`grade ... --executor slurm`) writes a manifest and two scripts under
`STORE/slurm/<run>/`, submits the array and a render job that depends on it
(`--dependency=afterany`), and returns. The render job runs `grade render`, which writes the
outputs from the store's records and names any submission without one.

The store, the submissions and the grader must be on a file system that every node sees at
the same path. A task that is cancelled or preempted loses only the submission it was
grading: its records are on disk, and `grade ... --executor slurm --resume` shards only what
is missing (each task checks again with its own node's fingerprint, and a requeued task
skips what its first run stored).
"""
from __future__ import annotations

import dataclasses
import json
import os
import shlex
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import click

from grader.exercises import Exercise
from grader.session import WorkerLimits
from grader.store import ResultStore
from grader.submission import Submission

SHARD_SIZE = 100
RENDER_ONLY = ("--partition", "-p", "--account", "-A", "--qos", "-q", "--time", "-t", "--chdir", "-D")  # --slurm-arg also given to the render job


@dataclass
class Manifest:
    """What every array task and the render job read: the run, its shards and the outputs to render."""

    run: str
    started_at: str
    store: str
    exercises: list[str]
    limits: dict
    isolation: str
    retries: int
    resume: bool
    ids: list[str]  # every submission of the run, in order: what the render job reports
    shards: list[list[tuple[str, str]]] = field(default_factory=list)  # (id, path) per task
    render: list[str] = field(default_factory=list)  # `grade render` options
    pack: str | None = None  # the exercise pack's folder (None: the built-in one)

    def save(self, path: Path) -> None:
        # ensure_ascii: ids and paths made from non-UTF-8 bytes hold lone surrogates, which JSON's \\u escapes keep
        path.write_text(json.dumps(dataclasses.asdict(self), ensure_ascii=True, indent=1), encoding="ascii")

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        data = json.loads(Path(path).read_text(encoding="ascii"))
        data["shards"] = [[tuple(item) for item in shard] for shard in data["shards"]]
        return cls(**data)


def render_arguments(json_path, junit_path, csv_path, csv_columns, csv_id, pages_dir, html_dir, instructor) -> list[str]:
    """The outputs of `grade ...` as `grade render` options, with absolute paths (the job runs elsewhere)."""
    args: list[str] = []
    for flag, value in (("--json", json_path), ("--junit", junit_path), ("--csv", csv_path), ("--pages", pages_dir), ("--html", html_dir)):
        if value is not None:
            args += [flag, str(Path(value).resolve())]
    for pair in csv_columns:
        args += ["--csv-column", pair]
    args += ["--csv-id", csv_id] + (["--instructor"] if instructor else [])
    return args


def _script(lines: list[str]) -> str:
    return "#!/bin/bash\n" + "\n".join(lines) + "\n"


def submit(submissions: list[Submission], exercises: list[Exercise], limits: WorkerLimits, isolation: str, store: ResultStore,
           retries: int, resume: bool, render: list[str], slurm_args: list[str], shard_size: int, started_at: str) -> int:
    """Write the manifest and scripts, `sbatch` the array and the render job; the exit status."""
    from grader.executors.place import here, pack_root
    from grader.executors.recording import expected_fingerprints

    pending = submissions
    if resume:  # what this machine would fingerprint alike is done; each task checks again with its node's
        expected = expected_fingerprints(submissions, exercises, limits, [here(isolation)])
        done = {s.id for s in submissions if (r := store.get(s.id)) is not None and not r.fault and r.fingerprint in expected[s.id]}
        pending = [s for s in submissions if s.id not in done]
    run = uuid.uuid4().hex[:16]
    folder = store.root.resolve() / "slurm" / run
    (folder / "logs").mkdir(parents=True)
    shards = [[(s.id, str(s.path)) for s in pending[i:i + shard_size]] for i in range(0, len(pending), shard_size)]
    manifest = Manifest(run, started_at, str(store.root.resolve()), [e.name for e in exercises], dataclasses.asdict(limits), isolation,
                        retries, resume, [s.id for s in submissions], shards, render, pack_root())
    manifest.save(folder / "manifest.json")
    python = shlex.quote(sys.executable)
    cwd = shlex.quote(os.getcwd())
    (folder / "task.sh").write_text(_script([
        f"#SBATCH --job-name=grade-{run[:8]}", f"#SBATCH --array=0-{max(0, len(shards) - 1)}", f"#SBATCH --output={folder}/logs/task-%a.out",
        f"cd {cwd}", f'exec {python} -m grader slurm-task {shlex.quote(str(folder / "manifest.json"))} "$SLURM_ARRAY_TASK_ID"',
    ]))
    (folder / "render.sh").write_text(_script([
        f"#SBATCH --job-name=grade-{run[:8]}-render", f"#SBATCH --output={folder}/logs/render.out", f"cd {cwd}",
        f'{python} -m grader render {shlex.quote(str(store.root.resolve()))} --manifest {shlex.quote(str(folder / "manifest.json"))} '
        + " ".join(shlex.quote(a) for a in render),
        f'echo $? > {shlex.quote(str(folder / "rendered"))}',
    ]))
    render_args = [a for a in slurm_args if a.split("=", 1)[0] in RENDER_ONLY]
    try:
        array = _sbatch([*slurm_args, str(folder / "task.sh")]) if shards else ""
        after = [f"--dependency=afterany:{array}"] if array else []
        rendering = _sbatch([*render_args, *after, str(folder / "render.sh")])
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        click.echo(f"grade: sbatch failed ({detail}); the manifest and scripts are in {folder}.", err=True)
        return 2
    kept = len(submissions) - len(pending)
    click.echo(f"submitted Slurm job array {array or '(none: nothing to grade)'}: {len(pending)} submissions in {len(shards)} tasks"
               f"{f', {kept} kept from the store' if kept else ''}; render job {rendering} writes the outputs when the array ends.\n"
               f"logs: {folder}/logs; follow with: squeue -j {','.join(j for j in (array, rendering) if j)}")
    return 0


def _sbatch(args: list[str]) -> str:
    """The job id `sbatch --parsable` prints (`ID` or `ID;CLUSTER`)."""
    done = subprocess.run(["sbatch", "--parsable", *args], capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip().split(";")[0]


def run_task(manifest_path: Path, task: int) -> int:
    """One array task: grade its shard into the store with the local executor; the exit status."""
    from grader import launcher
    from grader.exercises import by_name
    from grader.executors.local import LocalExecutor
    from grader.executors.recording import Recorder, expected_fingerprints, reuser
    from grader.executors.retry import BatchRun
    from grader.worker import sandbox

    from grader.executors.place import use_pack

    manifest = Manifest.load(manifest_path)
    use_pack(manifest.pack)
    if not 0 <= task < len(manifest.shards):
        click.echo(f"grade slurm-task: no shard {task} in {manifest_path} ({len(manifest.shards)} shards)", err=True)
        return 2
    exercises = [by_name()[name] for name in manifest.exercises]
    limits = WorkerLimits(**manifest.limits)
    report = sandbox.choose(sandbox.detect(), manifest.isolation)
    if manifest.isolation == "strict" and not report["confined"]:
        click.echo(f"grade slurm-task: --isolation strict, and this node lacks: {'; '.join(report['missing'])}", err=True)
        return 2
    submissions = [Submission(id_, Path(path)) for id_, path in manifest.shards[task]]
    store = ResultStore(Path(manifest.store))
    jobs = int(os.environ.get("SLURM_CPUS_PER_TASK") or len(os.sched_getaffinity(0)) or 1)
    launcher.default_launcher(manifest.isolation).start()
    executor = LocalExecutor(exercises, limits, jobs, manifest.isolation, report)
    places = executor.places()
    expected = expected_fingerprints(submissions, exercises, limits, places)
    # a requeued task skips what its first run stored; with --resume, what any run stored alike
    previous = {s.id: r.result for s in submissions if (r := store.get(s.id)) is not None and not r.fault and (manifest.resume or r.run == manifest.run)}
    batch = BatchRun(executor, submissions, exercises, reuser(previous, expected), manifest.retries)
    recorder = Recorder(store, manifest.run, expected, places, restamp=True)
    for done, (index, result) in enumerate(batch, 1):
        reused = result is previous.get(result.id)
        recorder.record(batch, index, result, reused)
        click.echo(f"graded {done}/{len(submissions)}: {result.id} {result.score:g}/{result.max_score:g}{' (kept)' if reused else ''}")
    store.sync()
    return 0
