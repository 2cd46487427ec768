#!/usr/bin/env bash
# The CUDA path, checked on a machine with a GPU: solutions get full marks with the CUDA
# checks run (not skipped), stubs get zero, and a device bug is reported as one.
# Usage: scripts/gpu_check.sh OUTDIR   (needs torch with CUDA, pytest and click importable)
set -u
out=${1:-/tmp/gpu-check}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
time python3 -m grader solutions --json "$out/solutions.json" -v > "$out/solutions.txt" 2>&1; echo "solutions rc=$?"
tail -5 "$out/solutions.txt"
time python3 -m grader exercises --json "$out/exercises.json" > "$out/exercises.txt" 2>&1; echo "exercises rc=$?"
tail -3 "$out/exercises.txt"
bug=$(mktemp -d)/device_bug
mkdir -p "$bug" && cp solutions/*.py "$bug/"
sed -i 's/        y = x @ self.weights$/        y = x.cpu() @ self.weights.cpu()/' "$bug/my_linear.py"
python3 -m grader "$bug" --exercise my_linear > "$out/device_bug.txt" 2>&1; echo "device bug rc=$?"
grep -A2 "FAIL" "$out/device_bug.txt" | head -30
cls=$(mktemp -d)/class
mkdir -p "$cls" && for i in 1 2 3; do cp -r solutions "$cls/ok$i"; cp -r exercises "$cls/stub$i"; done
time python3 -m grader "$cls" -q --jobs 2 --json "$out/batch.json" > "$out/batch.txt" 2>&1; echo "batch rc=$?"
tail -12 "$out/batch.txt"
timeout 300 python3 -m pytest -q -x -p no:cacheprovider tests/test_reference_and_stubs.py tests/test_hostile_submissions.py 2>&1 | tail -5
python3 - "$out" <<'PY'
import json, sys
print("isolation:", json.load(open(f"{sys.argv[1]}/solutions.json")).get("isolation"))
for name in ("solutions", "exercises", "batch"):
    data = json.load(open(f"{sys.argv[1]}/{name}.json"))
    sub = data["submissions"][0]
    checks = [c for e in sub["exercises"] for c in e["checks"]]
    cuda = [c for c in checks if c["device"] == "cuda"]
    print(name, sub["score"], "/", sub["max_score"], "devices", data["devices"],
          "cuda checks:", {s: sum(c["status"] == s for c in cuda) for s in ("passed", "failed", "error", "skipped")})
    for c in cuda:
        if c["status"] != "passed" and name == "solutions":
            print("  ", c["id"], c["status"], c["message"][:300])
PY
