"""The judge/worker boundary is structural: grading in the judge loads no worker-side module.

Collecting the suites and grading a submission run in a fresh interpreter (this test
process has imported worker modules for unit tests of its own); afterwards `sys.modules`
must hold none of the modules that load or drive learner code: the learner loader, the
traps, the worker's request loop, the probes (the built-in package and a pack's private
probe modules).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

JUDGE = """
import json, sys
from pathlib import Path
from grader.runner import grade_submission
from grader.submission import Submission
result = grade_submission(Submission("solutions", Path(sys.argv[1])))
worker_side = ("grader.worker.learner", "grader.worker.traps", "grader.worker.serve", "grader.worker.devices", "grader.probes")
loaded = sorted(m for m in sys.modules if m.startswith(worker_side) or (m.startswith("_grader_pack_") and m.endswith("_probes")))
print(json.dumps({"score": result.score, "max": result.max_score, "worker_side": loaded}))
"""


def test_grading_in_the_judge_imports_no_worker_side_module(tmp_path):
    done = subprocess.run([sys.executable, "-c", JUDGE, str(ROOT / "solutions")], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["score"] == report["max"] > 0  # it did grade, through the worker
    assert report["worker_side"] == []
