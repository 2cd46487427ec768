"""The red-team judge: grades every attack case next to a victim and records what happened.

Started by tests/test_redteam.py once per isolation mode, as its own process, the way an
instructor runs `grade --json results.json submissions/` from their course directory:

    <venv>/bin/python tests/redteam/_judge.py --json <course>/results.json <course>/submissions

with a planted secret in its environment (GRADER_SECRET_TOKEN), HOME set to a fake
instructor home, and the grader imported from a *copy* (PYTHONPATH) so that an attack that
gets through at a weak tier damages only copies. Nothing here asserts: for each case it
records scores, changed files, leftover processes, secrets found in the attacker's results
and network contacts, and tests/test_redteam.py judges them. The configuration comes from
the JSON file named by REDTEAM_CONFIG and the results go to REDTEAM_OUT.

For each case: stage the attacker's submission and a fresh victim (a copy of the solutions),
snapshot every file outside the job directory that the run could touch, grade the attacker,
look for processes left behind, grade the victim, snapshot again, restore what was damaged.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
CASE_DEADLINE_S = 120


class CaseHung(BaseException):
    pass


# -- listeners the attacks try to reach ------------------------------------------------------


class Listener:
    """Counts TCP connections, UDP datagrams and Unix-socket connections (pathname and abstract)."""

    def __init__(self, agent_socket: Path, abstract_name: str):
        self.counts = {"tcp": 0, "udp": 0, "unix": 0, "abstract": 0}
        self.lock = threading.Lock()
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.agent_socket = agent_socket
        self.unix: socket.socket | None = None
        self.ensure_agent_socket()
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind("\0" + abstract_name)
        self.abstract.listen(64)
        for name, sock in (("tcp", self.tcp), ("abstract", self.abstract)):
            threading.Thread(target=self._accept, args=(name, sock), daemon=True).start()
        threading.Thread(target=self._receive, daemon=True).start()

    def ensure_agent_socket(self) -> None:
        """(Re)create the pathname socket, which an attack at a weak tier may have deleted."""
        if self.unix is not None and self.agent_socket.is_socket():
            return
        if self.unix is not None:
            self.unix.close()
        self.agent_socket.parent.mkdir(parents=True, exist_ok=True)
        self.agent_socket.unlink(missing_ok=True)
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(str(self.agent_socket))
        self.unix.listen(64)
        threading.Thread(target=self._accept, args=("unix", self.unix), daemon=True).start()

    @property
    def tcp_port(self) -> int:
        return self.tcp.getsockname()[1]

    @property
    def udp_port(self) -> int:
        return self.udp.getsockname()[1]

    def _bump(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def _accept(self, name: str, sock: socket.socket) -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            self._bump(name)
            conn.close()

    def _receive(self) -> None:
        while True:
            try:
                self.udp.recvfrom(65536)
            except OSError:
                return
            self._bump("udp")

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.counts)


# -- files outside the job directory ---------------------------------------------------------


def tree_state(root: Path) -> dict[str, str]:
    """Every entry under `root`, not following links: its kind and content hash."""
    state: dict[str, str] = {}
    if not root.exists():
        return state
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(folder) / name
            relative = str(path.relative_to(root))
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                state[relative] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    state[relative] = f"file:{oct(info.st_mode & 0o7777)}:" + hashlib.sha256(handle.read()).hexdigest()
            elif stat.S_ISDIR(info.st_mode):
                state[relative] = "dir"
            else:
                state[relative] = f"special:{stat.S_IFMT(info.st_mode)}"
    return state


def diff(before: dict[str, str], after: dict[str, str], label: str) -> list[str]:
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            what = "added" if key not in before else "removed" if key not in after else "changed"
            changes.append(f"{label}/{key}: {what}")
    return changes


def token_files(token: str) -> list[str]:
    """Files named after the case's token in the world-writable places a learner could plant in."""
    found = []
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        try:
            found += [f"{folder}/{name}" for name in os.listdir(folder) if token in name]
        except OSError:
            pass
    return found


def remove_token_files(paths: list[str]) -> None:
    for path in paths:
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


