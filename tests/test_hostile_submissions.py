"""Hostile submissions: learner code that lies, forges replies, exits, crashes, hangs or floods.

Each test builds a submission from the reference solutions with one exercise file replaced
or modified, grades only the exercise(s) it needs, and asserts what the learner gets. The
judge must never be fooled into giving points, never run code the worker sent, never import
learner code, and always finish with a message that says what happened.

Tests marked xfail(strict=True) assert the right behaviour that the grader does not have yet.
"""
from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest
import torch

from conftest import SOLUTIONS, failed_messages, grade, make_submission, mutate

LEARNER_MODULES = ("my_linear", "logistic_regression", "custom_dataset")
GRADING_LIMIT_S = 60


# -- helpers ---------------------------------------------------------------------------


class _GradingHung(BaseException):
    pass


def grade_guarded(directory: Path, *exercises: str, timeout: float = 5.0, limit_s: int = GRADING_LIMIT_S):
    """`grade`, failing the test (rather than hanging the suite) if grading never finishes."""
    fired = []

    def on_alarm(signum, frame):
        fired.append(True)
        raise _GradingHung()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit_s)
    try:
        result = grade(directory, *exercises, timeout=timeout)
    except _GradingHung:
        pytest.fail(f"grading did not finish within {limit_s} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        pytest.fail(f"grading did not finish within {limit_s} s")
    return result


def checks_of(result, exercise: str) -> dict[str, object]:
    """The exercise's checks by id, skipped ones (CUDA without a GPU) left out."""
    (found,) = [e for e in result.exercises if e.name == exercise]
    return {c.id: c for c in found.checks if c.status != "skipped"}


def exercise_result(result, exercise: str):
    (found,) = [e for e in result.exercises if e.name == exercise]
    return found


def calls_forward(check_id: str) -> bool:
    name = check_id.split(".", 1)[1]
    return name.startswith(("forward", "gradient_", "training"))


def split_my_linear(result) -> tuple[dict, dict]:
    """my_linear's counted checks: those that judge forward's values, and those that only construct.

    The meta-device variants are in neither: there only type, device, dtype and shape are
    judged, so an attack on values (not on shapes) does not show there, by design.
    """
    checks = {i: c for i, c in checks_of(result, "my_linear").items() if c.device != "meta"}
    forward = {i: c for i, c in checks.items() if calls_forward(i)}
    other = {i: c for i, c in checks.items() if not calls_forward(i)}
    assert len(forward) >= 7 and len(other) >= 6, sorted(checks)  # not vacuous
    return forward, other


def assert_full_marks(result, exercise: str) -> None:
    found = exercise_result(result, exercise)
    messages = {c.id: c.message for c in found.checks if c.status in ("failed", "error")}
    assert messages == {} and found.error == ""
    assert found.max_score > 0 and found.score == found.max_score


def assert_clean(message: str) -> None:
    """A message for the learner: not empty, no grader traceback or internal error leaking."""
    assert message.strip()
    for leak in ("Traceback", "internal error", 'File "/', "/grader/", "INTERNALERROR"):
        assert leak not in message, f"{leak!r} leaks into the learner's message: {message!r}"


def my_linear_with(old: str, new: str) -> dict[str, str]:
    return {"my_linear.py": mutate("my_linear", old, new)}


def at_import(code: str, wrong_forward: bool = False) -> dict[str, str]:
    """my_linear.py from the solution with `code` run right after `import torch`."""
    source = mutate("my_linear", "import torch\n", "import torch\n" + code.strip("\n") + "\n")
    if wrong_forward:
        source = source.replace("        return y\n", "        return y + 1\n", 1)
        assert "return y + 1" in source
    return {"my_linear.py": source}


def in_forward(code: str) -> dict[str, str]:
    """my_linear.py from the solution with `code` run at the start of forward (8-space indent)."""
    body = "".join(f"        {line}\n" for line in code.strip("\n").splitlines())
    return my_linear_with("        y = x @ self.weights\n", body + "        y = x @ self.weights\n")


def process_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def processes_running(argv: list[str]) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")[:-1]
            except OSError:
                continue
            if [part.decode(errors="replace") for part in cmdline] == argv and process_alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def wait_until_none(argv: list[str], seconds: float = 3.0) -> list[int]:
    """Host pids of processes with exactly this command line, once none is left or `seconds` passed.

    By command line, not by the pid the learner's code printed: in a PID namespace that pid
    is the namespace's, not the host's.
    """
    deadline = time.monotonic() + seconds
    while True:
        alive = processes_running(argv)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


# -- lying about equality --------------------------------------------------------------


PATCH_COMPARISONS = """
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
torch.Tensor.allclose = lambda self, *args, **kwargs: True
torch.Tensor.equal = lambda self, *args, **kwargs: True
"""


def test_patching_torch_comparisons_in_the_worker_gains_no_points(tmp_path):
    original = (torch.allclose, torch.equal, torch.testing.assert_close, torch.Tensor.__eq__)
    result = grade_guarded(make_submission(tmp_path / "s", at_import(PATCH_COMPARISONS, wrong_forward=True)), "my_linear")
    forward, other = split_my_linear(result)
    for check_id, check in forward.items():
        assert check.status == "failed", check_id
        assert "wrong values" in check.message, (check_id, check.message)
        assert_clean(check.message)
    assert all(c.status == "passed" for c in other.values())
    meta = [c for c in exercise_result(result, "my_linear").checks if c.device == "meta"]
    # the patch changes no shape: the meta variants (which judge shapes and devices only) are all it keeps
    assert exercise_result(result, "my_linear").score == sum(c.max_score for c in other.values()) + sum(c.score for c in meta)
    # The patch lived in the worker only: the judge's torch is untouched.
    assert (torch.allclose, torch.equal, torch.testing.assert_close, torch.Tensor.__eq__) == original


LYING_SUBCLASS = '''
class Liar(torch.Tensor):
    def __eq__(self, other):
        return True
    def allclose(self, *args, **kwargs):
        return True
    def equal(self, *args, **kwargs):
        return True
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("allclose", "equal", "__eq__", "isclose"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})
'''


def test_forward_returning_a_lying_tensor_subclass_gains_no_points(tmp_path):
    source = mutate("my_linear", "        return y\n", "        return (y + 1).as_subclass(Liar)\n") + LYING_SUBCLASS
    result = grade_guarded(make_submission(tmp_path / "s", {"my_linear.py": source}), "my_linear")
    forward, other = split_my_linear(result)
    for check_id, check in forward.items():
        assert check.status == "failed", check_id
        assert "not a plain torch.Tensor" in check.message or "wrong values" in check.message, (check_id, check.message)
        assert_clean(check.message)
    assert "not a plain torch.Tensor" in forward["my_linear.forward[cpu]"].message
    assert "Liar" in forward["my_linear.forward[cpu]"].message
    assert all(c.status == "passed" for c in other.values())


def test_tensor_subclass_that_spoofs_its_type_name_still_shows_wrong_values(tmp_path):
    spoofed = LYING_SUBCLASS.replace("class Liar(torch.Tensor):\n", 'class Liar(torch.Tensor):\n    __module__ = "torch"\n    __qualname__ = "Tensor"\n')
    source = mutate("my_linear", "        return y\n", "        return (y + 1).as_subclass(Liar)\n") + spoofed
    result = grade_guarded(make_submission(tmp_path / "s", {"my_linear.py": source}), "my_linear")
    forward, _ = split_my_linear(result)
    for check_id, check in forward.items():
        assert check.status == "failed", check_id
        assert "wrong values" in check.message, (check_id, check.message)
    assert "expected" in forward["my_linear.forward[cpu]"].message and "got" in forward["my_linear.forward[cpu]"].message


# -- forging the reply channel ---------------------------------------------------------


# How learner code finds the worker's reply fd: the serving loop's `write_fd` up the stack,
# else the `--write-fd` argument the worker was started with.
FIND_REPLY_FD = '''
import os, struct, sys

def _reply_fd():
    frame = sys._getframe()
    while frame is not None:
        if isinstance(frame.f_locals.get("write_fd"), int):
            return frame.f_locals["write_fd"]
        frame = frame.f_back
    return int(sys.argv[sys.argv.index("--write-fd") + 1])
'''


def replace_write_frame(function_name: str) -> str:
    """Learner code that makes `function_name` the worker's `write_frame`, wherever it is looked up."""
    return f'''
import grader.protocol as _protocol
import grader.worker.serve as _serve
_protocol.write_frame = {function_name}
if hasattr(_serve, "write_frame"):
    _serve.write_frame = {function_name}
'''


def _assert_reply_refused(result, marker: Path) -> None:
    assert not marker.exists(), "the judge unpickled the worker's payload and ran its code"
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    for check_id, check in checks_of(result, "my_linear").items():
        assert check.status in ("failed", "error"), check_id
        assert "invalid reply" in check.message and "not plain data" in check.message, (check_id, check.message)
        assert "Traceback" not in check.message


def test_patched_write_frame_sending_a_code_running_pickle_is_refused(tmp_path):
    marker = tmp_path / "MARKER"
    forge = f'''
import io, os, struct

class _Evil:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))

def _forged_write_frame(fd, message):
    buffer = io.BytesIO()
    torch.save({{"ok": True, "value": _Evil()}}, buffer)
    data = buffer.getvalue()
    os.write(fd, struct.pack(">Q", len(data)) + data)

''' + replace_write_frame("_forged_write_frame")
    result = grade_guarded(make_submission(tmp_path / "s", at_import(forge, wrong_forward=True)), "my_linear")
    _assert_reply_refused(result, marker)


def test_raw_pickle_written_to_the_reply_fd_is_refused_and_other_exercises_are_graded(tmp_path):
    marker = tmp_path / "MARKER"
    forge = f'''
import builtins, os, pickle, struct, sys
{FIND_REPLY_FD}
class _Evil:
    def __reduce__(self):
        return (builtins.open, ({str(marker)!r}, "w"))

_fd = _reply_fd()
_data = pickle.dumps({{"ok": True, "value": _Evil()}}, protocol=2)
os.write(_fd, struct.pack(">Q", len(_data)) + _data)
'''
    result = grade_guarded(make_submission(tmp_path / "s", at_import(forge, wrong_forward=True)), "my_linear", "logistic_regression")
    _assert_reply_refused(result, marker)
    assert exercise_result(result, "my_linear").error.startswith("loading my_linear.py failed")
    assert_full_marks(result, "logistic_regression")


FORGE_PROBE_REPLIES = '''
import grader.protocol as _protocol

_write_frame = _protocol.write_frame

def _forged_write_frame(fd, message):
    value = message.get("value") if isinstance(message, dict) else None
    if isinstance(value, dict) and "classes" in value:  # let the load request through
        return _write_frame(fd, message)
    return _write_frame(fd, FORGED)
''' + replace_write_frame("_forged_write_frame")

FORGED_REPLIES = {
    "ok-not-a-bool": '{"ok": 1, "value": None}',
    "not-a-dict": '[True, {"in_features": 4}]',
    "parameter-as-value": '{"ok": True, "value": torch.nn.Parameter(torch.zeros(5, 3))}',
    "parameter-as-tensor-values": (
        '{"ok": True, "value": {"__tensor__": True, "values": torch.nn.Parameter(torch.zeros(5, 3)), '
        '"type": "torch.Tensor", "device": "cpu", "dtype": "float32", "shape": [5, 3]}}'
    ),
    "ordered-dict": '{"ok": True, "value": collections.OrderedDict(in_features=4, out_features=3)}',
    "non-string-keys": '{"ok": True, "value": {1: 2}}',
    "bytes": '{"ok": True, "value": b"in_features"}',
    "values-not-matching-shape": (
        '{"ok": True, "value": {"__tensor__": True, "values": torch.zeros(2), '
        '"type": "torch.Tensor", "device": "cpu", "dtype": "float32", "shape": [5, 3]}}'
    ),
    "error-not-a-dict": '{"ok": False, "error": "everything passed"}',
}


@pytest.mark.parametrize("forged", FORGED_REPLIES.values(), ids=FORGED_REPLIES.keys())
def test_forged_replies_of_invalid_types_are_refused(tmp_path, forged):
    result = grade_guarded(make_submission(tmp_path / "s", at_import(f"import collections\nFORGED = {forged}\n{FORGE_PROBE_REPLIES}")), "my_linear")
    checks = checks_of(result, "my_linear")
    assert checks and exercise_result(result, "my_linear").score == 0
    for check_id, check in checks.items():
        assert check.status in ("failed", "error"), check_id
        assert "cannot accept" in check.message, (check_id, check.message)
        assert_clean(check.message)


def test_reply_header_claiming_a_huge_frame_is_refused(tmp_path):
    forge = FIND_REPLY_FD + '''
_fd = _reply_fd()
os.write(_fd, struct.pack(">Q", 2**62) + b"x" * 64)
'''
    result = grade_guarded(make_submission(tmp_path / "s", at_import(forge)), "my_linear", "logistic_regression")
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0
    assert "invalid reply" in my_linear.error and "over the limit" in my_linear.error, my_linear.error
    assert_full_marks(result, "logistic_regression")


FORGE_WHERE = '''
import grader.protocol as _protocol

_write_frame = _protocol.write_frame

def _forged_write_frame(fd, message):
    value = message.get("value") if isinstance(message, dict) else None
    if isinstance(value, dict) and "classes" in value:
        return _write_frame(fd, message)
    return _write_frame(fd, dict(message, where={"file": "my_linear.py", "line": "not a number"}))
''' + replace_write_frame("_forged_write_frame")


def test_forged_location_in_a_reply_does_not_break_grading(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import(FORGE_WHERE, wrong_forward=True)), "my_linear", "logistic_regression")
    forward, other = split_my_linear(result)
    assert all(c.status == "failed" and "wrong values" in c.message for c in forward.values())
    assert all(c.status == "passed" for c in other.values())
    assert not result.full_marks
    assert_full_marks(result, "logistic_regression")


