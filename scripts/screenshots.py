#!/usr/bin/env python3
"""Remake the README's screenshots (docs/images/submission.png and dashboard.png).

They are taken by the HTML tests' screenshot step in headless Chromium (`apt-get install
chromium`): the submission page from a real graded batch, the dashboard from the tests'
class of 300 synthetic learners (built from real gradings of solutions/ and exercises/),
the size a course has, so that the picture shows what an instructor of 300 sees.

    python scripts/screenshots.py
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"

if __name__ == "__main__":
    IMAGES.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", "-q", "-rs", str(ROOT / "tests" / "test_html_report.py"), "-k", "readme_screenshots"]
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "GRADER_SCREENSHOTS": str(IMAGES)})
    made = [IMAGES / name for name in ("submission.png", "dashboard.png") if (IMAGES / name).is_file()]
    print("\n".join(str(p.relative_to(ROOT)) for p in made))
    sys.exit(completed.returncode or (0 if len(made) == 2 else 1))