# -- processes ---------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, str, str, str]]:
    """pid -> (ppid, state, comm, cmdline) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), fields[0], comm, cmdline)
    return table


def leftovers(token: str, exclude: set[int]) -> list[dict]:
    """Live processes of this case: our descendants (we are a subreaper) other than the template, or
    anything whose name or command line carries the case's token."""
    table = process_table()
    me = os.getpid()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    ours, todo = set(), [me]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in ours:
                ours.add(child)
                todo.append(child)
    found = []
    for pid, (ppid, state, comm, cmdline) in table.items():
        if pid == me or state in ("Z", "X"):
            continue
        tagged = token in comm or token in cmdline
        if pid in exclude and not tagged:
            continue
        if pid in ours or tagged:
            found.append({"pid": pid, "ppid": ppid, "comm": comm, "cmdline": cmdline[:200]})
    return found


def descendants_of(root: int) -> set[int]:
    table = process_table()
    result, todo = set(), [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, *_rest) in table.items():
            if ppid == parent and pid not in result:
                result.add(pid)
                todo.append(pid)
    return result


def reap_zombies(keep: set[int]) -> None:
    """Collect exit statuses of orphans reparented to us (not the template's: Popen owns that)."""
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if info is None or info.si_pid in keep:
            return
        try:
            os.waitpid(info.si_pid, 0)
        except ChildProcessError:
            return