FORGE_ERROR_FRAMES = '''
import grader.protocol as _protocol

_write_frame = _protocol.write_frame

def _forged_write_frame(fd, message):
    value = message.get("value") if isinstance(message, dict) else None
    if isinstance(value, dict) and "classes" in value:
        return _write_frame(fd, message)
    return _write_frame(fd, {"ok": False, "error": {"kind": "exception", "exc_type": "ValueError", "message": "x",
                                                     "frames": [{"file": "my_linear.py", "line": "not a number"}, "junk"]}})
''' + replace_write_frame("_forged_write_frame")


def test_forged_error_frames_are_refused_with_a_clear_message(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import(FORGE_ERROR_FRAMES)), "my_linear")
    checks = checks_of(result, "my_linear")
    assert checks and exercise_result(result, "my_linear").score == 0
    for check in checks.values():
        assert check.status in ("failed", "error")
        assert_clean(check.message)


# -- exits, interrupts and crashes -----------------------------------------------------


def test_sys_exit_at_import_fails_only_that_exercise(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import("import sys\nsys.exit(0)")), "my_linear", "logistic_regression")
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert "SystemExit" in my_linear.error and "my_linear.py" in my_linear.error, my_linear.error
    for check in checks_of(result, "my_linear").values():
        assert check.status == "error" and check.message == my_linear.error
        assert check.location is not None and check.location.file == "my_linear.py" and check.location.code == "sys.exit(0)"
    assert_clean(my_linear.error)
    assert_full_marks(result, "logistic_regression")


