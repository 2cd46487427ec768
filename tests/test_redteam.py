"""The red-team corpus: every attack in tests/redteam/, graded next to a victim, at every isolation tier.

Each case directory holds an attack submission and `expected.json` (format: tests/redteam/README.md).
For each tier this machine can run (`auto`, `none`, `strict` where it differs from `auto`, and
`kernel-features`, Landlock and seccomp alone, emulated where the machine has more), one judge
process (tests/redteam/_judge.py) grades the corpus the way `grade --json results.json
submissions/` would, with a secret in its environment, a fake instructor home, and the grader
and solutions installed as copies. Per case it grades the attacker, then a victim (a copy of
the solutions), and records what happened; the tests below judge the record:

- always: the run completed; the attacker scored at most the case's `max_score` per exercise;
  no process of the case was left; the messages the case expects are there;
- where at least one feature in `stopped_by` was used (or `stopped_by` is empty, for what the
  process tier stops on its own): the victim got full marks, no file outside the job
  directory changed, no secret appears in the attacker's results, no connection arrived,
  and the template survived;
- where every feature in `stopped_by` was off (`--isolation none`, or a machine without it):
  the run's isolation report must say so, and the attack must be seen getting through (the
  report flags it as possible; the harness proves it can see it).

A case with `known_gap` is an attack that gets through where it should not: xfail(strict).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.worker import sandbox

pytestmark = pytest.mark.redteam

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "redteam"
DRIVER = CORPUS / "_judge.py"
EXERCISE_NAMES = ("my_linear", "logistic_regression", "custom_dataset")
FEATURES = ("landlock", "seccomp", "namespaces", "cgroups")
CATEGORIES = ("forging", "leaking", "resources", "damage", "robustness")
RUN_TIMEOUT_S = 900

# Limits for the corpus: short timeouts so that loops and hangs cost seconds, not minutes.
LIMITS = {"call_timeout_s": 1.0, "startup_timeout_s": 60.0, "memory_bytes": 2 * 1024**3, "cpu_seconds": 60}
VICTIM_LIMITS = {"call_timeout_s": 5.0}
LOAD_TIMEOUT_S = 1.5


def load_cases() -> dict[str, dict]:
    cases = {}
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file()):
        cases[folder.name] = json.loads((folder / "expected.json").read_text())
    return cases


CASES = load_cases()


def supported_tiers() -> dict[str, tuple[str, list[str]]]:
    """Each tier this machine can run, by test id: (--isolation mode, features the template must pretend are missing).

    auto and none always; strict where it would isolate differently from auto (it never does
    where it does not refuse); and, where auto uses namespaces or cgroups on top of Landlock and
    seccomp, the tier a non-root instructor on a current distribution gets (Landlock and
    seccomp only), emulated with the template's --without.
    """
    available = sandbox.detect()
    tiers = {"auto": ("auto", []), "none": ("none", [])}
    strict = sandbox.choose(available, "strict")
    if strict["tier"] != "process" and strict["used"] != sandbox.choose(available, "auto")["used"]:
        tiers["strict"] = ("strict", [])
    extras = [f for f in ("namespaces", "cgroups") if available[f]]
    if available["landlock_abi"] and available["seccomp"] and extras:
        tiers["kernel-features"] = ("auto", extras)
    return tiers


TIERS = supported_tiers()
MODES = list(TIERS)


def feature_used(isolation: dict, feature: str) -> bool:
    used = isolation.get("used", {})
    return bool(used.get("landlock_abi")) if feature == "landlock" else bool(used.get(feature))


# -- the corpus is well-formed --------------------------------------------------------------


def test_the_corpus_covers_every_category_with_at_least_30_cases():
    assert len(CASES) >= 30, sorted(CASES)
    by_category = {c: [n for n, s in CASES.items() if s["category"] == c] for c in CATEGORIES}
    assert all(by_category.values()), by_category
    for name, spec in CASES.items():
        assert spec["category"] in CATEGORIES, name
        assert spec.get("attack", "").strip(), name
        assert set(spec.get("stopped_by", [])) <= set(FEATURES), name
        assert set(spec.get("max_score", {})) <= set(EXERCISE_NAMES), name
        assert spec.get("evidence"), f"{name}: say what the attack tries to produce"
        for value in spec.get("max_score", {}).values():
            assert value == "full" or isinstance(value, (int, float)), name


def _judge_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("redteam_judge", DRIVER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the judge process of the corpus reads /proc and uses prctl")


@LINUX_ONLY
def test_the_harness_sees_a_process_left_behind_and_a_changed_file(tmp_path):
    """The invariants are only as good as their detectors: a tagged process and a changed file are found."""
    judge = _judge_module()
    token = f"rt{secrets.token_hex(4)}"
    already = {p["pid"] for p in judge.leftovers(token, set())}  # e.g. a template started by earlier tests
    child = subprocess.Popen(["bash", "-c", f"exec -a {token} sleep 30"])
    try:
        deadline = time.monotonic() + 5
        while not judge.leftovers(token, already) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p["pid"] for p in judge.leftovers(token, already)] == [child.pid]
    finally:
        child.kill()
        child.wait()
    assert judge.leftovers(token, already) == []
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_text("x")
    before = judge.tree_state(tmp_path)
    (tmp_path / "a" / "f.txt").write_text("y")
    os.symlink("/etc/passwd", tmp_path / "a" / "link")
    assert judge.diff(before, judge.tree_state(tmp_path), "root") == ["root/a/f.txt: changed", "root/a/link: added"]


# -- running the corpus ----------------------------------------------------------------------


def _prepare(root: Path, mode: str, names: list[str]) -> tuple[dict, dict]:
    """The instructor's world for one run: installed grader, venv, home, course; the secrets in it."""
    secret = {key: f"{key}-{secrets.token_hex(12)}" for key in ("env", "home", "suite", "solution", "victim", "shm")}
    install = root / "install"
    shutil.copytree(ROOT / "grader", install / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "solutions", install / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", install / "pyproject.toml")
    with open(install / "grader" / "packs" / "lesson" / "my_linear" / "suite.py", "a") as handle:
        handle.write(f"\n# hidden-suite canary: {secret['suite']}\n")
    with open(install / "solutions" / "my_linear.py", "a") as handle:
        handle.write(f"\n# reference-solution canary: {secret['solution']}\n")
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": (install / "solutions" / "my_linear.py").read_text()},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": f'print("{secret["solution"]}")'},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    (install / "solutions" / "my_linear_solution.ipynb").write_text(json.dumps(notebook))
    # A venv of its own (the real site-packages on its path), so that an attack on "the venv"
    # at a tier that does not stop it writes into this one.
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    real_site = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "torch").is_dir())
    (site := next((venv / "lib").glob("python*/site-packages"))).mkdir(parents=True, exist_ok=True)
    (site / "redteam-real-site-packages.pth").write_text(real_site + "\n")
    home = root / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{secret['home']}\n-----END OPENSSH PRIVATE KEY-----\n")
    (home / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    (home / "notes.txt").write_text("exam week: grade HW3\n")
    course = root / "course"
    (course / "submissions").mkdir(parents=True)
    (course / "gradebook.csv").write_text("id,total\nalice,46\n")
    (course / "results.json").write_text('{"submissions": []}\n')
    pristine = root / "pristine"
    for name in ("install", "home", "course", "venv"):
        shutil.copytree(root / name, pristine / name, symlinks=True)
    cases = [{"name": n, "dir": str(CORPUS / n), "token": f"rt{secrets.token_hex(3)}{i:02d}"} for i, n in enumerate(names)]
    config = {
        "mode": mode, "root": str(root), "cases": cases, "secrets": secret, "limits": LIMITS, "victim_limits": VICTIM_LIMITS,
        "load_timeout_s": LOAD_TIMEOUT_S, "agent_socket": str(home / ".ssh" / "agent.sock"), "abstract_socket": f"grader-agent-{secrets.token_hex(4)}",
    }
    return config, secret


def start_corpus(root: Path, tier: str, names: list[str]) -> tuple[subprocess.Popen, float]:
    """Start the judge process for one tier; it writes root/out.json as it goes."""
    mode, without = TIERS[tier]
    config, secret = _prepare(root, mode, names)
    config["without"] = without
    (root / "config.json").write_text(json.dumps(config))
    env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
    env.update(
        HOME=str(root / "home"), PYTHONPATH=str(root / "install"), PYTHONDONTWRITEBYTECODE="1", GRADER_SECRET_TOKEN=secret["env"],
        REDTEAM_CONFIG=str(root / "config.json"), REDTEAM_OUT=str(root / "out.json"),
    )
    course = root / "course"
    python = root / "venv" / "bin" / "python"
    process = subprocess.Popen(
        [str(python), "-s", str(DRIVER), "--json", str(course / "results.json"), str(course / "submissions")],
        cwd=course, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return process, time.monotonic()


def finish_corpus(root: Path, tier: str, process: subprocess.Popen, began: float) -> dict:
    try:
        output, _ = process.communicate(timeout=max(1.0, RUN_TIMEOUT_S - (time.monotonic() - began)))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        output, _ = process.communicate()
    try:
        results = json.loads((root / "out.json").read_text()) if (root / "out.json").exists() else {"cases": {}}
    except json.JSONDecodeError:  # the judge died while writing it: its cases fail, the run is not repeated
        results = {"cases": {}}
    results["driver_output"] = output.decode(errors="replace")[-4000:]
    results["driver_rc"] = process.returncode
    results["wall_s"] = round(time.monotonic() - began, 1)
    _print_summary(tier, results)
    return results


def _print_summary(tier: str, results: dict) -> None:
    lines = [f"\nred-team corpus, {tier}: tier {results.get('isolation', {}).get('tier')}, {len(results['cases'])} cases in {results['wall_s']} s"]
    for name, record in results["cases"].items():
        effects = [k for k in ("changed", "leftovers", "secrets_found") if record.get(k)]
        effects += [f"{k}x{v}" for k, v in (record.get("network") or {}).items() if v]
        if not record.get("template_alive", True):
            effects.append("template killed")
        lines.append(f"  {name:<38} {record.get('seconds', '?'):>6} s  {'got through: ' + ', '.join(effects) if effects else ''}")
    print("\n".join(lines))


_RUNS: dict[str, dict] = {}
PARALLEL = 2  # judge processes at once: the corpus waits on timeouts as much as it computes


@pytest.fixture
def corpus_run(request, tmp_path_factory):
    """The corpus graded at each tier: run once, for the cases selected in this session, tiers side by side."""

    def get(tier: str) -> dict:
        if tier not in _RUNS:
            wanted: dict[str, set[str]] = {}
            for item in request.session.items:
                params = getattr(getattr(item, "callspec", None), "params", {})
                if params.get("mode") in TIERS and params.get("case") in CASES and item.originalname == "test_attack":
                    wanted.setdefault(params["mode"], set()).add(params["case"])
            pending = [t for t in TIERS if t in wanted and t not in _RUNS] or [tier]
            if tier in pending:
                pending.remove(tier)
            pending.insert(0, tier)
            running: list[tuple[str, Path, subprocess.Popen, float]] = []
            while pending or running:
                while pending and len(running) < PARALLEL:
                    name = pending.pop(0)
                    root = tmp_path_factory.mktemp(f"redteam-{name}")
                    names = [n for n in CASES if n in wanted.get(name, ())] or list(CASES)
                    running.append((name, root, *start_corpus(root, name, names)))
                name, root, process, began = running.pop(0)
                _RUNS[name] = finish_corpus(root, name, process, began)
        return _RUNS[tier]

    return get


# -- one test per mode and case ------------------------------------------------------------------


def _allowed(spec: dict, key: str, exercise: str, max_score: float) -> float:
    value = spec.get(key, {}).get(exercise, "full") if key in spec else spec.get("max_score", {}).get(exercise, "full")
    return max_score if value == "full" else float(value)


@LINUX_ONLY
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("mode", MODES)
def test_attack(mode, case, corpus_run, request):
    spec = CASES[case]
    results = corpus_run(mode)
    record = results["cases"].get(case)
    assert record is not None, f"the judge never got to this case (rc {results['driver_rc']}):\n{results['driver_output']}"
    isolation = results["isolation"]
    stopped_by = spec.get("stopped_by", [])
    protected = not stopped_by or any(feature_used(isolation, f) for f in stopped_by)
    gap = known_gap(spec, results)
    if protected and gap:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"known gap: {gap}"))

    # Always: the run completes, no points are gained, nothing is left running.
    assert record["completed"], record.get("hung") or record.get("crashed")
    scores = record["attacker"]["scores"]
    possible_key = "max_score" if protected else "max_score_if_possible"
    for exercise, (score, max_score) in scores.items():
        allowed = _allowed(spec, possible_key, exercise, max_score)
        assert score <= allowed + 1e-9, f"{exercise}: {score} points, at most {allowed} expected: {record['attacker']['messages']}"
    assert record["leftovers"] == [], "processes of the attack outlived its grading"
    texts = " ".join([*record["attacker"]["messages"].values(), *record["attacker"]["errors"].values()])
    for pattern in spec.get("message", []):
        assert re.search(pattern, texts), f"expected a message matching {pattern!r}, got: {texts[:2000]}"
    for pattern in spec.get("notes", []):
        assert any(re.search(pattern, note) for note in record["attacker"]["notes"]), f"expected a note matching {pattern!r}: {record['attacker']['notes']}"
    if "submission_name" in spec:
        shown = record["attacker"]["id"]
        assert shown.isprintable() and not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u0085]", shown), shown
    if spec.get("reports"):
        reports = record["reports"]
        assert reports["failed"] == {}, f"reports that could not be written: {reports['failed']}"
        assert reports["invisible"] == [], f"reports with bidi controls, line separators or raw bytes in them: {reports['invisible']}"
        assert reports["formulas"] == [], f"CSV cells a spreadsheet would run: {reports['formulas']}"
    if "output_cap" in spec:
        assert max(record["attacker"]["output_sizes"]) <= spec["output_cap"]
    if "message_cap" in spec:
        assert max(map(len, record["attacker"]["messages"].values())) <= spec["message_cap"]
    _held_to_its_bounds(spec, record, isolation)

    if not protected:
        # This tier does not stop the attack: the run's report must say so, not pretend otherwise;
        # and the attack must be seen getting through, or this harness would be blind to it.
        from grader.report.terminal import render_isolation

        shown = render_isolation(isolation)
        for feature in stopped_by:
            assert not feature_used(isolation, feature)
            assert isolation["mode"] == "none" or any(feature.lower() in m.lower() for m in isolation["missing"]), (feature, isolation)
        assert "--isolation none: learner code can read and write whatever this user can" in shown or "not available here" in shown, shown
        assert got_through(record, spec), "nothing stopped this attack here, yet the harness saw no effect of it"
        return

    for name, cap in spec.get("printed_at_most", {}).items():
        printed = _printed(record, name)
        assert printed and max(printed) <= cap, f"{name}: {printed}, at most {cap} expected"
    assert record["template_alive"], "the attack stopped the grader's template: the rest of the batch would fail"
    victim = record.get("victim")
    assert victim is not None, record.get("victim_failed")
    assert victim["full_marks"], f"the victim lost points: {victim['messages'] or victim['errors']}"
    assert record["changed"] == [], "files outside the job directory changed"
    assert record["secrets_found"] == [], "secrets appear in the attacker's results"
    assert not any(record["network"].values()), f"the attack reached a listener: {record['network']}"


