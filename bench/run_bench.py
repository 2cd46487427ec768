"""Batch-grading benchmark: prints figures and writes bench/results.md. Not a test.

Usage: python bench/run_bench.py [--submissions 200] [--jobs 2] [--baseline-sample 8]

Measures, in one run on this machine: `python -c "import torch"`, `grade` on one
submission, `grade` on a batch of N synthetic three-exercise submissions (a mix of correct
and buggy; amortized seconds per submission and peak memory of the whole process tree),
and the naive baseline of one fresh `python -m pytest` process per submission running the
same hidden checks in-process (timed on a sample, reported per submission).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, STUBS = ROOT / "solutions", ROOT / "exercises"
BUGS = [  # (exercise, correct line, buggy line): one bug per buggy submission
    ("my_linear", "y = y + self.bias", "y = y - self.bias"),
    ("my_linear", "y = x @ self.weights", "y = x @ self.weights.detach()"),
    ("logistic_regression", "return self.sigmoid(self.w.T @ x + self.b)", "return self.sigmoid(self.w.T @ x)"),
    ("logistic_regression", 'self.grads["db"] = (1 / n) * torch.sum(error)', 'self.grads["db"] = torch.sum(error)'),
    ("custom_dataset", 'return {"Text": self.data[idx], "Class": self.labels[idx]}', 'return {"text": self.data[idx], "Class": self.labels[idx]}'),
    ("custom_dataset", "if not -n <= idx < n:", "if not 0 <= idx < n:"),
]


def make_batch(directory: Path, count: int) -> None:
    for index in range(count):
        target = directory / f"learner{index:04d}"
        kind = index % 4  # a quarter untouched stubs, a quarter correct, half with one bug
        shutil.copytree(STUBS if kind == 0 else SOLUTIONS, target, ignore=shutil.ignore_patterns("notebooks", "*.md", "__pycache__"))
        if kind >= 2:
            exercise, old, new = BUGS[index % len(BUGS)]
            path = target / f"{exercise}.py"
            path.write_text(path.read_text().replace(old, new, 1))


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(p) for p in handle.read().split()]
        except (OSError, StopIteration):
            continue
    return total


def timed(command: list[str], env: dict[str, str] | None = None, sample_memory: bool = False) -> tuple[float, int, subprocess.CompletedProcess]:
    peak = 0
    began = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if sample_memory:
        def sample() -> None:
            nonlocal peak
            while process.poll() is None:
                peak = max(peak, tree_rss(process.pid))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    out, err = process.communicate()
    elapsed = time.monotonic() - began
    return elapsed, peak, subprocess.CompletedProcess(command, process.returncode, out, err)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-sample", type=int, default=8)
    args = parser.parse_args()
    grade = [sys.executable, "-m", "grader"]
    work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        make_batch(work / "class", args.submissions)
        import_torch = statistics.median(timed([sys.executable, "-c", "import torch"])[0] for _ in range(3))
        single = statistics.median(timed([*grade, str(SOLUTIONS), "--exercise", "my_linear", "--exercise", "logistic_regression", "--exercise", "custom_dataset"])[0] for _ in range(3))
        batch_s, peak, batch = timed([*grade, str(work / "class"), "-q", "--jobs", str(args.jobs), "--json", str(work / "batch.json")], sample_memory=True)
        data = json.loads((work / "batch.json").read_text())
        full = sum(1 for s in data["submissions"] if s["score"] == s["max_score"])
        sample = sorted((work / "class").iterdir())[: args.baseline_sample]
        naive = []
        for submission in sample:
            env = {**os.environ, "NAIVE_SUBMISSION": str(submission), "PYTHONPATH": str(ROOT)}
            naive.append(timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench.naive.plugin",
                                "--rootdir", str(ROOT / "grader" / "suites"), "-c", str(ROOT / "grader" / "suites" / "pytest.ini"),
                                "--import-mode=importlib", *(str(p) for p in sorted((ROOT / "grader" / "suites").glob("suite_*.py")))], env=env)[0])
        naive_per = statistics.mean(naive)
        per = batch_s / args.submissions
        rows = [
            ("machine", f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"),
            ('`python -c "import torch"` (median of 3)', f"{import_torch:.2f} s"),
            ("`grade solutions/` (one submission, median of 3)", f"{single:.2f} s = {single / import_torch:.2f} × import torch (goal ≤ 2)"),
            (f"`grade` on {args.submissions} submissions, --jobs {args.jobs}", f"{batch_s:.1f} s in all, exit {batch.returncode}, {full} with full marks"),
            ("amortized per submission", f"{per:.3f} s = {per / import_torch:.3f} × import torch (goal ≤ 0.2)"),
            ("peak memory of the whole run (process tree RSS)", f"{peak / 2**30:.2f} GiB (goal < 4)"),
            (f"naive baseline: fresh `python -m pytest` per submission (mean of {len(naive)})", f"{naive_per:.2f} s per submission"),
            ("speed-up over the naive baseline", f"{naive_per / per:.1f}× (goal ≥ 10)"),
        ]
        table = "\n".join(["| what | measured |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])
        print(table)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (ROOT / "bench" / "results.md").write_text(
            f"# Batch grading benchmark\n\nMeasured {stamp} by `python bench/run_bench.py --submissions {args.submissions} "
            f"--jobs {args.jobs}`, all figures from one run.\n\n{table}\n"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