def test_os_exit_at_import_fails_only_that_exercise(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import("import os\nos._exit(0)")), "my_linear", "logistic_regression")
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert re.search(r"exited with status 0", my_linear.error), my_linear.error
    assert "os._exit" in my_linear.error
    assert all(c.status == "error" and c.message == my_linear.error for c in checks_of(result, "my_linear").values())
    assert_clean(my_linear.error)
    assert_full_marks(result, "logistic_regression")


@pytest.mark.parametrize(
    ("statement", "expected"),
    [("raise SystemExit(3)", "SystemExit: 3"), ("raise KeyboardInterrupt", "KeyboardInterrupt")],
    ids=["SystemExit", "KeyboardInterrupt"],
)
def test_exit_or_interrupt_in_forward_fails_only_the_forward_checks(tmp_path, statement, expected):
    result = grade_guarded(make_submission(tmp_path / "s", in_forward(statement)), "my_linear")
    forward, other = split_my_linear(result)
    for check_id, check in forward.items():
        assert check.status == "failed", check_id
        assert f"MyLinear.forward raised {expected}" in check.message, (check_id, check.message)
        assert check.location is not None and check.location.code == statement
        assert_clean(check.message)
    assert all(c.status == "passed" for c in other.values())
    assert result.timings["worker_starts"] == 1  # the worker survived: nothing was restarted