def _held_to_its_bounds(spec: dict, record: dict, isolation: dict) -> None:
    """The optional bounds on what grading the attacker cost the judge, and what the launcher noticed."""
    if "report_chars_at_most" in spec:
        assert record["attacker_text_chars"] <= spec["report_chars_at_most"], f"a report of {record['attacker_text_chars']} characters"
    if "attacker_seconds_at_most" in spec:
        assert record["attacker_s"] <= spec["attacker_seconds_at_most"], f"grading the attacker took {record['attacker_s']} s"
    if "judge_memory_growth_mb_at_most" in spec:
        assert record["judge_rss_growth_mb"] <= spec["judge_memory_growth_mb_at_most"], f"the judge grew by {record['judge_rss_growth_mb']} MB"
    if "tampering" in spec:
        if any(feature_used(isolation, f) for f in spec.get("refused_by", [])):
            assert record["tampering"] == [], f"the kernel should have refused the calls, yet the launcher found: {record['tampering']}"
        elif re.search(spec.get("went_through", ": done"), record.get("attacker_output", "")):
            # The calls went through (the kernel may still refuse some: a root worker without capabilities cannot
            # renice a process at nice -20): the launcher's check after the submission must have seen and undone them.
            assert any(re.search(spec["tampering"], t) for t in record["tampering"]), f"the launcher did not notice: {record['tampering']}"


