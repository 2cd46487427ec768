"""What the 'spawn' check costs per submission, against a real spawned DataLoader. Not a test.

Usage: python bench/spawn_cost.py [--repeat 5]

The grader checks DataLoader's "spawn" start method by importing the learner's module
anew before unpickling the dataset, in the worker it already has. This prints, from one
run on this machine: the median time of that check (`custom_dataset.loader_spawn`, from
`grade solutions --json`), the median time of the whole custom_dataset exercise, and the
median time of iterating a real `DataLoader(num_workers=2, multiprocessing_context="spawn")`
over the reference dataset in a fresh process (two new interpreters, each importing torch).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REAL_SPAWN = """
import sys, time
sys.path.insert(0, {solutions!r})
import torch
from torch.utils.data import DataLoader
from custom_dataset import CustomDataset
if __name__ == "__main__":
    ds = CustomDataset(["Happy", "Amazing", "Sad", "Unhappy", "Glum", "Joyful", "Gloomy"], ["P", "P", "N", "N", "N", "P", "N"])
    began = time.monotonic()
    list(DataLoader(ds, batch_size=2, num_workers=2, multiprocessing_context="spawn"))
    print(time.monotonic() - began)
"""


def grader_figures(repeat: int) -> tuple[float, float]:
    spawn, exercise = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        for _ in range(repeat):
            subprocess.run([sys.executable, "-m", "grader", str(ROOT / "solutions"), "--exercise", "custom_dataset", "--json", str(out), "-q"],
                           check=False, capture_output=True)
            checks = json.loads(out.read_text())["submissions"][0]["exercises"][0]["checks"]
            spawn.append(next(c["duration_s"] for c in checks if c["id"] == "custom_dataset.loader_spawn"))
            exercise.append(sum(c["duration_s"] for c in checks))
    return statistics.median(spawn), statistics.median(exercise)


def real_spawn(repeat: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "spawn_loader.py"
        script.write_text(REAL_SPAWN.format(solutions=str(ROOT / "solutions")))
        for _ in range(repeat):
            done = subprocess.run([sys.executable, str(script)], check=True, capture_output=True, text=True)
            times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    began = time.monotonic()
    spawn, exercise = grader_figures(repeat)
    real = real_spawn(repeat)
    print(f"grader's spawn check (fresh import in the worker), median of {repeat}: {spawn * 1000:.0f} ms")
    print(f"whole custom_dataset exercise, median of {repeat}: {exercise * 1000:.0f} ms")
    print(f"a real spawned DataLoader (2 workers, fresh interpreters), median of {repeat}: {real * 1000:.0f} ms")
    print(f"(measured in {time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
