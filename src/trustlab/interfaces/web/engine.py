"""The one place where the web page calls trustlab's engine.

Every chapter goes through these thin functions, so a change in the engine (a new action, a new
game parameter, a new society option) is absorbed here. Nothing in this module knows how many
actions a game has or what they are called: it reads ``game.action_names`` and the game presets'
own parameter names and defaults.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

import trustlab
from trustlab.domain.characters import Character, StateMachine
from trustlab.domain.errors import TrustlabError
from trustlab.domain.games import GAME_PRESETS, Game, matrix_game, parse_game
from trustlab.domain.population import DYNAMICS, EvolutionResult, evolve
from trustlab.domain.society import (
    PARTNER_CHOICES,
    CriticalMassResult,
    SocietyConfig,
    Turn,
    critical_mass,
    needs_of,
)
from trustlab.domain.society import simulation as _society
from trustlab.domain.society.agents import action_kinds, answer_kinds
from trustlab.domain.society.critical_mass import estimate_critical_share
from trustlab.domain.society.measures import Mark, record

__all__ = [
    "DYNAMICS",
    "PARTNER_CHOICES",
    "Character",
    "CriticalMassResult",
    "EvolutionResult",
    "Game",
    "SocietyConfig",
    "SocietyRun",
    "TrustlabError",
    "characters",
    "classic_game",
    "collective",
    "estimate_critical_share",
    "evolve",
    "exchange_game",
    "game_info",
    "get_character",
    "needs",
    "opens_supports",
    "play_pair",
    "preset_parameters",
    "single_thread",
    "warm_up",
]

EXCHANGE = "vulnerability-exchange"


def characters() -> dict[str, Character]:
    """The catalogue, name -> character."""
    return trustlab.catalogue()


def get_character(name: str) -> Character:
    """A catalogue character by its canonical name (no family specs, no rules: no user code).

    Examples
    --------
    >>> get_character("tit-for-tat").name
    'tit-for-tat'
    >>> get_character("memory-one:1,0,1,0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    trustlab.domain.errors.TrustlabError: unknown character 'memory-one:1,0,1,0'; choose ...
    """
    cat = trustlab.catalogue()
    if name not in cat:
        raise TrustlabError(f"unknown character {name!r}; choose one of the catalogue's names")
    return cat[name]


def preset_parameters(preset: str) -> dict[str, float]:
    """The parameter names of a game preset with their default values, in order."""
    builder, names = GAME_PRESETS[preset]
    sig = inspect.signature(builder)
    return {n: float(sig.parameters[n].default) for n in names}


def exchange_game(params: dict[str, float] | None = None) -> Game:
    """The vulnerability exchange with the given parameters (missing ones keep their default)."""
    if not params:
        return parse_game(EXCHANGE)
    defaults = preset_parameters(EXCHANGE)
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise TrustlabError(
            f"unknown parameter(s) {', '.join(unknown)} of the vulnerability exchange; "
            f"allowed: {', '.join(defaults)}"
        )
    values = [params.get(n, d) for n, d in defaults.items()]
    return parse_game(EXCHANGE + ":" + ",".join(f"{v:g}" for v in values))


def classic_game(R: float, S: float, T: float, P: float) -> Game:
    """A two-action game with row payoffs (R, S, T, P), accepted as given (sliders may break
    the dilemma's inequalities on purpose)."""
    return matrix_game(np.array([R, S, T, P], dtype=np.float64))


def game_info(game: Game) -> dict[str, Any]:
    """What the page needs to draw a game: names, payoffs, which actions open, and how each
    answers the other's openness (``answers``: 0 support, 1 withhold, 2 exploit)."""
    opens, supports = opens_supports(game)
    return {
        "name": game.name,
        "action_names": list(game.action_names),
        "payoffs": game.payoffs.tolist(),
        "parameters": dict(game.parameters),
        "opens": [bool(x) for x in opens],
        "supports": [bool(x) for x in supports],
        "answers": [int(x) for x in answer_kinds(game)],
    }


def opens_supports(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Per action of ``game``: whether it opens and whether it supports."""
    is_open, is_support, _ = action_kinds(game)
    return np.asarray(is_open, dtype=bool), np.asarray(is_support, dtype=bool)


def needs(
    game: Game, mine: Sequence[tuple[int, int]], theirs_executed: Sequence[int]
) -> dict[str, Any]:
    """The needs met in a one-partner history: ``mine`` is (intended, executed) per turn."""
    opens, _ = opens_supports(game)
    answers = answer_kinds(game)
    rounds = [
        [Turn(partner=1, intended=i, executed=x, partner_executed=o)]
        for (i, x), o in zip(mine, theirs_executed, strict=True)
    ]
    n = needs_of(
        rounds,
        memory=max(1, len(rounds)),
        opens=lambda a: bool(opens[a]),
        answer=lambda a: int(answers[a]),
    )
    return {
        "open_turns": n.open_turns,
        "reassured": n.reassured,
        "acceptance_opportunities": n.acceptance_opportunities,
        "accepted": n.accepted,
        "consolation_opportunities": n.consolation_opportunities,
        "consoled": n.consoled,
        "exploited": n.exploited,
        "committed": n.committed,
        "withheld": n.withheld,
        "withheld_from": n.withheld_from,
        "turns": n.turns,
        "loneliness": n.loneliness,
    }


@dataclass
class HiddenPlayer:
    """A catalogue character played one turn at a time against moves a person chooses."""

    machine: StateMachine
    rng: np.random.Generator
    state: int

    @classmethod
    def of(cls, character: Character, game: Game, seed: int) -> HiddenPlayer:
        m = character.machine.for_game(game.n_actions)
        return cls(m, np.random.default_rng(seed), m.initial_state)

    def choose(self) -> int:
        """The action it intends this turn (drawn from its policy in its current state)."""
        row = self.machine.cumulative_policy[self.state]
        return min(int(np.searchsorted(row, self.rng.random(), side="right")), len(row) - 1)

    def see(self, own: int, partner: int) -> None:
        """Move to the next state after executing ``own`` while seeing ``partner``."""
        self.state = int(self.machine.transition[self.state, own, partner])


def play_pair(
    a: str, b: str, *, game: Game | None, turns: int, noise: float, seed: int
) -> dict[str, Any]:
    """One match with every turn's executed actions."""
    r = trustlab.play_match(a, b, game=game, turns=turns, noise=noise, seed=seed, history=True)
    assert r.history is not None
    h = r.history[0]
    done = h[:, 0, 1] >= 0
    return {
        "a": a,
        "b": b,
        "moves": [h[done, 0, 1].tolist(), h[done, 1, 1].tolist()],
        "scores": [float(x) for x in r.scores],
    }


class SocietyRun:
    """A society stepped one round at a time, so the page can draw each round."""

    def __init__(self, config: SocietyConfig, seed: int) -> None:
        self.config = config
        self._prep = _society.prepare(config)
        self.state = _society.new_state(config, seed, self._prep)
        self._mark = Mark.of(self.state)

    @property
    def names(self) -> list[str]:
        return list(self.config.names)

    @property
    def rounds_done(self) -> int:
        return int(self.state.rounds_done)

    def step(self) -> dict[str, Any] | None:
        """Play one round; at the engine's record interval (about 100 records a run, as in
        :func:`run_society`) return the society's measures since the last record, else None."""
        _society.step(self.state, self.config, self._prep)
        done = self.rounds_done
        if done % self.config.record_interval and done != self.config.rounds:
            return None
        rec = record(self.state, self.config, self._mark)
        self._mark = Mark.of(self.state)
        return rec

    def network(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Character and loneliness per agent, and the relationships (i < j) with mean trust."""
        st = self.state
        partner = st.partner
        with np.errstate(invalid="ignore", divide="ignore"):  # empty slots hold 0 / 0
            trust = st.trust
        i_idx, slot = np.nonzero(partner >= 0)
        j_idx = partner[i_idx, slot]
        keep = i_idx < j_idx
        edges = np.stack([i_idx[keep], j_idx[keep]], axis=1)
        return st.char.copy(), st.lonely.copy(), edges, trust[i_idx[keep], slot[keep]]


def collective(
    base: SocietyConfig,
    *,
    shares: Sequence[float],
    runs: int,
    exploiters: float,
    clustered: bool,
    seed: int,
    progress: Callable[[int, int], None],
) -> CriticalMassResult:
    """The critical-mass experiment on a grid of initiator shares (no refinement pass)."""
    return critical_mass(
        base,
        shares=list(shares),
        runs=runs,
        exploiters=exploiters,
        clustered=clustered,
        refine=False,
        seed=seed,
        progress=progress,
    )


def single_thread() -> None:
    """Run the compiled kernels of this thread on one core.

    The page's simulations are small (tens of agents): starting a kernel's thread pool costs far
    more than the work, and readers' simulations run side by side in threads anyway. The setting
    is per thread, so it does not change the kernels' threads elsewhere in the process.
    """
    numba.set_num_threads(1)


def warm_up() -> None:
    """Load (or compile) every kernel the page uses, so the first reader does not wait."""
    single_thread()
    play_pair("tit-for-tat", "random", game=None, turns=3, noise=0.1, seed=1)
    evolve(
        "tit-for-tat:3,always-defect:2",
        dynamics="elimination",
        generations=2,
        turns=3,
        payoffs="matches",
        eliminate=1,
        seed=1,
    )
    evolve(
        "tit-for-tat:0.5,always-defect:0.5",
        size=16,
        graph="lattice:4x4",
        dynamics="best-neighbour",
        generations=2,
        turns=3,
        snapshots=True,
        seed=1,
    )
    cfg = SocietyConfig("reciprocator:0.5,guarded:0.5", n_agents=12, rounds=3, capacity=2)
    run = SocietyRun(cfg, 1)
    run.step()
    run.network()
    collective(
        SocietyConfig("guarded:1", n_agents=12, rounds=3, capacity=2),
        shares=[0.25],
        runs=1,
        exploiters=0.0,
        clustered=False,
        seed=1,
        progress=lambda d, t: None,
    )