def known_gap(spec: dict, results: dict) -> str | None:
    """The case's known gap, if it applies to this run: always, or only where `when` matches the run."""
    gap = spec.get("known_gap")
    if not gap or isinstance(gap, str):
        return gap
    facts = {"gpu": bool(results.get("gpu")), **{f: feature_used(results["isolation"], f) for f in FEATURES}}
    return gap["reason"] if all(facts.get(key) == value for key, value in gap.get("when", {}).items()) else None


def _printed(record: dict, name: str) -> list[int]:
    return [int(v) for v in re.findall(rf"{name}=(\d+)", record.get("attacker_output", ""))]


def got_through(record: dict, spec: dict) -> list[str]:
    """What the attack achieved, by the measures the protected tiers assert are zero."""
    effects = [f"changed {path}" for path in record["changed"]]
    effects += [f"leaked {secret}" for secret in record["secrets_found"]]
    effects += [f"{count} {kind} contacts" for kind, count in record["network"].items() if count]
    if not record["template_alive"]:
        effects.append("killed the template")
    victim = record.get("victim")
    if victim is None or not victim["full_marks"]:
        effects.append("the victim lost points")
    for name, cap in spec.get("printed_at_most", {}).items():
        if any(value > cap for value in _printed(record, name)):
            effects.append(f"{name} over {cap}")
    return effects