def test_segfault_in_forward_fails_that_check_and_the_worker_is_restarted(tmp_path):
    # Crashes on the first call only (the flag file lives in the worker's private copy,
    # which outlives a restart): the one check that crashed fails, everything after passes.
    code = '''
import os, ctypes
if not os.path.exists("crashed-once"):
    open("crashed-once", "w").close()
    ctypes.string_at(0)
'''
    result = grade_guarded(make_submission(tmp_path / "s", in_forward(code)), "my_linear")
    messages = failed_messages(result)
    assert list(messages) == ["my_linear.forward[cpu]"], messages
    assert "killed by SIGSEGV" in messages["my_linear.forward[cpu]"] and "segmentation fault" in messages["my_linear.forward[cpu]"]
    assert_clean(messages["my_linear.forward[cpu]"])
    assert result.timings["worker_starts"] == 2
    assert not (tmp_path / "s" / "crashed-once").exists()


# -- endless loops, and processes left behind ------------------------------------------


def printed_pids(result) -> list[int]:
    """Process ids the learner's code printed as PID=<n> (captured with each check's output)."""
    return [int(p) for e in result.exercises for c in e.checks for p in re.findall(r"PID=(\d+)", c.output)]


@pytest.fixture(scope="module")
def endless_forward(tmp_path_factory):
    """my_linear whose forward starts `sleep` and then loops forever, graded with a 1 s timeout."""
    root = tmp_path_factory.mktemp("endless")
    token = f"1000.{os.getpid()}"
    code = f'''
import subprocess
child = subprocess.Popen(["sleep", "{token}"])
print(f"PID={{child.pid}}", flush=True)  # the sandbox lets the learner write only in their own directory
while True:
    pass
'''
    began = time.monotonic()
    result = grade_guarded(make_submission(root / "s", in_forward(code)), "my_linear", timeout=1)
    took = time.monotonic() - began
    pids = printed_pids(result)
    yield result, took, pids, ["sleep", token]
    for pid in processes_running(["sleep", token]):  # only if a test above failed to see them gone
        os.kill(pid, signal.SIGKILL)


