"""Run a spec: expand it into units, skip those already stored, run the rest, store each.

The coordinating process is the only writer: workers compute and return; each finished task's
units are committed in one transaction as soon as the task returns, so a sweep killed at any
moment loses at most the tasks in flight, and a rerun computes only what is missing.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustlab.experiments.commands import Backend
from trustlab.experiments.errors import Interrupted, UnitFailed, UnitInputError
from trustlab.experiments.runner import Runner, TaskItem
from trustlab.experiments.spec import Spec
from trustlab.experiments.units import Outcome, Unit, expand
from trustlab.store import Store, UnitRow

__all__ = ["ExperimentRun", "run_experiment", "spec_units", "trustlab_version"]

# A unit that crashed (its worker died, or it raised) is rerun alone, with nothing else in
# flight, so that the blame is certain; it is reported as failed once it crashed alone twice.
# A queue entry's state: 0 = normal, k ≥ 1 = isolated, after k - 1 crashes alone.
MAX_ALONE = 2


@dataclass
class ExperimentRun:
    """What a run of a spec did."""

    spec: Spec
    spec_hash: str
    total: int
    reused: int
    computed: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    runner: str = ""
    store: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "spec": self.spec.name, "spec_hash": self.spec_hash, "kind": self.spec.kind,
            "source": self.spec.source, "points": len(self.spec.points_resolved),
            "replicates": self.spec.replicates, "units": self.total, "reused": self.reused,
            "computed": self.computed, "failed": self.failed, "seconds": round(self.seconds, 3),
            "runner": self.runner, "store": self.store,
        }  # fmt: skip


def trustlab_version() -> str:
    """The version recorded with every unit (part of its identity in the store)."""
    from trustlab.domain.provenance import version

    return version()


def spec_units(spec: Spec, backend: Backend, version: str | None = None) -> list[Unit]:
    """Every unit of ``spec`` (see :func:`~trustlab.experiments.units.expand`)."""
    command = backend.command(spec.kind)
    assert command is not None, f"no command for kind {spec.kind!r}"
    return expand(spec, version or trustlab_version(), command.argv)


def run_experiment(
    spec: Spec,
    store: Store,
    runner: Runner,
    backend: Backend,
    *,
    progress: Callable[[int, int], None] | None = None,
    task_seconds: float = 1.0,
) -> ExperimentRun:
    """Run every unit of ``spec`` not yet in ``store`` on ``runner``; store each as it finishes.

    Parameters
    ----------
    spec : Spec
        A validated spec.
    store : Store
        Where units are looked up and written (this process is the only writer).
    runner : Runner
        Where units run: started here if needed, and then closed here; a runner the caller
        started stays up for the next sweep (the caller closes it).
    backend : Backend
        The commands and the function that executes one unit.
    progress : callable, optional
        ``progress(done, total)`` after each finished task (done counts stored units).
    task_seconds : float
        Target duration of one task: units are grouped so that per-task overhead is small.

    Returns
    -------
    ExperimentRun
        Counts of units reused, computed and failed.

    Raises
    ------
    UnitInputError
        A command rejected a point's parameters (the point is named); the sweep stops.
    UnitFailed
        Some units crashed twice (their workers died); every other unit is stored.
    Interrupted
        Ctrl-C: the workers are stopped, every finished unit is kept.
    """
    t_start = time.perf_counter()
    version = trustlab_version()
    units = spec_units(spec, backend, version)
    spec_hash = spec.hash
    store.register_spec(
        spec_hash, name=spec.name, kind=spec.kind, seed=spec.seed, replicates=spec.replicates,
        spec=spec.to_dict(), source=spec.source,
        links=[(u.point, u.replicate, u.key) for u in units],
    )  # fmt: skip
    stored = store.stored_keys(u.key for u in units)
    todo: dict[str, Unit] = {}
    for u in units:
        if u.key not in stored and u.key not in todo:
            todo[u.key] = u
    distinct = len({u.key for u in units})
    result = ExperimentRun(
        spec, spec_hash, total=len(units), reused=len(stored), computed=0,
        runner=runner.describe(), store=str(store.path),
    )  # fmt: skip
    done = len(stored)
    if progress:
        progress(done, distinct)
    if not todo:
        result.seconds = time.perf_counter() - t_start
        return result

    queue: deque[tuple[Unit, int]] = deque((u, 0) for u in todo.values())
    in_flight: dict[Any, list[tuple[Unit, int]]] = {}
    unit_time: list[float] = []
    failed: list[dict[str, Any]] = []
    execute = backend.execute

    def chunk_size() -> int:
        if not unit_time:
            return 1
        per_unit = max(sum(unit_time) / len(unit_time), 1e-6)
        size = max(1, math.floor(task_seconds / per_unit))
        # small tasks towards the end, so that no worker idles while another finishes a big one
        share = math.ceil(len(queue) / (2 * max(1, runner.workers)))
        return max(1, min(size, share, 10_000))

    def item(u: Unit) -> TaskItem:
        return (u.key, u.kind, u.argv, u.params)

    def handle(outcomes: list[Outcome], task: list[tuple[Unit, int]]) -> None:
        nonlocal done
        by_key = {u.key: (u, attempt) for u, attempt in task}
        rows: list[UnitRow] = []
        for o in outcomes:
            u, attempt = by_key.pop(o.key)
            if o.error_kind == "input":
                raise UnitInputError(f"{spec.source}: {_describe_point(spec, u)}: {o.error}")
            if o.error_kind == "crash" or o.payload is None:
                _retry_or_fail(u, attempt, o.error)
                continue
            unit_time.append(o.finished - o.started)
            rows.append(UnitRow(
                key=u.key, kind=u.kind, spec_hash=spec_hash, point=u.point,
                replicate=u.replicate, params=u.params, seed=u.seed, version=version,
                started=o.started, finished=o.finished, worker=o.worker, metrics=o.metrics,
                series=o.series, result=o.payload,
            ))  # fmt: skip
        for u, attempt in by_key.values():  # not returned: the task died with them
            _retry_or_fail(u, attempt, "no result")
        done += store.write_units(rows)
        result.computed += len(rows)
        if progress:
            progress(done, distinct)

    def _retry_or_fail(u: Unit, attempt: int, why: str) -> None:
        if attempt < MAX_ALONE:
            queue.appendleft((u, attempt + 1))
        else:
            failed.append({"point": u.point, "replicate": u.replicate, "params": u.params,
                           "error": why})  # fmt: skip

    owned = not runner.started  # a runner its caller started is the caller's to close
    runner.start()
    try:
        while queue or in_flight:
            while queue and len(in_flight) < runner.slots:
                if queue[0][1] > 0:
                    # A retry runs alone, with nothing else in flight: if its worker dies again
                    # the blame is certain, and no other unit is taken down with it.
                    if in_flight:
                        break
                    task = [queue.popleft()]
                    in_flight[runner.submit(execute, [item(task[0][0])])] = task
                    break
                n = chunk_size()
                task = [queue.popleft() for _ in range(min(n, len(queue)))]
                in_flight[runner.submit(execute, [item(u) for u, _ in task])] = task
            broken = False
            for h, outcome in runner.wait(list(in_flight), timeout=0.5):
                task = in_flight.pop(h)
                if isinstance(outcome, BaseException):
                    broken = True
                    for u, attempt in task:
                        _retry_or_fail(u, attempt, f"worker lost ({type(outcome).__name__})")
                else:
                    handle(outcome, task)
            if broken and runner.restart_on_loss:
                # A dead worker breaks a process pool: every task in it is lost. Requeue them
                # (each unit keeps its attempt count) and start fresh workers.
                for task in in_flight.values():
                    queue.extendleft(reversed(task))
                in_flight.clear()
                runner.restart()
    except KeyboardInterrupt:
        runner.close(cancel=True)
        raise Interrupted(len(store.stored_keys(u.key for u in units)), distinct) from None
    except BaseException:
        runner.close(cancel=True)
        raise
    if owned:
        runner.close()
    result.failed = failed
    result.seconds = time.perf_counter() - t_start
    if failed:
        first = failed[0]
        raise UnitFailed(
            f"{spec.source}: {len(failed)} unit(s) crashed twice and were not stored, e.g. point "
            f"{first['point']} replicate {first['replicate']}: {first['error']}; "
            f"{done} of {distinct} units are stored"
        )
    return result


def _describe_point(spec: Spec, u: Unit) -> str:
    varied = {
        k: v for k, v in u.params.items() if k in spec.grid or any(k in p for p in spec.points)
    }
    shown = ", ".join(f"{k}={v!r}" for k, v in (varied or spec.params).items())
    return f"point {u.point} ({shown})" if shown else f"point {u.point}"
