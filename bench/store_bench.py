"""The result store at a MOOC deadline's size: write, read back and render N synthetic records. Not a test.

Usage: python bench/store_bench.py [--records 20000] [--html-sample 500]

No grading: each record is a realistic submission result (three exercises, the solution's
check list, a quarter of the checks failed with messages, locations and a tensor diff), with
its own id. Measures, in one run: storing every record (temp file, fsync, rename; the folder
fsync'd once), reading them all back, rendering --json, --csv and --junit from them, the HTML pages
of a sample (per page, extrapolated), and, for comparison, what rewriting one monolithic
--json every 2 s (the old way) would have cost over the same run. Appends to
bench/scaling_results.md.
"""
from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grader.executors.place import here  # noqa: E402
from grader.results import CheckResult, ExerciseResult, Location, RunResult, SubmissionResult  # noqa: E402
from grader.store import Record, ResultStore  # noqa: E402


def template_result() -> SubmissionResult:
    """One submission's result shaped like a real one: every check of the suites, some failed."""
    from grader.catalog import collect_checks
    from grader.exercises import EXERCISES

    checks = collect_checks(list(EXERCISES))
    exercises = []
    for exercise in EXERCISES:
        mine = []
        for n, spec in enumerate(c for c in checks if c.exercise == exercise.name):
            failed = n % 4 == 1
            mine.append(CheckResult(
                id=spec.id, title=spec.title, status="skipped" if spec.skip_reason else ("failed" if failed else "passed"), max_score=spec.points,
                message="forward returned the wrong values: largest difference 0.5 at [3, 1] (expected 1.25, got 0.75); missing `+ b`?" if failed else "",
                location=Location(f"{exercise.name}.py", 42, "y = x @ self.weights", tuple((i, f"    line {i} of the learner's code") for i in range(39, 46))) if failed else None,
                output="epoch 1 loss 0.69\n" if failed else "", duration_s=0.0123, device=spec.device, hidden=spec.hidden,
                category="wrong values" if failed else "", detail={"expected": [[1.25, 0.5]] * 4, "actual": [[0.75, 0.5]] * 4} if failed else None,
            ))
        exercises.append(ExerciseResult(name=exercise.name, checks=mine))
    return SubmissionResult(id="x", path="/class/x", exercises=exercises, duration_s=0.4, timings={"total_s": 0.4}, fingerprint="0" * 64)


def timed(step) -> float:
    began = time.perf_counter()
    step()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--html-sample", type=int, default=500)
    parser.add_argument("--store", type=Path, help="Where to put the store (default: a temp folder; its file system matters for fsync).")
    args = parser.parse_args()
    from grader.report.gradebook_csv import write_gradebook
    from grader.report.html import write_html
    from grader.report.json_report import write_json
    from grader.report.junit import write_junit

    work = Path(tempfile.mkdtemp(prefix="grade-store-bench-", dir=args.store))
    try:
        base = template_result()
        place = here("auto").to_dict()
        results = []
        for i in range(args.records):
            r = copy.copy(base)
            r.id, r.path = f"learner{i:05d}", f"/class/learner{i:05d}"
            results.append(r)
        store = ResultStore(work / "store")
        write_s = timed(lambda: ([store.put(Record(id=r.id, fingerprint=r.fingerprint, result=r, run="bench", graded_on=place)) for r in results], store.sync()))
        size = sum(p.stat().st_size for p in store.records_dir.iterdir())
        loaded: list[SubmissionResult] = []
        read_s = timed(lambda: loaded.extend(r.result for r in store.records()))
        assert len(loaded) == args.records
        run = RunResult(loaded, "bench", "torch", ["cpu"], "now", place["isolation"])
        json_s = timed(lambda: write_json(run, work / "r.json"))
        csv_s = timed(lambda: write_gradebook(run, work / "g.csv", {}, "sis-login"))
        junit_s = timed(lambda: write_junit(run, work / "j.xml"))
        sample = RunResult(loaded[: args.html_sample], "bench", "torch", ["cpu"], "now", place["isolation"])
        html_s = timed(lambda: write_html(sample, work / "pages"))
        per_page = html_s / max(1, args.html_sample)
        # The old way: the whole --json rewritten every 2 s while a 20,000-submission run of 8 per second goes on.
        grading_s = args.records / 8
        rewrites = int(grading_s / 2)
        monolithic_s = sum(json_s * (k / rewrites) for k in range(1, rewrites + 1))  # each rewrite holds the results so far
        n = args.records
        rows = [
            (f"store {n} records (temp file, fsync, rename; the folder fsync'd once)", f"{write_s:.1f} s = {write_s / n * 1000:.2f} ms per record; {size / 2**20:.0f} MiB"),
            ("read every record back", f"{read_s:.1f} s = {read_s / n * 1000:.2f} ms per record"),
            ("render --json / --csv / --junit from them", f"{json_s:.1f} s / {csv_s:.1f} s / {junit_s:.1f} s"),
            (f"render --html: {args.html_sample} pages and the dashboard", f"{html_s:.1f} s = {per_page * 1000:.0f} ms per page (≈ {per_page * n / 60:.0f} min for {n})"),
            (f"old way: --json rewritten every 2 s over a {grading_s / 60:.0f}-minute run at 8 per second (from one rewrite's time)",
             f"{monolithic_s / 3600:.0f} h of rewriting in all, {json_s:.0f} s for the last one: the rewrites, not the grading, would set the pace"),
        ]
        table = "\n".join(["| what | measured |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])
        print(table)
        from dask_bench import write_section

        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        write_section(ROOT / "bench" / "scaling_results.md", "## Result store",
                      f"## Result store at {n} submissions\n\nMeasured {stamp} by `python bench/store_bench.py --records {n} --html-sample "
                      f"{args.html_sample}` on {work.parent} (machine shared with other engineers' work).\n\n{table}\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