def test_endless_loop_in_forward_times_out_each_forward_check(endless_forward):
    result, took, _, _ = endless_forward
    forward, other = split_my_linear(result)
    for check_id, check in forward.items():
        assert check.status == "failed", check_id
        assert re.search(r"timed out after 1 s\b", check.message), (check_id, check.message)
        assert_clean(check.message)
        assert check.location is not None and check.location.file == "my_linear.py", (check_id, check.location)
        assert check.location.code in ("while True:", "pass"), check.location  # where the loop was stuck
        assert "Current thread" not in check.output and "File \"" not in check.output
    assert other["my_linear.init_sizes"].status == "passed"
    assert all(c.status == "passed" for c in other.values())
    assert took < 5 * len(forward) + 10


def test_no_process_started_by_learner_code_is_left_behind(endless_forward):
    _, _, pids, argv = endless_forward
    assert len(pids) >= 7, "forward should have started one sleep per call"
    assert wait_until_none(argv) == []


def test_double_fork_and_setsid_does_not_escape(tmp_path):
    token = f"1000.{os.getpid()}7"
    code = f'''
import os
if not os.path.exists("forked"):
    open("forked", "w").close()
    first = os.fork()
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            print(f"PID={{os.getpid()}}", flush=True)
            os.execvp("sleep", ["sleep", "{token}"])
        os._exit(0)
    os.waitpid(first, 0)
'''
    result = grade_guarded(make_submission(tmp_path / "s", in_forward(code)), "my_linear")
    pids = printed_pids(result)
    try:
        assert_full_marks(result, "my_linear")
        assert pids, "the double-forked daemon never started"
        assert wait_until_none(["sleep", token]) == []
    finally:
        for pid in processes_running(["sleep", token]):
            os.kill(pid, signal.SIGKILL)


def test_endless_loop_at_import_errors_that_exercise_with_a_timeout(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import("while True:\n    pass")), "my_linear", "logistic_regression", timeout=1)
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert re.search(r"timed out after \d+(\.\d+)? s", my_linear.error), my_linear.error
    assert "my_linear.py" in my_linear.error
    assert all(c.status == "error" and c.message == my_linear.error for c in checks_of(result, "my_linear").values())
    assert_clean(my_linear.error)
    assert_full_marks(result, "logistic_regression")


