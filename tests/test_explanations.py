"""Explaining failures in the learner's terms: one cause once, their frames only, their output only."""
from __future__ import annotations

from pathlib import Path

from grader.report.causes import explained_once, titles
from grader.results import CheckResult, Location
from grader.session import learner_output
from grader.worker.learner import loader_worker_error


def failed(id: str, message: str, cause: str = "", line: int = 3, device: str | None = None, hidden: bool = False) -> CheckResult:
    title = f"check {id}" + (f" [{device}]" if device else "")
    return CheckResult(id=id, title=title, status="failed", max_score=1, message=message, cause=cause,
                       location=Location("my_linear.py", line), device=device, hidden=hidden)


def test_checks_with_one_cause_are_explained_once_in_order():
    checks = [
        failed("a", "KeyError 'Text'", cause="sample keys ['Txt']"),
        CheckResult(id="p", title="passes", status="passed", max_score=1),
        failed("b", "another message", cause="sample keys ['Txt']"),
        failed("c", "wrong values", line=9),
        failed("d", "wrong values", line=9),
        failed("e", "wrong values", line=10),
    ]
    explained = explained_once(checks)
    assert [e.check.id for e in explained] == ["a", "c", "e"]
    assert [c.id for c in explained[0].also] == ["b"] and explained[0].points_lost == 2
    assert [c.id for c in explained[1].also] == ["d"]
    assert explained[2].also == []


def test_hidden_checks_and_checks_with_output_are_never_folded_into_another():
    checks = [failed("a", "same", cause="x"), failed("b", "same", cause="x", hidden=True), failed("c", "same", cause="x")]
    checks[2].output = "printed\n"
    assert [e.check.id for e in explained_once(checks)] == ["a", "b", "c"]


def test_device_variants_are_merged_in_titles():
    checks = [failed("f", "m", device="cpu"), failed("f", "m", device="meta"), failed("g", "m")]
    assert titles(checks) == "check f [cpu, meta]; check g"
    assert titles(checks, limit=1) == "check f [cpu, meta]; and 1 more"


LOADER_MESSAGE = '''Caught KeyError in DataLoader worker process 0.
Original Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/torch/utils/data/_utils/worker.py", line 349, in _worker_loop
    data = fetcher.fetch(index)  # type: ignore[possibly-undefined]
  File "/tmp/grade-abc/submission/custom_dataset.py", line 17, in __getitem__
    return {"Text": STORE[id(self)][idx], "Class": self.labels[idx]}
KeyError: 140112'''


def test_a_dataloader_workers_traceback_keeps_only_the_learners_frames():
    message, frames = loader_worker_error(LOADER_MESSAGE, "/tmp/grade-abc/submission")
    assert message == "140112"
    assert frames == [{"file": "custom_dataset.py", "line": 17, "function": "__getitem__",
                       "code": 'return {"Text": STORE[id(self)][idx], "Class": self.labels[idx]}'}]
    assert loader_worker_error("an ordinary message", "/tmp/grade-abc/submission") is None


def test_printed_output_loses_the_graders_paths_and_torchs_own_warnings():
    workdir = Path("/tmp/grade-xyz/submission")
    printed = (
        "/tmp/grade-xyz/submission/custom_dataset.py:13: UserWarning: my own warning\n"
        "  warnings.warn('my own warning')\n"
        "/venv/lib/python3.11/site-packages/torch/utils/data/dataloader.py:665: UserWarning: This DataLoader will create 2 worker processes\n"
        "  warnings.warn(\n"
        "hello\n"
    )
    assert learner_output(printed, workdir) == (
        "custom_dataset.py:13: UserWarning: my own warning\n  warnings.warn('my own warning')\nhello\n"
    )
