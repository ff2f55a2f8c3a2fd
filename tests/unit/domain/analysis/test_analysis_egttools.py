"""Differential test against egttools (the peers extra): same model, same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from peer_libraries import peer
from trustlab import fixation_probability, rare_mutation_stationary

pytestmark = pytest.mark.peers
egttools_analytical = peer("egttools.analytical")


@pytest.mark.parametrize("n", [5, 20, 60])
@pytest.mark.parametrize("beta", [0.05, 0.5, 2.0])
def test_fermi_fixation_agrees_with_egttools(n: int, beta: float) -> None:
    rng = np.random.default_rng(n)
    for _ in range(5):
        m = rng.uniform(0.0, 4.0, size=(2, 2))
        sd = egttools_analytical.StochDynamics(2, m, n)
        for mutant, resident in ((0, 1), (1, 0)):
            theirs = sd.fixation_probability(mutant, resident, beta)
            sub = m[np.ix_([mutant, resident], [mutant, resident])]
            ours = fixation_probability(sub, n, process="fermi", intensity=beta)
            # egttools stops summing once a term is negligible: agree to its precision
            assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-7)


def test_rare_mutation_stationary_agrees_with_egttools() -> None:
    rng = np.random.default_rng(9)
    m = rng.uniform(0.0, 3.0, size=(4, 4))
    sd = egttools_analytical.StochDynamics(4, m, 30)
    theirs = np.asarray(sd.calculate_stationary_distribution(0.3))
    ours, _ = rare_mutation_stationary(m, 30, process="fermi", intensity=0.3)
    assert ours == pytest.approx(theirs, abs=1e-7)
