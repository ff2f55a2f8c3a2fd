"""Where units run: in this process, in local worker processes, or on a Dask cluster.

A runner executes *tasks* (lists of units grouped so that each takes about a second) and hands
back each task's outcomes; it never writes anything. Every unit's result depends only on its
parameters and seed, so the runner chosen never changes a stored value.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from trustlab.domain.errors import InvalidParameter
from trustlab.experiments.commands import Execute
from trustlab.experiments.errors import UnitInputError
from trustlab.experiments.units import Outcome, flatten_payload

__all__ = [
    "DaskRunner",
    "ProcessRunner",
    "Runner",
    "SerialRunner",
    "TaskItem",
    "make_runner",
    "run_task",
]

TaskItem = tuple[str, str, tuple[str, ...], dict[str, Any]]
"""One unit as sent to a worker: (key, kind, argv, params)."""


def run_task(execute: Execute, items: Sequence[TaskItem]) -> list[Outcome]:
    """Run the units of one task in order; each unit's outcome, or the error it raised.

    Runs in a worker. The compiled kernels get one thread here (workers are the parallelism;
    results do not depend on the thread count). A command rejecting its input gives an
    ``input`` outcome; any other exception a ``crash`` outcome; neither stops the task.
    """
    restore = _one_thread()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    out: list[Outcome] = []
    try:
        for key, kind, argv, params in items:
            t0 = time.time()
            try:
                payload = execute(kind, argv)
                metrics, series = flatten_payload(payload, params)
                out.append(Outcome(key, payload, t0, time.time(), worker, metrics, series))
            except UnitInputError as exc:
                out.append(Outcome(key, None, t0, time.time(), worker, error=str(exc),
                                   error_kind="input"))  # fmt: skip
            except Exception as exc:  # a bug or a resource failure: reported, retried once
                msg = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]
                out.append(Outcome(key, None, t0, time.time(), worker, error=msg,
                                   error_kind="crash"))  # fmt: skip
    finally:
        restore()
    return out


def _one_thread() -> Any:
    try:
        import numba

        before = numba.get_num_threads()
        numba.set_num_threads(1)
        return lambda: numba.set_num_threads(before)
    except Exception:  # pragma: no cover - numba without threading layer
        return lambda: None


class Runner(ABC):
    """Runs tasks somewhere; the experiment driver submits, waits and stores."""

    name: str = "runner"
    workers: int = 1
    restart_on_loss: bool = False  # a dead worker breaks the whole pool (restart it)

    @property
    def slots(self) -> int:
        """How many tasks to keep submitted at once (enough to keep every worker busy)."""
        return 2 * self.workers

    def __enter__(self) -> Runner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)

    @property
    def started(self) -> bool:
        """Whether workers are running (a runner started by its caller is not closed by
        :func:`~trustlab.experiments.run_experiment`, so many sweeps can share it)."""
        return False

    def start(self) -> None:  # noqa: B027 - optional hook
        """Start workers (no-op by default)."""

    @abstractmethod
    def submit(self, execute: Execute, items: Sequence[TaskItem]) -> Any:
        """Start one task; returns a handle."""

    @abstractmethod
    def wait(self, handles: Sequence[Any], timeout: float) -> list[tuple[Any, Any]]:
        """Finished tasks among ``handles``: (handle, list of Outcome, or the exception)."""

    def restart(self) -> None:  # noqa: B027 - optional hook
        """Replace workers after one died (no-op by default)."""

    def warm(self, execute: Execute, item: TaskItem) -> None:
        """Start the workers and run ``item`` in each, so their compiled kernels are loaded.

        Optional (timing sweeps without start-up, or a cluster shared by many sweeps); the
        result is discarded.
        """
        self.start()
        handles = [self.submit(execute, [item]) for _ in range(2 * self.workers)]
        while handles:
            for h, _ in self.wait(handles, timeout=1.0):
                handles.remove(h)

    def close(self, *, cancel: bool = False) -> None:  # noqa: B027 - optional hook
        """Stop the workers; with ``cancel``, drop pending tasks without waiting."""

    def describe(self) -> str:
        """A short description for summaries."""
        return self.name


class SerialRunner(Runner):
    """Every task in this process, one after another (``--workers 1``)."""

    name = "serial"

    def __init__(self) -> None:
        self.workers = 1
        self._pending: dict[int, tuple[Execute, Sequence[TaskItem]]] = {}
        self._next = 0

    @property
    def slots(self) -> int:
        return 1

    def submit(self, execute: Execute, items: Sequence[TaskItem]) -> Any:
        self._next += 1
        self._pending[self._next] = (execute, items)
        return self._next

    def wait(self, handles: Sequence[Any], timeout: float) -> list[tuple[Any, Any]]:
        if not handles:
            return []
        h = handles[0]
        execute, items = self._pending.pop(h)
        return [(h, run_task(execute, items))]

    def describe(self) -> str:
        return "1 process (this one)"


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group: the coordinator handles it and stops the workers,
    # so workers ignore it rather than dying mid-unit with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessRunner(Runner):
    """Local worker processes (``--workers N``), started with ``forkserver`` or ``spawn``.

    Parameters
    ----------
    workers : int
        Worker processes (≥ 1).
    method : str, optional
        Start method: ``forkserver`` (default where available) or ``spawn``. Never ``fork``: the
        coordinator holds a database connection and compiled-code threads.
    """

    name = "processes"
    restart_on_loss = True

    def __init__(self, workers: int, *, method: str | None = None) -> None:
        if workers < 1:
            raise InvalidParameter(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        available = multiprocessing.get_all_start_methods()
        self.method = method or ("forkserver" if "forkserver" in available else "spawn")
        self._pool: cf.ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        if self._pool is not None:  # already started (e.g. warmed up by the caller)
            return
        ctx = multiprocessing.get_context(self.method)
        self._pool = cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_worker
        )

    def submit(self, execute: Execute, items: Sequence[TaskItem]) -> Any:
        assert self._pool is not None, "start() the runner first"
        return self._pool.submit(run_task, execute, list(items))

    def wait(self, handles: Sequence[Any], timeout: float) -> list[tuple[Any, Any]]:
        done, _ = cf.wait(handles, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        out: list[tuple[Any, Any]] = []
        for f in done:
            exc = f.exception()
            out.append((f, exc if exc is not None else f.result()))
        return out

    def restart(self) -> None:
        self.close(cancel=True)
        self.start()

    def close(self, *, cancel: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if cancel:
            # Stop at once: pending tasks are dropped and busy workers terminated (their units
            # were never written, so nothing is half-stored).
            procs = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for p in procs:
                if p.is_alive():
                    p.terminate()
            for p in procs:
                p.join(timeout=5)
            # the pool's manager thread now sees its workers gone and exits; wait for it
            pool.shutdown(wait=True)
        else:
            pool.shutdown(wait=True)

    def describe(self) -> str:
        return f"{self.workers} local worker processes ({self.method})"


class DaskRunner(Runner):
    """A Dask cluster: an existing scheduler (``tcp://HOST:8786``) or a local one (``local:N``).

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` of a running scheduler, or ``local:N`` to start ``N`` workers on
        loopback (one thread each).
    processes : bool
        For ``local:N``: worker processes (default) or threads in this process.
    """

    name = "dask"

    def __init__(self, address: str, *, processes: bool = True) -> None:
        self.address = address
        self.processes = processes
        self._client: Any = None
        self._cluster: Any = None
        self.workers = 1
        if address.startswith("local:"):
            n = address.split(":", 1)[1]
            if not n.isdigit() or int(n) < 1:
                raise InvalidParameter(
                    f"--cluster local:N needs a number of workers N ≥ 1, got {n!r}"
                )
            self.workers = int(n)

    @property
    def started(self) -> bool:
        return self._client is not None

    def start(self) -> None:
        import logging

        from distributed import Client, LocalCluster

        client_cls: Any = Client
        cluster_cls: Any = LocalCluster
        if self._client is not None:  # already started
            return

        if self.address.startswith("local:"):
            self._cluster = cluster_cls(
                n_workers=self.workers, threads_per_worker=1, processes=self.processes,
                protocol="tcp://", host="127.0.0.1", dashboard_address=None,
                silence_logs=logging.ERROR,
            )  # fmt: skip
            self._client = client_cls(self._cluster)
        else:
            try:
                self._client = client_cls(self.address, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise InvalidParameter(
                    f"--cluster {self.address}: no Dask scheduler answered ({type(exc).__name__}); "
                    "start one (dask scheduler) or give local:N"
                ) from None
            info = self._client.scheduler_info()
            self.workers = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    def submit(self, execute: Execute, items: Sequence[TaskItem]) -> Any:
        return self._client.submit(run_task, execute, list(items), pure=False)

    def warm(self, execute: Execute, item: TaskItem) -> None:
        self.start()
        self._client.run(run_task, execute, [item])  # on every worker, not where it lands

    def wait(self, handles: Sequence[Any], timeout: float) -> list[tuple[Any, Any]]:
        import distributed

        wait: Any = distributed.wait
        try:
            done, _ = wait(list(handles), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        out: list[tuple[Any, Any]] = []
        for f in done:
            try:
                out.append((f, f.result()))
            except Exception as exc:  # KilledWorker, a lost connection...
                out.append((f, exc))
        return out

    def close(self, *, cancel: bool = False) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                if cancel:
                    client.cancel(list(client.futures.values()) if client.futures else [])
            finally:
                client.close()
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()

    def describe(self) -> str:
        where = "local cluster" if self.address.startswith("local:") else self.address
        return f"Dask ({where}, {self.workers} workers)"


def make_runner(workers: int = 1, cluster: str | None = None) -> Runner:
    """The runner for ``--workers N`` and ``--cluster ADDRESS|local:N``.

    Examples
    --------
    >>> make_runner(1).describe()
    '1 process (this one)'
    >>> make_runner(2).describe().startswith('2 local worker processes')
    True
    """
    if cluster:
        if not (cluster.startswith(("tcp://", "tls://")) or cluster.startswith("local:")):
            raise InvalidParameter(f"--cluster must be tcp://HOST:PORT or local:N, got {cluster!r}")
        return DaskRunner(cluster)
    if workers < 1:
        raise InvalidParameter(f"--workers must be at least 1, got {workers}")
    return SerialRunner() if workers == 1 else ProcessRunner(workers)
