"""`--executor dask://HOST:PORT`: chunks of submissions on an existing Dask distributed cluster.

The cluster is the instructor's (`dask scheduler`, `dask worker tcp://HOST:PORT --nthreads 1`
on each node; README). Each worker process keeps one judge and one warm template for its
lifetime (`dask_worker.py`), so a chunk costs its submissions' checks, not an `import
torch`. Only (index, id, path) travel with a task: the submission files are read where the
worker runs, from a shared file system at the same path. Results come back as plain dicts,
chunk by chunk, as they finish (`as_completed`), and are stored by the coordinator.

Faults: the scheduler reruns the chunks of a worker that dies on another worker (Dask's own
`allowed-failures`, 3 by default); a chunk that still fails (`KilledWorker`) comes back as
`Lost`, and `retry.BatchRun` grades its submissions again. Tasks are keyed per run and
chunk, and each index is yielded once, so a rerun never counts twice.
"""
from __future__ import annotations

import math
import uuid
from typing import Any, Iterator

from grader.exercises import Exercise
from grader.executors import Lost, Outcome
from grader.executors.place import Place, pack_root
from grader.results import SubmissionResult, submission_from_dict
from grader.session import WorkerLimits
from grader.submission import Submission

CONNECT_TIMEOUT_S = 30
MAX_CHUNK = 25  # submissions per task: fewer tasks for the scheduler, yet a lost worker costs little


class DaskUnavailable(RuntimeError):
    """distributed is not installed, or the scheduler cannot be reached: a usage problem, said plainly."""


def chunk_size(pending: int, workers: int) -> int:
    """About four chunks per worker (so that a slow chunk does not hold the end of the run), at most MAX_CHUNK."""
    return max(1, min(MAX_CHUNK, math.ceil(pending / max(1, workers) / 4)))


class DaskExecutor:
    def __init__(self, address: str, exercises: list[Exercise], limits: WorkerLimits, isolation: str, chunk: int | None = None):
        try:
            from distributed import Client
        except ImportError:
            raise DaskUnavailable("--executor dask:// needs Dask distributed: pip install 'torch-exercise-grader[dask]'") from None
        from grader.executors import dask_worker

        self.exercises, self.limits, self.isolation, self.chunk = exercises, limits, isolation, chunk
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.run_key = uuid.uuid4().hex[:12]
        self.pack = pack_root()  # the workers grade with this run's exercise pack (on the shared file system)
        self.futures: dict[Any, list[int]] = {}
        self.taken: set[int] = set()
        self.seen_places: dict[str, Place] = {}
        self.place_by_index: dict[int, Place] = {}
        self._rounds = 0
        self._same_grader()
        self.client.run(dask_worker.start_template, isolation, self.pack)  # templates import torch while chunks are sent

    def _same_grader(self) -> None:
        """Refuse a cluster whose workers run other grader code or suites: their scores would not be this grader's."""
        from grader.batch import grader_fingerprint
        from grader.executors import dask_worker

        ours = grader_fingerprint()
        theirs = self.client.run(dask_worker.grader_hash, self.pack, self.isolation)
        if not theirs:
            self.close()
            raise DaskUnavailable("the Dask scheduler has no workers: start some (dask worker tcp://HOST:PORT --nthreads 1)")
        other = sorted(address for address, digest in theirs.items() if digest != ours)
        if other:
            self.close()
            raise DaskUnavailable(f"{len(other)} Dask worker(s) run other grader code or suites than this grade ({', '.join(other[:3])}): "
                                  "install the same grader, at the same version, on every worker")

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def places(self) -> list[Place]:
        """Every worker's place (for --resume), or those that graded this run's chunks."""
        from grader.executors import dask_worker

        if self.seen_places:
            return list(self.seen_places.values())
        try:
            described = self.client.run(dask_worker.describe, self.isolation).values()
        except Exception:  # the client is closed (after Ctrl-C) or no worker answers: nothing to add
            return []
        found = {Place.from_dict(d).environment(self.limits): Place.from_dict(d) for d in described}
        return list(found.values())

    def place_of(self, index: int) -> Place | None:
        return self.place_by_index.get(index)

    def grade(self, jobs: list[tuple[int, Submission]]) -> Iterator[tuple[int, Outcome]]:
        from distributed import as_completed

        from grader.executors import dask_worker

        self._rounds += 1
        size = self.chunk or chunk_size(len(jobs), self.workers())
        self.futures = {}
        for start in range(0, len(jobs), size):
            items = [(index, s.id, str(s.path)) for index, s in jobs[start:start + size]]
            key = f"grade-{self.run_key}-{self._rounds}-{start // size}"
            future = self.client.submit(dask_worker.grade_chunk, items, list(self.exercises), self.limits, self.isolation, self.pack,
                                        key=key, pure=False)
            self.futures[future] = [index for index, _, _ in items]
        for future in as_completed(list(self.futures)):
            yield from self._outcomes(future)

    def _outcomes(self, future) -> Iterator[tuple[int, Outcome]]:
        indices = self.futures[future]
        try:
            payload = future.result()
        except Exception as exc:  # KilledWorker, a worker that could not start a judge: the grader's fault, retried
            for index in indices:
                if index not in self.taken:
                    self.taken.add(index)
                    yield index, Lost(f"the Dask task grading it failed: {type(exc).__name__}: {exc}")
            return
        place = Place.from_dict(payload["place"])
        self.seen_places[place.environment(self.limits)] = place
        for index, data in payload["results"]:
            if index not in self.taken:
                self.taken.add(index)
                self.place_by_index[index] = place
                yield index, submission_from_dict(data)

    def stop(self) -> list[tuple[int, SubmissionResult]]:
        """Ctrl-C: cancel what has not finished (a running chunk ends on its worker); the finished results not taken yet."""
        finished = []
        for future, indices in list(self.futures.items()):
            if future.done() and future.status == "finished" and any(i not in self.taken for i in indices):
                finished += [(i, r) for i, r in self._outcomes(future) if isinstance(r, SubmissionResult)]
        self.client.cancel([f for f in self.futures if not f.done()])
        self.close()
        return finished

    def signal_judges(self) -> None:
        pass  # the judges are the cluster's processes: a cancelled chunk ends where it runs

    def close(self) -> None:
        try:
            self.client.close(timeout=5)
        except Exception:
            pass
