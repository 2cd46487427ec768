#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# Written by `grade bundle gradescope` for grader @@GRADER_VERSION@@.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip
python3 -m venv /autograder/grader-venv
/autograder/grader-venv/bin/python -m pip install -q --upgrade pip
# torch's CPU build (Gradescope has no GPU), then the grader at the version that built this zip.
/autograder/grader-venv/bin/python -m pip install -q "torch==@@TORCH_VERSION@@" --index-url https://download.pytorch.org/whl/cpu
/autograder/grader-venv/bin/python -m pip install -q @@GRADER_REQUIREMENT@@
/autograder/grader-venv/bin/grade --version
