"""The Dask executor's overhead against `--jobs 2`, on this machine. Not a test.

Usage: python bench/dask_bench.py [--submissions 2000] [--workers 2]

Makes N synthetic three-exercise submissions (bench/run_bench.py's mix: a quarter stubs, a
quarter correct, half with one bug), grades them once with `grade --jobs W` and once with
`grade --executor dask://127.0.0.1:PORT` against a `dask scheduler` and W `dask worker
--nthreads 1` processes started as the README says (their start-up is not counted: a
cluster is long-lived; each worker's judge and template start inside the timed run, as the
local judges' do). Both runs from one invocation, the same files; scores are compared.
Writes bench/scaling_results.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run_bench import make_batch  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds of the waited-for process tree, and the completed process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def cpu_of(pids: list[int]) -> float:
    """User + system seconds of running processes and their waited-for children (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        except OSError:
            pass
    return total


def tree(pids: list[int]) -> list[int]:
    """The processes and all their descendants (the workers' templates, judges' sandboxes)."""
    found, stack = [], list(pids)
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                stack += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def scores(path: Path) -> dict[str, tuple[float, float]]:
    return {s["id"]: (s["score"], s["max_score"]) for s in json.loads(path.read_text())["submissions"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="grade-dask-bench-"))
    bin_dir = Path(sys.executable).parent
    cluster: list[subprocess.Popen] = []
    try:
        make_batch(work / "class", args.submissions)
        grade = [sys.executable, "-m", "grader", str(work / "class"), "-q"]
        local_s, _, local = timed([*grade, "--jobs", str(args.workers), "--json", str(work / "local.json")])
        port = free_port()
        logs = open(work / "cluster.log", "w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the workers run this checkout's grader, as `grade` does
        cluster.append(subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
                                        stdout=logs, stderr=subprocess.STDOUT, env=env))
        time.sleep(3)
        for _ in range(args.workers):
            cluster.append(subprocess.Popen([str(bin_dir / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1", "--nworkers", "1",
                                             "--no-dashboard"], stdout=logs, stderr=subprocess.STDOUT, env=env))
        time.sleep(8)  # workers registered (their import of distributed, not of torch: that happens in the run)
        cpu_before = cpu_of(tree([p.pid for p in cluster]))
        dask_s, dask_cpu, dask = timed([*grade, "--executor", f"dask://127.0.0.1:{port}", "--json", str(work / "dask.json")])
        dask_cpu += cpu_of(tree([p.pid for p in cluster])) - cpu_before  # the workers', their templates' and (reaped) sandboxes' CPU
        same = scores(work / "local.json") == scores(work / "dask.json")
        n = args.submissions
        overhead = (dask_s / local_s - 1) * 100
        rows = [
            ("machine", f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; shared with other engineers' work during the run"),
            (f"`grade` on {n} submissions, --jobs {args.workers}", f"{local_s:.1f} s wall, exit {local.returncode}; {local_s / n * 1000:.1f} ms per submission"),
            (f"`grade --executor dask://` ({args.workers} workers, 1 thread each)", f"{dask_s:.1f} s wall, exit {dask.returncode}; {dask_s / n * 1000:.1f} ms per submission"),
            ("Dask overhead per submission", f"{(dask_s - local_s) / n * 1000:+.1f} ms ({overhead:+.1f} %; goal ≤ 15 %)"),
            ("Dask: CPU per submission, the whole cluster (scheduler, workers, templates, sandboxes)", f"{dask_cpu / n:.3f} core-s "
             "(the local run's is not comparable: rusage counts only the judge processes grade waits for; see bench/core_seconds.py)"),
            ("scores equal", "yes" if same else "NO"),
        ]
        table = "\n".join(["| what | measured |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])
        print(table)
        if dask.returncode not in (0, 1) or not same:
            print(dask.stderr[-3000:], file=sys.stderr)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        section = (f"## Dask executor against --jobs {args.workers}\n\nMeasured {stamp} by `python bench/dask_bench.py --submissions {n} "
                   f"--workers {args.workers}`, both runs from one invocation.\n\n{table}\n")
        write_section(ROOT / "bench" / "scaling_results.md", "## Dask executor", section)
    finally:
        for process in reversed(cluster):
            process.terminate()
        for process in cluster:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace the section starting with `heading` in `path` (the file holds one per bench script)."""
    text = path.read_text() if path.exists() else "# Scaling benchmarks\n\nSee docs/scaling.md for what they mean for a deadline.\n"
    parts = text.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not ("## " + p).startswith(heading)]
    path.write_text("\n## ".join([kept[0].rstrip("\n") + "\n"] + [p.rstrip("\n") + "\n" for p in kept[1:]]) + "\n" + section)


if __name__ == "__main__":
    main()
