"""Experiments at scale: specs (TOML, validated), runners (processes, Dask) and the store.

The layer between the interfaces and the domain. A spec names a command and its options; the
interfaces layer supplies a :class:`Backend` (the command schemas and the unit executor), so the
spec's keys are exactly the command line's options.

Example (the command line's backend)::

    from trustlab.interfaces.cli.experiments import cli_backend
    from trustlab.experiments import load_spec, make_runner, run_experiment
    from trustlab.store import Store

    backend = cli_backend()
    spec = load_spec("examples/noisy-tournament.toml", backend)
    with Store("trustlab.duckdb") as store:
        run = run_experiment(spec, store, make_runner(workers=2), backend)
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Names are imported on first use, so that the command line (which registers ``trustlab run``)
# does not load DuckDB, pydantic or Dask for every other command.
_WHERE = {
    "Backend": "commands", "CommandSchema": "commands", "OptionSchema": "commands",
    "ExperimentSpecError": "errors", "Interrupted": "errors", "UnitFailed": "errors",
    "UnitInputError": "errors", "ExperimentRun": "experiment", "run_experiment": "experiment",
    "spec_units": "experiment", "mean_interval": "results", "point_summaries": "results",
    "DaskRunner": "runner", "ProcessRunner": "runner", "Runner": "runner",
    "SerialRunner": "runner", "make_runner": "runner", "Spec": "spec", "load_spec": "spec",
    "parse_spec": "spec", "spec_from_dict": "spec", "Unit": "units",
    "flatten_payload": "units", "unit_seed": "units",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"trustlab.experiments.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'trustlab.experiments' has no attribute {name!r}")


__all__ = [
    "Backend",
    "CommandSchema",
    "DaskRunner",
    "ExperimentRun",
    "ExperimentSpecError",
    "Interrupted",
    "OptionSchema",
    "ProcessRunner",
    "Runner",
    "SerialRunner",
    "Spec",
    "Unit",
    "UnitFailed",
    "UnitInputError",
    "flatten_payload",
    "load_spec",
    "make_runner",
    "mean_interval",
    "parse_spec",
    "point_summaries",
    "run_experiment",
    "spec_from_dict",
    "spec_units",
    "unit_seed",
]