def kill_all(found: list[dict]) -> None:
    for entry in found:
        try:
            os.kill(entry["pid"], signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# -- SysV IPC, cgroups and a neighbouring process -----------------------------------------------

IPC_CREAT, IPC_RMID = 0o1000, 0
SYSV_KINDS = ("shm", "sem", "msg")


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmdt.argtypes = [ctypes.c_void_p]
    return libc


def sysv_key(token: str) -> int:
    """The SysV key a case uses (__SYSV_KEY__): the harness looks for objects with this key only, since
    other runs on the machine (another tier beside this one) make and remove their own."""
    import zlib

    return zlib.crc32(token.encode()) & 0x7FFFFFFF


def sysv_objects() -> set[str]:
    """Every SysV segment, semaphore set and message queue of the host's IPC namespace, as 'kind:id:key'."""
    found = set()
    for kind in SYSV_KINDS:
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 2:
                found.add(f"{kind}:{fields[1]}:{fields[0]}")
    return found


def remove_sysv(objects: set[str]) -> None:
    libc = _libc()
    for entry in objects:
        kind, ident, _key = entry.split(":")
        if kind == "shm":
            libc.shmctl(int(ident), IPC_RMID, None)
        elif kind == "sem":
            libc.semctl(int(ident), 0, IPC_RMID)
        else:
            libc.msgctl(int(ident), IPC_RMID, None)


class HostSegment:
    """A 0600 SysV segment of the instructor's, holding a secret: a worker must neither read nor change it."""

    SIZE = 4096

    def __init__(self, secret: str):
        self.libc = _libc()
        self.secret = secret.encode()
        self.id = self.libc.shmget(0, self.SIZE, IPC_CREAT | 0o600)  # IPC_PRIVATE
        if self.id < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        self.address = self.libc.shmat(self.id, None, 0)
        self.restore()

    def restore(self) -> None:
        ctypes.memmove(self.address, self.secret.ljust(self.SIZE, b"\0"), self.SIZE)

    def intact(self) -> bool:
        return ctypes.string_at(self.address, self.SIZE) == self.secret.ljust(self.SIZE, b"\0")

    def remove(self) -> None:
        self.libc.shmdt(ctypes.c_void_p(self.address))
        self.libc.shmctl(self.id, IPC_RMID, None)


def grade_cgroups(root: Path = Path("/sys/fs/cgroup"), depth: int = 5) -> set[str]:
    """Cgroup directories the grader made (named grade-*), in every hierarchy."""
    found: set[str] = set()
    todo = [(root, 0)]
    while todo:
        folder, level = todo.pop()
        try:
            entries = [e for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("grade-"):
                found.add(entry.path)
            elif level < depth:
                todo.append((Path(entry.path), level + 1))
    return found


def remove_cgroups(paths: set[str]) -> None:
    for path in sorted(paths, key=len, reverse=True):
        try:
            for pid in Path(path, "cgroup.procs").read_text().split():
                os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.1)
            os.rmdir(path)
        except OSError:
            pass


def start_sibling() -> subprocess.Popen:
    """A process of the same user outside the attacker's tree, as another learner's worker would be."""
    return subprocess.Popen(["sleep", "3600"], start_new_session=True, stdin=subprocess.DEVNULL)


def process_changes(label: str, pid: int, before) -> list[str]:
    """How a process's state and settings changed since `before` (grader.settings.Settings)."""
    from grader import settings

    try:
        after = settings.read(pid)
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    except OSError:
        return [f"{label}: killed"]
    changes = []
    state = status.get("State", "").split()
    if state and state[0] in ("Z", "X"):
        return [f"{label}: killed"]
    if state and state[0] in ("T", "t"):
        changes.append(f"{label}: stopped")
    if status.get("TracerPid", "0").strip() != "0":
        changes.append(f"{label}: traced")
    return changes + [f"{label}: {change}" for change in settings.changes(before, after)]


# -- staging -------------------------------------------------------------------------------------


def substitute(data: bytes, values: dict[str, str]) -> bytes:
    for key, value in values.items():
        data = data.replace(key.encode(), value.encode())
    return data


def stage_case(case_dir: Path, target: Path, spec: dict, values: dict[str, str], solutions: Path) -> None:
    """The attacker's submission: the solutions (unless base is none), then the case's files."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if spec.get("base", "solutions") == "solutions":
        for path in solutions.glob("*.py"):
            shutil.copyfile(path, target / path.name)
    renames = spec.get("rename", {})
    for path in sorted(case_dir.iterdir()):
        if path.name in ("expected.json", "generate.py", "__pycache__") or path.is_dir():
            continue
        (target / renames.get(path.name, path.name)).write_bytes(substitute(path.read_bytes(), values))
    for name in spec.get("remove", []):
        (target / name).unlink(missing_ok=True)
    if (case_dir / "generate.py").exists():  # trees git cannot hold: pipes, hard links, odd names, deep paths
        import inspect

        namespace: dict = {}
        exec(compile((case_dir / "generate.py").read_text(), str(case_dir / "generate.py"), "exec"), namespace)
        generate = namespace["generate"]
        generate(target, values) if len(inspect.signature(generate).parameters) > 1 else generate(target)
    for name, link_target in spec.get("symlinks", {}).items():
        (target / name).unlink(missing_ok=True)
        os.symlink(substitute(link_target.encode(), values).decode(), target / name)


def stage_victim(target: Path, solutions: Path, canary: str) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in solutions.glob("*.py"):
        shutil.copyfile(path, target / path.name)
    with open(target / "my_linear.py", "a") as handle:
        handle.write(f"\n# my own notes, please do not copy: {canary}\n")


def restore_tree(pristine: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(pristine, target, symlinks=True)


# -- grading ---------------------------------------------------------------------------------------


def summarize(result) -> dict:
    from grader.results import submission_to_dict

    data = submission_to_dict(result)
    return {
        "scores": {e["name"]: [e["score"], e["max_score"]] for e in data["exercises"]},
        "full_marks": result.full_marks,
        "text": json.dumps(data),
        "messages": {c["id"]: c["message"] for e in data["exercises"] for c in e["checks"] if c["status"] in ("failed", "error")},
        "errors": {e["name"]: e["error"] for e in data["exercises"] if e["error"]},
        "output_sizes": [len(c["output"]) for e in data["exercises"] for c in e["checks"]],
        "output": "".join(c["output"] for e in data["exercises"] for c in e["checks"])[:100_000],
    }


def render_reports(result, folder: Path) -> dict:
    """Every report of the attacker's result, written and read back: what failed, what a reader would obey."""
    import csv

    from grader.report import github, gradebook_csv, gradescope, html, json_report, junit, terminal
    from grader.report.text import INVISIBLE
    from grader.results import RunResult

    folder.mkdir(parents=True, exist_ok=True)
    run = RunResult(submissions=[result], grader_version="redteam", torch_version="-", devices=["cpu"], started_at="2026-01-01T00:00:00+00:00")
    writers = {
        "terminal.txt": lambda p: p.write_text(terminal.render_submission(result, True) + terminal.render_table([result]), encoding="utf-8"),
        "results.json": lambda p: json_report.write_json(run, p),
        "grades.csv": lambda p: gradebook_csv.write_gradebook(run, p),
        "junit.xml": lambda p: junit.write_junit(run, p),
        "gradescope.json": lambda p: gradescope.write_gradescope(run, p),
        "summary.md": lambda p: p.write_text(github.render_summary(run) + "\n".join(github.annotations(run, folder)), encoding="utf-8"),
        "payload.json": lambda p: p.write_text(json.dumps(github.classroom_payload(run), ensure_ascii=False), encoding="utf-8"),
        "html": lambda p: html.write_html(run, p),
        "pages": lambda p: github.write_pages(run, p),
    }
    report: dict = {"failed": {}, "invisible": [], "formulas": []}
    for name, write in writers.items():
        try:
            write(folder / name)
        except Exception as exc:  # recorded: the test fails
            report["failed"][name] = f"{type(exc).__name__}: {exc}"
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "results.json"):  # --json is data, not shown
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        if INVISIBLE.search(text) or any("\udc80" <= c <= "\udcff" for c in text):
            report["invisible"].append(str(path.relative_to(folder)))
    if (folder / "grades.csv").exists():
        with open(folder / "grades.csv", encoding="utf-8", newline="") as handle:
            report["formulas"] = [cell for row in csv.reader(handle) for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    return report


def main() -> None:
    config = json.loads(Path(os.environ["REDTEAM_CONFIG"]).read_text())
    out_path = Path(os.environ["REDTEAM_OUT"])
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)

    from grader import runner
    from grader.catalog import collect_checks
    from grader.exercises import EXERCISES
    from grader.launcher import Launcher
    from grader.runner import grade_submission
    from grader.session import WorkerLimits, WorkerSession
    from grader.submission import Submission

    runner.LOAD_TIMEOUT_S = config["load_timeout_s"]  # 10 s in production; an import that loops costs this much
    root = Path(config["root"])
    course, home, install, venv = (root / n for n in ("course", "home", "install", "venv"))
    batch = course / "submissions"
    pristine = root / "pristine"
    secrets = config["secrets"]
    listener = Listener(Path(config["agent_socket"]), config["abstract_socket"])
    host_segment = HostSegment(secrets["shm"])
    limits = WorkerLimits(**config["limits"])
    victim_limits = WorkerLimits(**{**config["limits"], **config["victim_limits"]})
    checks = collect_checks(list(EXERCISES))

    def snapshot() -> dict:
        # The attacks aim at these copies (found through the judge, grader.__file__, site.getsitepackages()),
        # never at the real checkout or venv, which other work may be changing meanwhile.
        return {name: tree_state(path) for name, path in (("course", course), ("home", home), ("install", install), ("venv", venv))}

    if config.get("without"):
        _pretend_missing(config["without"])
    launcher = Launcher(config["mode"])
    launcher.start()
    report = launcher.isolation_report()
    results: dict = {"mode": config["mode"], "isolation": report, "gpu": Path("/dev/nvidiactl").exists(), "cases": {}, "started": time.time()}

    def save() -> None:
        out_path.write_text(json.dumps(results, indent=1))

    def on_alarm(signum, frame):
        raise CaseHung()

    def restart(launcher: Launcher) -> Launcher:
        """A fresh template, after an attack killed this one (or grading hung): what an instructor would do."""
        try:
            launcher.close()
        except BaseException:
            pass
        for pid in descendants_of(os.getpid()):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reap_zombies(set())
        fresh = Launcher(config["mode"])
        fresh.start()
        return fresh

    signal.signal(signal.SIGALRM, on_alarm)
    save()
    for case in config["cases"]:
        name, token = case["name"], case["token"]
        spec = json.loads(Path(case["dir"], "expected.json").read_text())
        values = {
            "__REDTEAM_TOKEN__": token, "__TCP_PORT__": str(listener.tcp_port), "__UDP_PORT__": str(listener.udp_port),
            "__AGENT_SOCKET__": config["agent_socket"], "__ABSTRACT_SOCKET__": config["abstract_socket"],
            "__INSTRUCTOR_HOME__": str(home), "__COURSE_DIR__": str(course), "__BATCH_DIR__": str(batch),
            "__INSTALL_DIR__": str(install), "__HOST_SHM_ID__": str(host_segment.id), "__SYSV_KEY__": str(sysv_key(token)),
        }
        attacker_dir = batch / spec.get("submission_name", name)  # a folder name git cannot hold (bytes, bidi, newlines)
        sibling = start_sibling()
        values["__SIBLING_PID__"] = str(sibling.pid)
        stage_case(Path(case["dir"]), attacker_dir, spec, values, pristine / "install" / "solutions")
        stage_victim(batch / "victim", pristine / "install" / "solutions", secrets["victim"])
        listener.ensure_agent_socket()
        record: dict = {"token": token, "completed": False}
        results["cases"][name] = record
        before = snapshot()
        counts_before = listener.snapshot()
        template_pid = launcher._process.pid if launcher._process else -1
        neighbours = before_neighbours(launcher, sibling)
        began = time.monotonic()
        attacker_limits = WorkerLimits(**{**config["limits"], **spec.get("limits", {})})
        signal.alarm(CASE_DEADLINE_S)
        try:
            from grader.submission import submission_id

            submission = Submission(submission_id(attacker_dir) if "submission_name" in spec else name, attacker_dir)
            attacker = grade_submission(submission, None, attacker_limits, session=WorkerSession(attacker_dir, attacker_limits, launcher=launcher), checks=checks)
            signal.alarm(0)
            record["completed"] = True
        except CaseHung:
            record["hung"] = f"grading the attacker did not finish within {CASE_DEADLINE_S} s"
            attacker = None
        except BaseException as exc:  # the grader itself failed: recorded, the test fails
            signal.alarm(0)
            record["crashed"] = f"{type(exc).__name__}: {exc}"
            attacker = None
        record["attacker_s"] = round(time.monotonic() - began, 2)
        if attacker is not None:
            record["attacker"] = summarize(attacker)
            record["attacker"]["id"] = attacker.id
            record["attacker"]["notes"] = list(attacker.notes)
            if spec.get("reports"):
                record["reports"] = render_reports(attacker, root / "reports" / token)
        # Processes left behind: give the template's sweep a moment, then look.
        deadline = time.monotonic() + 2.0
        while True:
            current = launcher._process.pid if launcher._process else -1
            reap_zombies({template_pid, current, sibling.pid})
            found = leftovers(token, {template_pid, current, sibling.pid})
            if not found or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        record["leftovers"] = found
        kill_all(found)
        template_alive = launcher._process is not None and launcher._process.poll() is None and not launcher._broken
        record["template_alive"] = template_alive
        if "hung" in record:
            launcher = restart(launcher)
        # The victim, graded after the attacker by the same template (when it survived).
        victim_began = time.monotonic()
        signal.alarm(CASE_DEADLINE_S)
        try:
            victim_submission = Submission("victim", batch / "victim")
            victim = grade_submission(victim_submission, None, victim_limits, session=WorkerSession(batch / "victim", victim_limits, launcher=launcher), checks=checks)
            signal.alarm(0)
            record["victim"] = summarize(victim)
            del record["victim"]["text"], record["victim"]["output"]
        except BaseException as exc:
            signal.alarm(0)
            record["victim_failed"] = f"{type(exc).__name__}: {exc}"
        record["victim_s"] = round(time.monotonic() - victim_began, 2)
        time.sleep(0.05)
        after = snapshot()
        changes = []
        for key in before:
            changes += diff(before[key], after[key], key)
        planted = token_files(token)
        record["changed"] = changes + [f"{p}: added" for p in planted] + after_neighbours(neighbours, launcher, sibling, host_segment, record)
        remove_token_files(planted)
        counts_after = listener.snapshot()
        record["network"] = {k: counts_after[k] - counts_before[k] for k in counts_after}
        text = record.get("attacker", {}).get("text", "")
        record["secrets_found"] = sorted(k for k, v in secrets.items() if v in text)
        record["attacker_text_chars"] = len(text)
        if attacker is not None:
            del record["attacker"]["text"]
            record["attacker_output"] = record["attacker"].pop("output")
        # Restore everything a successful attack damaged, so that the next case starts clean.
        for tree, path in (("course", course), ("home", home), ("install", install), ("venv", venv)):
            if before[tree] == after[tree]:
                continue
            if tree == "home":
                _restore_home(pristine / "home", home)  # the agent socket stays, a listener holds it
            else:
                restore_tree(pristine / tree, path)
        if not template_alive:
            launcher = restart(launcher)
        shutil.rmtree(attacker_dir, ignore_errors=True)
        record["seconds"] = round(time.monotonic() - began, 2)
        save()
    results["seconds"] = round(time.time() - results["started"], 1)
    save()
    launcher.close()
    host_segment.remove()


