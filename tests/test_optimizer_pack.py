"""The example pack (examples/optimizer-pack): a fourth exercise, an Optimizer subclass, graded like the built-in ones.

Mutants of its solution each fail the check that names their mistake; correct solutions in
other styles get full marks; one batch goes through the sandbox and every output.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "examples" / "optimizer-pack"
SOLUTION = (PACK / "momentum_sgd" / "solution.py").read_text(encoding="utf-8")


def run_grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "--pack", str(PACK), *args], capture_output=True, text=True, timeout=300)


def mutate(old: str, new: str) -> str:
    assert old in SOLUTION, old
    return SOLUTION.replace(old, new, 1)


MUTANTS = {
    "uphill": (mutate('p.add_(state["momentum_buffer"], alpha=-group["lr"])', 'p.add_(state["momentum_buffer"], alpha=group["lr"])'), "momentum_sgd.first_step"),
    "no-momentum": (mutate('state["momentum_buffer"].mul_(group["momentum"]).add_(p.grad)', 'state["momentum_buffer"].copy_(p.grad)'), "momentum_sgd.momentum_steps"),
    "dampened": (mutate('.mul_(group["momentum"]).add_(p.grad)', '.mul_(group["momentum"]).add_(p.grad, alpha=1 - group["momentum"])'), "momentum_sgd.momentum_steps"),
    "no-validation": (mutate('        if lr < 0.0:\n            raise ValueError(f"invalid learning rate: {lr}")\n', ""), "momentum_sgd.invalid_arguments"),
    "fixed-lr": (mutate('alpha=-group["lr"]', "alpha=-self.defaults['lr']"), "momentum_sgd.param_groups"),
    "grad-none-crash": (mutate("                if p.grad is None:\n                    continue\n", ""), "momentum_sgd.grad_none"),
    "closure-ignored": (mutate("        if closure is not None:\n            with torch.enable_grad():\n                loss = closure()\n", ""), "momentum_sgd.closure"),
    "wrong-default": (mutate("momentum: float = 0.9", "momentum: float = 0.5"), "momentum_sgd.default_values"),
    "buffer-elsewhere": (mutate('state["momentum_buffer"]', 'state["buf"]').replace('"momentum_buffer" not in state', '"buf" not in state')
                         .replace('state["momentum_buffer"]', 'state["buf"]'), "momentum_sgd.state_buffer"),
}

VARIANTS = {
    "functional": '''import torch
from torch.optim import Optimizer


class MomentumSGD(Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9):
        if lr < 0 or not (0 <= momentum < 1):
            raise ValueError("bad hyper-parameters")
        super().__init__(params, dict(lr=lr, momentum=momentum))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    buf = self.state[p].get("momentum_buffer")
                    buf = p.grad.clone() if buf is None else group["momentum"] * buf + p.grad
                    self.state[p]["momentum_buffer"] = buf
                    p -= group["lr"] * buf
        return loss
''',
    "torch-foreach": SOLUTION.replace('p.add_(state["momentum_buffer"], alpha=-group["lr"])', 'torch._foreach_add_([p], [state["momentum_buffer"]], alpha=-group["lr"])'),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("optimizer-class")
    for name, text in {"solution": SOLUTION, **{f"mutant-{k}": v for k, (v, _) in MUTANTS.items()}, **{f"variant-{k}": v for k, v in VARIANTS.items()}}.items():
        (root / name).mkdir()
        (root / name / "momentum_sgd.py").write_text(text, encoding="utf-8")
    assert run_grade("assign", str(root / "stub")).returncode == 0
    (root / "stub" / "notebooks" / "momentum_sgd.ipynb").unlink()
    (root / "stub" / "notebooks").rmdir()
    out = tmp_path_factory.mktemp("outputs")
    completed = run_grade(str(root), "--json", str(out / "r.json"), "--junit", str(out / "j.xml"), "--csv", str(out / "g.csv"),
                          "--html", str(out / "html"), "--pages", str(out / "pages"), "--github", "-q")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    return {"root": root, "out": out, "data": json.loads((out / "r.json").read_text()), "completed": completed}


def _checks(data: dict, submission: str) -> dict[str, str]:
    (found,) = [s for s in data["submissions"] if s["id"] == submission]
    return {c["id"].split("[")[0] + ("" if "[" not in c["id"] else ""): c["status"] for e in found["exercises"] for c in e["checks"] if c["status"] == "failed"} | {
        "__score__": (found["score"], found["max_score"])}


def test_the_solution_and_the_variants_get_full_marks(graded):
    for name in ["solution", *(f"variant-{k}" for k in VARIANTS)]:
        (found,) = [s for s in graded["data"]["submissions"] if s["id"] == name]
        assert found["score"] == found["max_score"] == 26, (name, [c["message"] for e in found["exercises"] for c in e["checks"] if c["status"] != "passed"])


def test_the_stub_gets_zero(graded):
    (found,) = [s for s in graded["data"]["submissions"] if s["id"] == "stub"]
    assert found["score"] == 0 and found["max_score"] == 26


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_each_mutant_fails_the_check_that_names_its_mistake(graded, name):
    failed = _checks(graded["data"], f"mutant-{name}")
    assert MUTANTS[name][1] in failed, (name, failed)
    assert failed["__score__"][0] < 26


def test_every_output_is_written_and_the_sandbox_was_used(graded):
    out, data = graded["out"], graded["data"]
    assert data["isolation"]["mode"] == "auto" and data["isolation"].get("tier")
    assert {s["id"] for s in data["submissions"]} >= {"solution", "stub"}
    suites = ET.parse(out / "j.xml").getroot()
    assert any("momentum_sgd" in (case.get("classname") or "") + (case.get("name") or "") for case in suites.iter("testcase"))
    rows = list(csv.reader((out / "g.csv").open(encoding="utf-8")))
    assert any("momentum_sgd" in cell for cell in rows[0]) or len(rows[0]) > 2
    assert (out / "html" / "index.html").is_file() and (out / "html" / "solution.html").is_file()
    assert (out / "pages" / "solution.md").is_file()
    assert "momentum_sgd" in graded["completed"].stdout or "momentum_sgd" in (out / "pages" / "stub.md").read_text()


def test_gradescope_output_for_one_submission(graded, tmp_path):
    results = tmp_path / "results.json"
    completed = run_grade(str(graded["root"] / "mutant-uphill"), "--gradescope", str(results))
    assert completed.returncode == 1, completed.stderr
    data = json.loads(results.read_text())
    assert 0 < data["score"] < 26 and any("first step" in t["name"] for t in data["tests"])


def test_a_gradescope_bundle_carries_the_pack_without_its_solution(tmp_path):
    import zipfile

    completed = run_grade("bundle", "gradescope", str(tmp_path / "autograder.zip"))
    assert completed.returncode == 0, completed.stderr
    names = zipfile.ZipFile(tmp_path / "autograder.zip").namelist()
    assert any(n.endswith("grader/packs/course/momentum_sgd/suite.py") for n in names)
    assert any(n.endswith("grader/packs/DEFAULT") for n in names)
    assert not any(n.endswith("packs/course/momentum_sgd/solution.py") for n in names)
    run_autograder = zipfile.ZipFile(tmp_path / "autograder.zip").read("run_autograder").decode()
    assert "momentum_sgd.py" in run_autograder
