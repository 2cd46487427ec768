"""The judge behind `verify` with one check made hidden (the suites have no hidden check yet).

tests/test_jupyter_verify.py points a real notebook's `verify` at this script, so that the
whole path (kernel, judge process, worker, reply) is exercised with a hidden check that
fails, and the test can look for it in everything the notebook shows.
Usage: python -I tests/verify_hiding_judge.py CHECK_ID
"""
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import grader.catalog as catalog  # noqa: E402

HIDDEN = sys.argv[1]
_collect = catalog.collect_checks


def collect_with_one_hidden(exercises):
    return [dataclasses.replace(spec, hidden=True) if spec.id == HIDDEN else spec for spec in _collect(exercises)]


catalog.collect_checks = collect_with_one_hidden

from grader.verifier import main  # noqa: E402

sys.exit(main())
