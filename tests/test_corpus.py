"""A corpus written from the contract alone, by someone who had not read the hidden suites.

tests/corpus/<exercise>/correct/*.py are correct solutions in styles of their own: each must
get full marks. tests/corpus/<exercise>/bugs/*.py each hold one realistic mistake: each must
lose points on this machine (no GPU needed, device bugs included), and nine in ten of them
must get a failure text that names the mistake (one of the case's `# names:` keywords). A
case headed `# needs: gpu` is a bug only where a GPU is, and is left out elsewhere.
Every message of every case is also read for the grader's internals: its class names,
its wire format, temporary paths and its own frames must never reach a learner.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from conftest import grade
from grader.report.terminal import render_submission

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Case:
    exercise: str
    kind: str  # "correct" or "bugs"
    path: Path
    about: str
    category: str
    names: tuple[str, ...]
    needs_gpu: bool = False

    @property
    def id(self) -> str:
        return f"{self.exercise}/{self.kind}/{self.path.stem}"


def _header(text: str, field: str) -> str:
    found = re.search(rf"^# {field}: (.*)$", text, re.M)
    return found.group(1).strip() if found else ""


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*/*/*.py")):
        text = path.read_text(encoding="utf-8")
        names = tuple(n.strip().lower() for n in _header(text, "names").split("|") if n.strip())
        needs_gpu = _header(text, "needs").startswith("gpu")
        cases.append(Case(path.parent.parent.name, path.parent.name, path, _header(text, "case"), _header(text, "kind"), names, needs_gpu))
    return cases


HAVE_GPU = torch.cuda.is_available()
CASES = load_cases()
CORRECT = [c for c in CASES if c.kind == "correct"]
BUGS = [c for c in CASES if c.kind == "bugs" and (HAVE_GPU or not c.needs_gpu)]  # a GPU-only bug is correct code here
_graded: dict[str, object] = {}


def graded(case: Case, tmp_path_factory):
    """Each case graded once, alone in a submission, whichever test asks first."""
    if case.id not in _graded:
        directory = tmp_path_factory.mktemp(case.path.stem)
        (directory / f"{case.exercise}.py").write_text(case.path.read_text(encoding="utf-8"), encoding="utf-8")
        _graded[case.id] = grade(directory, case.exercise)
    return _graded[case.id]


def failure_texts(result) -> list[str]:
    return [f"{c.message} {c.category}" for e in result.exercises for c in e.checks if c.status in ("failed", "error")]


def test_the_corpus_is_large_and_complete():
    assert len(CORRECT) >= 20 and len(BUGS) >= 50
    for case in BUGS:
        assert case.names, f"{case.id} has no '# names:' keywords"
    kinds = {c.category for c in BUGS}
    for kind in ("init", "forward", "device", "shape", "gradient", "accumulation", "aliasing", "attribution", "spawn", "indexing", "sigmoid", "lr"):
        assert kind in kinds, f"no bug of kind {kind!r} in the corpus"


@pytest.mark.parametrize("case", CORRECT, ids=lambda c: c.id)
def test_correct_solution_gets_full_marks(case, tmp_path_factory):
    result = graded(case, tmp_path_factory)
    failed = {c.id: c.message for e in result.exercises for c in e.checks if c.status in ("failed", "error")}
    assert result.full_marks, (case.about, failed)


@pytest.mark.parametrize("case", BUGS, ids=lambda c: c.id)
def test_bug_loses_points(case, tmp_path_factory):
    result = graded(case, tmp_path_factory)
    assert result.score < result.max_score, f"{case.id} ({case.about}) got full marks"
    grader_faults = [c.id for e in result.exercises for c in e.checks if c.grader_fault]
    assert not grader_faults, f"{case.id}: a learner's bug reported as the grader's fault in {grader_faults}"


def test_failure_texts_name_the_mistake(tmp_path_factory):
    missed = []
    for case in BUGS:
        texts = " ".join(failure_texts(graded(case, tmp_path_factory))).lower()
        if not any(name in texts for name in case.names):
            missed.append(f"{case.id}: {case.names} not in {texts[:200]!r}")
    named = 1 - len(missed) / len(BUGS)
    assert named >= 0.9, f"{named:.0%} of the failure texts name the mistake; missed:\n" + "\n".join(missed)


INTERNALS = [
    re.compile(r"\b(TensorObservation|ObjectObservation|CheckFailed|LearnerError|ProbeFailure|LearnerClient|WorkerSession|Reply)\b"),
    re.compile(r"__tensor__|__object__|__missing__|'tensor':|'dtype':|'exc_type'|'frames'"),
    re.compile(r"/tmp/|/var/tmp|pytest-of-|site-packages|grader/(worker|probes|suites)|\.py\", line \d+"),
    re.compile(r"not your fault"),
]


def test_no_message_shows_the_graders_internals(tmp_path_factory):
    leaks = []
    for case in CASES:
        result = graded(case, tmp_path_factory)
        for exercise in result.exercises:
            texts = [exercise.error, *exercise.notes]
            texts += [text for c in exercise.checks for text in (c.message, c.output, c.location.file if c.location else "")]
            for text in texts:
                for pattern in INTERNALS:
                    if pattern.search(text):
                        leaks.append(f"{case.id}: {pattern.pattern[:30]}... in {text[:300]!r}")
    assert not leaks, "\n".join(leaks)


def test_a_misspelt_key_costs_at_most_a_screenful(tmp_path):
    source = (Path(__file__).resolve().parent.parent / "solutions" / "custom_dataset.py").read_text(encoding="utf-8")
    assert '{"Text":' in source
    (tmp_path / "custom_dataset.py").write_text(source.replace('{"Text":', '{"Txet":'), encoding="utf-8")
    result = grade(tmp_path, "custom_dataset")
    lines = render_submission(result).splitlines()
    assert result.score < result.max_score
    assert any("Txet" in line for line in lines)
    assert len(lines) <= 25, "\n".join(lines)