def before_neighbours(launcher, sibling: subprocess.Popen) -> dict:
    """What an attack on processes, IPC and cgroups would change, before the case."""
    from grader import settings

    template = launcher._process.pid if launcher._process else None
    return {
        "sysv": sysv_objects(), "cgroups": grade_cgroups(), "sibling": settings.read(sibling.pid), "judge": settings.read(os.getpid()),
        "template": settings.read(template) if template else None, "template_pid": template, "tampering": len(launcher.tampering),
        "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def after_neighbours(before: dict, launcher, sibling: subprocess.Popen, segment: HostSegment, record: dict) -> list[str]:
    """What changed among them ('changed' entries), with everything put back; the launcher's own findings go to record['tampering']."""
    from grader import settings

    changes = process_changes("sibling process", sibling.pid, before["sibling"])
    sibling.kill()
    sibling.wait()
    changes += [f"judge: {c}" for c in settings.changes(before["judge"], settings.read(os.getpid()))]
    settings.restore_own(before["judge"])
    template = launcher._process.pid if launcher._process and launcher._process.poll() is None else None
    if template and before["template"] is not None:
        changes += [f"template: {c}" for c in settings.changes(before["template"], settings.read(template))]
    key = str(sysv_key(record["token"]))
    added = {entry for entry in sysv_objects() - before["sysv"] if entry.rsplit(":", 1)[1] == key}
    changes += [f"sysv {entry}: added" for entry in sorted(added)]
    remove_sysv(added)
    if not segment.intact():
        changes.append("the instructor's SysV segment: changed")
        segment.restore()
    ours = {f"grade-{pid}-" for pid in (before["template_pid"], template) if pid} | {f"grade-probe-{pid}" for pid in (before["template_pid"], template) if pid}
    left = {path for path in grade_cgroups() - before["cgroups"] if any(Path(path).name.startswith(prefix) for prefix in ours)}
    changes += [f"{path}: left behind" for path in sorted(left)]
    remove_cgroups(left)
    record["tampering"] = launcher.tampering[before["tampering"]:]
    record["judge_rss_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before["rss_kb"]) / 1024, 1)
    return changes


def _pretend_missing(features: list[str]) -> None:
    """Start the template with `--without FEATURES`: a weaker tier, on a machine that has everything."""
    real = subprocess.Popen

    class Popen(real):  # type: ignore[misc, valid-type]
        def __init__(self, args, *more, **options):
            if "grader.worker.template" in args:
                args = [*args, "--without", ",".join(features)]
            super().__init__(args, *more, **options)

    subprocess.Popen = Popen  # the launcher's only use of subprocess


def _restore_home(pristine: Path, home: Path) -> None:
    """Like restore_tree, but the agent socket (which a listener holds) stays where it is."""
    for entry in list(home.iterdir()):
        if entry.name == ".ssh":
            for inner in entry.iterdir():
                if not inner.is_socket():
                    inner.unlink() if not inner.is_dir() or inner.is_symlink() else shutil.rmtree(inner)
            continue
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for entry in pristine.iterdir():
        target = home / entry.name
        if entry.name == ".ssh":
            target.mkdir(exist_ok=True)
            for inner in entry.iterdir():
                shutil.copy2(inner, target / inner.name)
            continue
        shutil.copytree(entry, target, symlinks=True) if entry.is_dir() else shutil.copy2(entry, target)


if __name__ == "__main__":
    if "--json" not in sys.argv:
        sys.exit("usage: _judge.py --json RESULTS SUBMISSIONS (configured by REDTEAM_CONFIG)")
    main()
