"""The naive baseline for bench/run_bench.py: the same hidden checks, learner code in-process.

`python -m pytest -p bench.naive.plugin grader/suites/...` with NAIVE_SUBMISSION set runs
every check with a `learner` fixture that imports the submission into the pytest process
itself, as single-process graders do. For timing comparisons only: it has none of the
grader's isolation.
"""
import os

import pytest

from grader.checks import CheckFailed
from grader.observations import validate
from grader.session import Reply
from grader.worker.learner import Learner, LearnerError, ProbeFailure
from grader.worker.plain import to_plain


class InProcessLearner:
    def __init__(self, exercise: str, learner: Learner):
        self.exercise, self.learner = exercise, learner

    def reply(self, probe: str, **args) -> Reply:
        import importlib

        module = importlib.import_module(f"grader.probes.{self.exercise}")
        try:
            value = getattr(module, "probe_" + probe)(self.learner, **args)
        except (LearnerError, ProbeFailure) as exc:
            return Reply(ok=False, error={"kind": "exception", "message": str(exc)})
        return Reply(ok=True, value=validate(to_plain(value)))

    def probe(self, probe: str, *, context: str = "", **args):
        reply = self.reply(probe, **args)
        if not reply.ok:
            raise CheckFailed(str(reply.error))
        return reply.value


@pytest.fixture
def learner(request):
    return InProcessLearner(request.module.EXERCISE, Learner(os.environ["NAIVE_SUBMISSION"]))