# -- output on stdout ------------------------------------------------------------------


FAKE_REPORT = '''
print("=" * 20 + " 46 passed in 0.12s " + "=" * 20)
print('{"ok": true, "score": 15, "max_score": 15}')
'''


def test_fake_pass_lines_and_json_on_stdout_change_nothing(tmp_path):
    files = at_import(FAKE_REPORT)
    files["my_linear.py"] = files["my_linear.py"].replace(
        "        return y\n", "".join(f"        {line}\n" for line in FAKE_REPORT.strip().splitlines()) + "        return y + 1\n", 1
    )
    result = grade_guarded(make_submission(tmp_path / "s", files), "my_linear")
    forward, other = split_my_linear(result)
    assert all(c.status == "failed" and "wrong values" in c.message for c in forward.values())
    assert all(c.status == "passed" for c in other.values())
    printed = "=" * 20 + " 46 passed in 0.12s " + "=" * 20 + '\n{"ok": true, "score": 15, "max_score": 15}\n'
    # Captured per check: the import's print goes with the first check, each forward call's with its own.
    assert other["my_linear.init_sizes"].output == printed
    assert other["my_linear.init_weights"].output == ""
    assert forward["my_linear.forward[cpu]"].output == printed


def test_ten_megabytes_printed_at_import_are_cut_in_the_captured_output(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", at_import("print('x' * 10_000_000)")), "my_linear")
    assert_full_marks(result, "my_linear")
    first = exercise_result(result, "my_linear").checks[0]
    assert first.output.startswith("x" * 1000)
    assert len(first.output) < 20_000
    assert re.search(r"cut", first.output[-200:]), first.output[-200:]
    assert sum(len(c.output) for c in exercise_result(result, "my_linear").checks) < 20_000


def test_ten_megabytes_printed_in_every_forward_call_change_no_score(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", in_forward("print('y' * 10_000_000)")), "my_linear")
    for check in checks_of(result, "my_linear").values():
        assert len(check.output) < 20_000
    assert_full_marks(result, "my_linear")


# -- files: missing, doubled, broken, misnamed -----------------------------------------


def test_missing_exercise_file_scores_zero_and_the_others_are_graded(tmp_path):
    submission = make_submission(tmp_path / "s")
    (submission / "my_linear.py").unlink()
    result = grade_guarded(submission, "my_linear", "logistic_regression")
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert "file not found: expected my_linear.py" in my_linear.error
    assert all(c.status == "error" and "file not found: expected my_linear.py" in c.message for c in checks_of(result, "my_linear").values())
    assert_full_marks(result, "logistic_regression")


def test_both_py_and_ipynb_is_an_error_naming_both_files(tmp_path):
    submission = make_submission(tmp_path / "s", {"my_linear.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'})
    result = grade_guarded(submission, "my_linear")
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert "my_linear.py" in my_linear.error and "my_linear.ipynb" in my_linear.error, my_linear.error
    assert all(c.status == "error" for c in checks_of(result, "my_linear").values())


def _syntax_error_submission(tmp_path):
    files = my_linear_with("        y = x @ self.weights\n", "        y = x @@ self.weights\n")
    line = files["my_linear.py"].splitlines().index("        y = x @@ self.weights") + 1
    return grade_guarded(make_submission(tmp_path / "s", files), "my_linear"), line


def test_syntax_error_is_reported_with_its_line(tmp_path):
    result, line = _syntax_error_submission(tmp_path)
    my_linear = exercise_result(result, "my_linear")
    assert my_linear.score == 0 and my_linear.max_score > 0
    assert "syntax error" in my_linear.error.lower(), my_linear.error
    for check in checks_of(result, "my_linear").values():
        assert check.status == "error" and "syntax error" in check.message.lower()
        assert check.location is not None
        assert (check.location.file, check.location.line) == ("my_linear.py", line)
        assert "@@" in check.location.code
        assert_clean(check.message)


def test_syntax_error_message_shown_to_the_learner_gives_the_line(tmp_path):
    from grader.report.terminal import render_submission

    result, line = _syntax_error_submission(tmp_path)
    error = exercise_result(result, "my_linear").error
    shown = render_submission(result)
    assert re.search(rf"\bline {line}\b|my_linear\.py:{line}\b", error) or f"my_linear.py:{line}" in shown, (error, shown)


def test_misspelt_class_names_found_and_expected_names(tmp_path):
    result = grade_guarded(make_submission(tmp_path / "s", my_linear_with("class MyLinear(", "class Mylinear(")), "my_linear")
    assert exercise_result(result, "my_linear").score == 0
    for check_id, check in checks_of(result, "my_linear").items():
        assert check.status == "failed", check_id
        assert "`Mylinear`" in check.message and "`MyLinear`" in check.message, check.message
        assert "AttributeError" not in check.message
        assert_clean(check.message)


# -- the judge never runs learner code; the original submission is never touched -------


def test_judge_never_imports_learner_code_and_writes_land_in_the_private_copy(tmp_path):
    code = '''
import os
print("CWD=" + os.getcwd())
with open("written_at_import.txt", "w") as handle:
    handle.write("hello")
'''
    submission = make_submission(tmp_path / "s", at_import(code))
    before = {p.name: p.read_bytes() for p in submission.iterdir()}
    modules_before = set(sys.modules)
    result = grade_guarded(submission, "my_linear")
    assert_full_marks(result, "my_linear")
    assert not set(LEARNER_MODULES) & set(sys.modules)
    for name in set(sys.modules) - modules_before:
        location = str(getattr(sys.modules[name], "__file__", None) or "")
        assert not location.startswith(str(tmp_path)) and "/submission/" not in location, (name, location)
    assert {p.name: p.read_bytes() for p in submission.iterdir()} == before
    cwd = re.search(r"CWD=(.*)", exercise_result(result, "my_linear").checks[0].output).group(1)
    assert Path(cwd).resolve() != submission.resolve()
    assert not Path(cwd).exists(), "the worker's private copy should be removed after grading"


def test_deleting_files_in_the_working_directory_leaves_the_original_intact(tmp_path):
    submission = make_submission(tmp_path / "s", at_import("import os\nos.remove('my_linear.py')\nos.remove('logistic_regression.py')"))
    before = {p.name: p.read_bytes() for p in submission.iterdir()}
    result = grade_guarded(submission, "my_linear")
    assert {p.name: p.read_bytes() for p in submission.iterdir()} == before
    assert_full_marks(result, "my_linear")


def test_a_forged_empty_reply_to_the_dataset_items_gains_nothing(tmp_path):
    """The judge asks for the indices it chose; an empty or partial answer is not a pass."""
    code = (SOLUTIONS / "custom_dataset.py").read_text() + '''
import grader.worker.serve as _serve
_serve.PROBES["custom_dataset"].probe_items = lambda *args, **kwargs: []
'''
    result = grade_guarded(make_submission(tmp_path / "s", {"custom_dataset.py": code}), "custom_dataset")
    checks = {c.id: c for e in result.exercises for c in e.checks}
    for check_id in ("custom_dataset.getitem", "custom_dataset.getitem_negative", "custom_dataset.getitem_out_of_range", "custom_dataset.labels_tensor"):
        assert checks[check_id].status == "failed", (check_id, checks[check_id].message)
        assert "not answered for every index" in checks[check_id].message


def test_after_a_time_out_the_exercises_other_checks_wait_less(tmp_path):
    """A dataset that hangs must not cost 60 s per DataLoader check: later checks get 1 s."""
    code = mutate("custom_dataset", "        n = len(self.data)\n", "        n = len(self.data)\n        while idx == 3:\n            pass\n")
    began = time.monotonic()
    result = grade_guarded(make_submission(tmp_path / "s", {"custom_dataset.py": code}), "custom_dataset", timeout=2)
    took = time.monotonic() - began
    timed_out = [c for e in result.exercises for c in e.checks if c.category == "timed out"]
    assert len(timed_out) >= 3
    assert "timed out after 2 s" in timed_out[0].message and all("timed out after 1 s" in c.message for c in timed_out[2:])
    assert took < 30, took
    assert {c.id for e in result.exercises for c in e.checks if c.status == "passed"} >= {"custom_dataset.len", "custom_dataset.length_mismatch"}
