"""The weighted sum and the rank it gives, with one rule for ties everywhere (the memo's ranks, one-at-a-time
changes, flip thresholds): totals within ``TIE`` of each other are equal. Scores are 1–5 and weights sum to 1, so
totals lie in [0, 5] and rounding differs by about 1e-15; ``TIE`` is far above that and far below any real gap."""

from __future__ import annotations

from collections.abc import Sequence
from operator import mul

TIE = 1e-9


def weighted_total(weights: Sequence[float], scores: Sequence[float]) -> float:
    total: float = sum(map(mul, weights, scores))
    return total


def competition_ranks(totals: Sequence[float]) -> tuple[int, ...]:
    """1 = best; tied totals share a rank and the next rank is skipped (1, 1, 3). Independent of input order."""
    return tuple(1 + sum(1 for other in totals if other > total + TIE) for total in totals)


def leaders(totals: Sequence[float]) -> tuple[int, ...]:
    """Indices of the options ranked first, in input order."""
    ranks = competition_ranks(totals)
    return tuple(i for i, rank in enumerate(ranks) if rank == 1)


def rescaled(weights: Sequence[float], k: int, new: float) -> tuple[float, ...]:
    """Weight ``k`` set to ``new`` and the others scaled by (1 − new)/(1 − w_k), so that all still sum to 1
    (DCLG MCDA manual; scikit-criteria's one-at-a-time checker). Needs w_k < 1."""
    factor = (1.0 - new) / (1.0 - weights[k])
    return tuple(new if j == k else w * factor for j, w in enumerate(weights))
