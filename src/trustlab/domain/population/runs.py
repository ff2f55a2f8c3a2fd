"""Evolving populations: :func:`evolve` runs one or many independent runs of a dynamics.

A *generation* is n elementary update steps (n individuals) for the asynchronous dynamics, or one
simultaneous update of every site for the synchronous ones, or one tournament-and-selection round
for the explorable's elimination dynamics.

Random numbers are keyed on (seed, run, generation, step or site, purpose), so a run gives the
same history whatever the number of threads, the batching of runs, or the kernel that ran it.

References
----------
Case (2017), *The Evolution of Trust*, https://ncase.me/trust/ (the elimination dynamics).
Moran (1958), Proc. Camb. Phil. Soc. 54:60. doi:10.1017/S0305004100033193
Traulsen, Nowak & Pacheco (2006), Phys. Rev. E 74:011909. doi:10.1103/PhysRevE.74.011909
Nowak & May (1992), Nature 359:826. doi:10.1038/359826a0
Ohtsuki, Hauert, Lieberman & Nowak (2006), Nature 441:502. doi:10.1038/nature04605
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trustlab.domain.characters.character import Character
from trustlab.domain.conditions import Conditions, resolve_conditions
from trustlab.domain.errors import InvalidParameter, UnknownName
from trustlab.domain.games import Game, parse_game
from trustlab.domain.limits import MAX_MATCH_TURNS, MAX_SITE_UPDATES, check_memory, check_work
from trustlab.domain.play import Length, check_probability, describe_request, game_for, resolve_seed
from trustlab.domain.population import engine
from trustlab.domain.population.composition import Composition, parse_population
from trustlab.domain.population.groups import GroupGame, is_group_game, parse_group_game
from trustlab.domain.population.payoffs import PAYOFF_SOURCES
from trustlab.domain.population.structures import GraphSpec, Structure
from trustlab.domain.provenance import version
from trustlab.kernel.rng import derive_seed

__all__ = ["DYNAMICS", "EvolutionResult", "evolve"]

DYNAMICS = ("elimination", "moran-bd", "moran-db", "fermi", "best-neighbour")
UPDATES = ("synchronous", "asynchronous")
FITNESS = ("exponential", "linear")
ACCUMULATE = ("sum", "average")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EvolutionResult:
    """The outcome of :func:`evolve`.

    Attributes
    ----------
    names : list of str
        The types (characters) in the order of every array below.
    history : ndarray (recorded_runs, n_records, m)
        Counts of each type after generations 0, every, 2·every, ... of the first recorded runs.
    final : ndarray (runs, m)
        Counts at the end of each run.
    fixed_type : ndarray (runs,)
        Index of the type that took over each run, or −1.
    fixation_step : ndarray (runs,)
        Elementary update step at which it did (a generation is ``size`` steps), or −1.
    snapshots : ndarray (n_records, n) or None
        The type of every site of run 0 at the recorded generations (graphs only).
    conditions : Conditions
        The conditions of the matches behind the payoffs (game resolved for two-player games).

    Examples
    --------
    >>> from trustlab import evolve
    >>> r = evolve("always-cooperate:5,always-defect:5", payoffs="one-shot", noise=0.1, seed=1)
    >>> r.conditions.noise, r.size, r.history.shape
    (0.1, 10, (1, 101, 2))
    """

    names: list[str]
    initial: list[int]
    size: int
    structure: dict[str, object]
    shape: tuple[int, int] | None
    dynamics: str
    update: str
    payoffs: str
    game: str
    parameters: dict[str, Any]
    generations: int
    record_every: int
    runs: int
    seed: int
    history: np.ndarray = field(repr=False)
    final: np.ndarray = field(repr=False)
    fixed_type: np.ndarray = field(repr=False)
    fixation_step: np.ndarray = field(repr=False)
    snapshots: np.ndarray | None = field(default=None, repr=False)
    payoff_matrix: np.ndarray | None = field(default=None, repr=False)
    extras: dict[str, Any] = field(default_factory=dict, repr=False)
    conditions: Conditions | None = field(default=None, repr=False)
    version: str = field(default_factory=version)

    @property
    def frequencies(self) -> np.ndarray:
        """(n_records, m): share of each type, averaged over the recorded runs."""
        return np.asarray(self.history.mean(axis=0) / self.size)

    @property
    def final_frequencies(self) -> np.ndarray:
        """(m,): share of each type at the end, averaged over all runs."""
        return np.asarray(self.final.mean(axis=0) / self.size)

    @property
    def fixation(self) -> np.ndarray:
        """(m,): share of runs in which each type took over."""
        m = len(self.names)
        fixed = self.fixed_type[self.fixed_type >= 0]
        return np.bincount(fixed, minlength=m) / self.runs

    @property
    def fixation_generations(self) -> np.ndarray:
        """(runs,): generation (elementary steps / size) at which each run fixed; nan if never."""
        t = self.fixation_step.astype(np.float64) / self.size
        t[self.fixed_type < 0] = np.nan
        return t

    def to_dict(self) -> dict[str, Any]:
        """The record the CLI prints as JSON (keys are a contract: keep them)."""
        names = self.names
        freq = self.frequencies

        def shares(row: np.ndarray) -> dict[str, float]:
            return {n: float(x) for n, x in zip(names, row, strict=True)}

        out: dict[str, Any] = {
            "population": dict(zip(names, self.initial, strict=True)),
            "size": self.size,
            **self.structure,
            "dynamics": self.dynamics,
            "update": self.update,
            "payoffs": self.payoffs,
            "game": self.game,
            **self.parameters,
            "generations": self.generations,
            "record_every": self.record_every,
            "seed": self.seed,
            "version": self.version,
            "history": [
                {"generation": i * self.record_every, "frequencies": shares(row)}
                for i, row in enumerate(freq)
            ],
            "final": shares(self.final_frequencies),
        }
        fix_t = self.fixation_generations
        if self.runs > 1:
            out["runs"] = self.runs
            out["fixation"] = shares(self.fixation)
            out["unfixed"] = float(np.mean(self.fixed_type < 0))
            out["mean_fixation_generation"] = {
                n: (float(np.nanmean(fix_t[self.fixed_type == i])) if self.fixation[i] else None)
                for i, n in enumerate(names)
            }
        else:
            f = int(self.fixed_type[0])
            out["fixation"] = {
                "character": names[f] if f >= 0 else None,
                "generation": float(fix_t[0]) if f >= 0 else None,
            }
        out.update(self.extras)
        return out


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    v = value.strip().lower().replace("_", "-")
    if v not in allowed:
        raise UnknownName(what, value, allowed)
    return v


def _positive_int(x: object, what: str, minimum: int = 1) -> int:
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or int(x) < minimum:
        raise InvalidParameter(f"{what} must be an integer ≥ {minimum}, got {x!r}")
    return int(x)


def evolve(
    population: str | Mapping[str | Character, float],
    *,
    size: int | None = None,
    dynamics: str = "moran-bd",
    graph: str | GraphSpec | Structure = "well-mixed",
    generations: int = 100,
    game: Game | GroupGame | str | None = None,
    payoffs: str = "expected",
    conditions: Conditions | None = None,
    turns: int | None = None,
    continuation: float | None = None,
    noise: float | None = None,
    misread: float | None = None,
    intensity: float = 1.0,
    fitness: str = "exponential",
    mutation: float = 0.0,
    mutants: Sequence[str | Character] | None = None,
    update: str | None = None,
    self_interaction: bool = False,
    accumulate: str = "average",
    eliminate: int = 5,
    neighbourhood: str | None = None,
    boundary: str | None = None,
    initial: np.ndarray | None = None,
    runs: int = 1,
    record_every: int = 1,
    stop_at_fixation: bool = True,
    snapshots: bool = False,
    seed: int | None = None,
    progress: Progress | None = None,
) -> EvolutionResult:
    """Evolve a population of characters.

    Parameters
    ----------
    population : str or mapping
        ``"tit-for-tat:10,always-defect:5"`` (counts) or shares summing to 1 with ``size``.
    size : int, optional
        Population size for shares (on a graph, defaults to its number of sites).
    dynamics : {"elimination", "moran-bd", "moran-db", "fermi", "best-neighbour"}
        The explorable's eliminate-and-clone round; Moran birth–death or death–birth (fitness
        ``exp(w·π)`` or ``1 − w + w·π`` with w = ``intensity``); pairwise comparison (imitate a
        random neighbour with probability 1 / (1 + exp(−β(π_other − π_self))), β = ``intensity``);
        imitation of the best neighbour (Nowak & May), ties at random.
    graph : str, GraphSpec or Structure
        ``well-mixed``, ``lattice:WxH``, ``ring:N:k``, ``random-regular:N:k``,
        ``erdos-renyi:N:p``, ``barabasi-albert:N:m``, ``watts-strogatz:N:k:p``, ``edges:FILE``;
        or the structure as one value (:class:`GraphSpec`, with the lattice's neighbourhood and
        boundary; then not ``neighbourhood`` nor ``boundary``), or a built structure.
    generations : int
        Generations to run (runs stop early at fixation when ``stop_at_fixation`` and no mutation;
        the history then repeats the final state).
    game : Game, GroupGame or str, optional
        A two-player game (default: the prisoner's dilemma) or a group game spec
        (``public-goods:N:r``, ``threshold:N:M:F``, ``collective-risk:N:M:risk``).
    payoffs : {"expected", "matches", "one-shot"}
        Where payoffs come from (see :mod:`trustlab.domain.population.payoffs`).
    conditions : Conditions, optional
        The two-player game, match length and noise in one value (repetitions do not apply);
        or give them as ``game``, ``turns``, ``continuation``, ``noise``, ``misread`` (not both).
        A group game is given as ``game`` without ``conditions``.
    turns, continuation, noise, misread
        Match length (default 200 turns) and noise, as in :func:`~trustlab.play_match`.
    intensity : float
        Selection intensity w (Moran) or β (Fermi); 0 is neutral drift.
    fitness : {"exponential", "linear"}
        How Moran dynamics map payoff to fitness.
    mutation, mutants
        With probability ``mutation`` an updated individual takes a type drawn uniformly from
        ``mutants`` (default: all types of the population).
    update : {"synchronous", "asynchronous"}, optional
        Update order; default synchronous for best-neighbour and elimination, else asynchronous.
    self_interaction, accumulate
        Whether an individual also plays itself; payoffs summed or averaged over partners.
    eliminate : int
        The k lowest scorers replaced by clones of the k highest (elimination dynamics).
    neighbourhood, boundary
        Lattice neighbourhood (``von-neumann``, the default, or ``moore``) and boundary
        (``periodic``, the default, or ``fixed``) of a graph given as a string.
    initial : ndarray (n,), optional
        The type index of every site at the start (default: a random arrangement per run).
    runs : int
        Independent runs (fixation probabilities are shares of runs).
    record_every : int
        Record the counts every this many generations.
    snapshots : bool
        Keep the sites of run 0 at every record (for lattice images and GIFs).
    seed : int, optional
        ``None`` draws fresh entropy, recorded in the result.
    progress : callable, optional
        ``progress(done, total)``.

    Raises
    ------
    TrustlabError
        For any bad input, with a one-line message.

    Examples
    --------
    >>> from trustlab import evolve
    >>> r = evolve("always-cooperate:5,always-defect:5", dynamics="moran-bd",
    ...            generations=200, intensity=1.0, payoffs="one-shot", seed=1)
    >>> r.to_dict()["fixation"]["character"]
    'always-defect'
    """
    dyn = _choice(dynamics, DYNAMICS, "dynamics")
    source = _choice(payoffs, PAYOFF_SOURCES, "payoff source")
    fit = _choice(fitness, FITNESS, "fitness map")
    acc = _choice(accumulate, ACCUMULATE, "accumulation")
    upd = _choice(update, UPDATES, "update order") if update else (
        "synchronous" if dyn in ("best-neighbour", "elimination") else "asynchronous"
    )  # fmt: skip
    if dyn in ("moran-bd", "moran-db") and upd == "synchronous":
        raise InvalidParameter(f"{dyn} updates one individual at a time: use asynchronous")
    if dyn == "elimination" and upd == "asynchronous":
        raise InvalidParameter("elimination replaces k individuals at once: use synchronous")
    gens = _positive_int(generations, "generations", 0)
    n_runs = _positive_int(runs, "runs")
    every = _positive_int(record_every, "record_every")
    mu = check_probability(mutation, "mutation")
    w = float(intensity)
    if not np.isfinite(w) or w < 0:
        raise InvalidParameter(f"intensity must be a non-negative number, got {intensity!r}")
    s = resolve_seed(seed)

    # the game: group or two-player; the conditions of the matches behind the payoffs
    group: GroupGame | None = None
    two: Game | None = None
    if conditions is not None:
        if game is not None:
            raise InvalidParameter(
                "give conditions or game, not both (put a two-player game in the Conditions)"
            )
        cond = resolve_conditions(
            conditions, turns=turns, continuation=continuation, noise=noise, misread=misread
        )
        two = cond.game
    elif isinstance(game, GroupGame):
        group = game
    elif isinstance(game, str) and is_group_game(game):
        group = parse_group_game(game)
    elif isinstance(game, str):
        two = parse_game(game)
    else:
        two = game
    if conditions is None:
        cond = resolve_conditions(
            None, turns=turns, continuation=continuation, noise=noise, misread=misread
        )
    # a match length is checked (and used) only when payoffs come from matches
    length = cond.match_length() if source == "matches" else Length(turns=1)

    # the structure
    if isinstance(graph, Structure | GraphSpec):
        given = [k for k, v in (("neighbourhood", neighbourhood), ("boundary", boundary)) if v]
        if given:
            raise InvalidParameter(
                f"give {' and '.join(given)} in the GraphSpec, not with a {type(graph).__name__}"
            )
    if isinstance(graph, Structure):
        struct = graph
    else:
        spec = graph if isinstance(graph, GraphSpec) else GraphSpec(
            graph, neighbourhood=neighbourhood or "von-neumann", boundary=boundary or "periodic"
        )  # fmt: skip
        struct = spec.build(derive_seed(s, engine.PURPOSE_GRAPH))
    comp = _composition(population, size, struct)
    if not struct.well_mixed and comp.size != struct.n_sites:
        raise InvalidParameter(
            f"a population of {comp.size} does not fit graph {struct.name} with "
            f"{struct.n_sites} sites: give counts summing to {struct.n_sites} or shares"
        )

    _check_size(comp.size, struct, n_runs, gens, every, source, length, bool(snapshots),
                group is not None, bool(stop_at_fixation) and mu == 0.0)  # fmt: skip

    # the types: the population's characters, then any mutant types not in it
    chars = list(comp.characters)
    counts = list(comp.counts)
    for mname in mutants or []:
        from trustlab.domain.characters.catalogue import get_character

        c = get_character(mname)
        if c.name not in [d.name for d in chars]:
            chars.append(c)
            counts.append(0)
    mutant_idx = (
        np.array(
            [[d.name for d in chars].index(get_char_name(mm)) for mm in mutants], dtype=np.int64
        )
        if mutants
        else np.arange(len(chars), dtype=np.int64)
    )
    cfg = engine.Config(
        characters=chars,
        counts=np.array(counts, dtype=np.int64),
        structure=struct,
        dynamics=dyn,
        synchronous=upd == "synchronous",
        source=source,
        conditions=cond.with_game(game_for(chars, two)) if group is None else cond,
        group=group,
        intensity=w,
        linear=fit == "linear",
        mutation=mu,
        mutants=mutant_idx,
        self_interaction=bool(self_interaction),
        average=acc == "average",
        eliminate=_positive_int(eliminate, "eliminate"),
        initial=initial,
        runs=n_runs,
        generations=gens,
        every=every,
        stop=bool(stop_at_fixation),
        snapshots=bool(snapshots),
        seed=s,
    )
    out = engine.run(cfg, progress)
    params: dict[str, Any] = {
        "turns": cond.turns,
        "continuation": cond.continuation,
        "noise": cond.noise,
        "misread": cond.misread,
        "intensity": w,
        "fitness": fit,
        "mutation": mu,
        "self_interaction": bool(self_interaction),
        "accumulate": acc,
    }
    if dyn == "elimination":
        params["eliminate"] = cfg.eliminate
    game_text = group.describe() if group is not None else cfg.game.describe()  # type: ignore[union-attr]
    return EvolutionResult(
        names=[c.name for c in chars],
        initial=[int(c) for c in counts],
        size=int(sum(counts)),
        structure=struct.describe(),
        shape=struct.shape,
        dynamics=dyn,
        update=upd,
        payoffs=out.payoff_source,
        game=game_text,
        parameters=params,
        generations=gens,
        record_every=every,
        runs=n_runs,
        seed=s,
        history=out.history,
        final=out.final,
        fixed_type=out.fixed_type,
        fixation_step=out.fixation_step,
        snapshots=out.snapshots,
        payoff_matrix=out.matrix,
        extras=out.extras,
        conditions=cfg.conditions,
    )


def _check_size(
    n: int, struct: Structure, runs: int, generations: int, every: int, source: str,
    length: Length, snapshots: bool, group: bool, stops: bool,
) -> None:  # fmt: skip
    """Refuse, before anything is allocated, an evolution too big for memory or time."""
    what = f"a population of {n} with runs = {runs} and generations = {generations}"
    records = generations // every + 1
    # per run and site: the types (int32) and the keys of the initial arrangement (3 × int64)
    per_site = 8 if struct.well_mixed else 28
    check_memory(runs * n * per_site + (records * n * 4 if snapshots else 0), what)
    # runs that stop at fixation (no mutation) rarely last their generations: count those at
    # most about 100·N generations (fixation takes O(N) generations unless selection opposes it,
    # and a progress bar shows the rest)
    gens = max(generations, 1) if not stops else min(max(generations, 1), 100 * n)
    check_work(runs * gens * n, MAX_SITE_UPDATES, "individual updates", what)
    if source == "matches" and not group:
        edges = n * (n - 1) / 2 if struct.well_mixed else (struct.indices.size // 2)
        units = runs * edges
        check_memory(units * 160, f"{what}, matches on {edges:.0f} edges each generation,")
        check_work(
            units * max(generations, 1) * length.expected_turns,
            MAX_MATCH_TURNS,
            "match-turns",
            f"{what}, matches on {edges:.0f} edges of {describe_request(length)},",
        )


def _composition(
    population: str | Mapping[str | Character, float], size: int | None, struct: Structure
) -> Composition:
    """The composition; on a graph, shares without a size are shares of its sites."""
    if size is not None or struct.well_mixed:
        return parse_population(population, size)
    try:
        return parse_population(population, None)
    except InvalidParameter as exc:
        if "need a population size" not in str(exc):
            raise
        return parse_population(population, struct.n_sites)


def get_char_name(spec: str | Character) -> str:
    """The canonical name of a character spec."""
    from trustlab.domain.characters.catalogue import get_character

    return get_character(spec).name


def composition_of(population: str, size: int | None = None) -> Composition:
    """The parsed composition (for interfaces that show it before running)."""
    return parse_population(population, size)
