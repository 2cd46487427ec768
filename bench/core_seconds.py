"""Core-seconds per submission, the whole process tree (judge, template, sandboxed workers). Not a test.

Usage: python bench/core_seconds.py [--submissions 20]

`grade -j 1` on one synthetic submission and on 1 + N (bench/run_bench.py's mix): with one
job the template is `grade`'s own child and reaps every worker, so the CPU time of the
waited-for tree (RUSAGE_CHILDREN) is all of it. The difference over N is the marginal cost of
a submission; the one-submission run is the start-up (two `import torch`, the suites'
collection). CPU time, unlike wall time, hardly depends on what else the machine runs.
docs/scaling.md builds on both. Appends to bench/scaling_results.md.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from dask_bench import write_section  # noqa: E402
from run_bench import make_batch  # noqa: E402


def cpu_of_grade(folder: Path) -> tuple[float, float]:
    """CPU seconds (user + system, whole tree) and wall seconds of `grade FOLDER -q -j 1`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "grader", str(folder), "-q", "-j", "1"], capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="grade-core-s-"))
    try:
        make_batch(work / "one", 1)
        make_batch(work / "many", args.submissions + 1)
        one_cpu, one_wall = cpu_of_grade(work / "one")
        many_cpu, many_wall = cpu_of_grade(work / "many")
        marginal = (many_cpu - one_cpu) / args.submissions
        rows = [
            ("start-up: `grade -j 1` on one submission", f"{one_cpu:.1f} core-s ({one_wall:.1f} s wall)"),
            (f"`grade -j 1` on {args.submissions + 1} submissions", f"{many_cpu:.1f} core-s ({many_wall:.1f} s wall)"),
            ("marginal cost of a submission", f"{marginal:.3f} core-s"),
        ]
        table = "\n".join(["| what | measured |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])
        print(table)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        write_section(ROOT / "bench" / "scaling_results.md", "## Core-seconds",
                      f"## Core-seconds per submission\n\nMeasured {stamp} by `python bench/core_seconds.py --submissions {args.submissions}` "
                      f"(machine shared with other engineers' work).\n\n{table}\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
