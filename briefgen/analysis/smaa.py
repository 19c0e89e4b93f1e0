"""Rank acceptability and central weights (SMAA-2, Lahdelma & Salminen, Operations Research 49(3), 2001).

Weight vectors are drawn uniformly from every weighting the brief allows: normalised Exp(1) draws, which is
Dirichlet(1, …, 1), the uniform distribution on the simplex. A criterion whose weight is deliberately 0 stays at 0;
one with a ``weight_range`` is sampled within it by **rejection**: a Dirichlet draw is placed in the smaller of two
simplices that contain every allowed weighting (the simplex shifted up to the lower bounds, or the one hanging down
from the upper bounds) and kept only if it lies within every range. Accepted draws are exactly uniform on the
allowed weightings and independent of one another, so each figure is a plain proportion whose sampling error is
known (about ±1 point at 10,000 samples). Hit-and-run (Tervonen et al. 2012) handles general linear constraints,
but its draws are correlated and its figures depend on burn-in and thinning; box ranges need neither.

Seeded (``random.Random(seed)``, the Mersenne Twister, whose ``random()`` stream is fixed across platforms and
Python versions): the same inputs give the same figures. Options with the same scores on every sampled criterion
(and the same fixed part) tie in every sample: they share the ranks they occupy equally, so each row and each
column of the table sums to 1. Pure functions, standard library only."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul, truediv

from briefgen.analysis.ranking import TIE, competition_ranks, weighted_total

FIXED = 1e-12  # a range narrower than this fixes the weight
MAX_DRAWS_PER_SAMPLE = 100  # rejection gives up after this many draws per wanted sample


@dataclass(frozen=True)
class Acceptability:
    """``shares[i][r]``: the share of sampled weightings in which option ``i`` takes rank ``r + 1``;
    ``central[i]``: its mean weight vector over the weightings in which it ranks first (None if it never does)."""

    shares: tuple[tuple[float, ...], ...]
    central: tuple[tuple[float, ...] | None, ...]
    samples: int  # weight vectors the figures rest on
    draws: int  # vectors drawn: more than ``samples`` when ranges rejected some
    method: str  # "uniform" (no ranges), "rejection" (within the weight ranges) or "fixed" (one weighting)


@dataclass(frozen=True)
class _Classes:
    """Options grouped by what can tell them apart: their scores on the sampled criteria and their fixed part."""

    members: tuple[tuple[int, ...], ...]
    rows: tuple[tuple[float, ...], ...]  # free-criterion scores of each class
    fixed: tuple[float, ...]  # each class's total from the fixed weights


def rank_acceptability(
    scores: Sequence[Sequence[float]], bounds: Sequence[tuple[float, float]], samples: int, seed: int
) -> Acceptability:
    """``scores[i][j]``: option i on criterion j; ``bounds[j]``: (low, high) of weight j, normalised (sum 1)."""
    free = tuple(j for j, (low, high) in enumerate(bounds) if high - low > FIXED)
    fixed = tuple(j for j in range(len(bounds)) if j not in free)
    point = _single_point(bounds, free, fixed)
    if point is not None:
        weights = [bounds[j][0] for j in range(len(bounds))]
        for j, w in zip(free, point, strict=True):
            weights[j] = w
        return _at_point(scores, weights, samples)
    classes = _classes(scores, bounds, free, fixed)
    ranged = any(bounds[j] != (0.0, 1.0) for j in free) or any(classes.fixed)
    rnd = random.Random(seed).random
    xs, draws = (
        _rejection(bounds, free, fixed, samples, rnd) if ranged else (_dirichlet(len(free), samples, rnd), samples)
    )
    accepted = len(xs) // len(free)
    orders, wins = _orders(classes, xs, len(free), accepted, any(classes.fixed))
    shares = _shares(classes, orders, len(scores), accepted)
    # Uniform draws are unnormalised Exp(1) draws; accepted ranged draws are the (negated) weights themselves.
    central = _central(classes, wins, xs, bounds, free, len(scores), normalised=ranged)
    return Acceptability(shares, central, accepted, draws, "rejection" if ranged else "uniform")


def _at_point(scores: Sequence[Sequence[float]], weights: Sequence[float], samples: int) -> Acceptability:
    """The one weighting there is: each option takes its rank there, options tied at it sharing their ranks."""
    ranks = competition_ranks([weighted_total(weights, row) for row in scores])
    sharing = Counter(ranks)
    shares = tuple(
        tuple(1 / sharing[r] if r - 1 <= p < r - 1 + sharing[r] else 0.0 for p in range(len(scores))) for r in ranks
    )
    central = tuple(tuple(weights) if r == 1 else None for r in ranks)
    return Acceptability(shares, central, samples, samples, "fixed")


def _classes(
    scores: Sequence[Sequence[float]],
    bounds: Sequence[tuple[float, float]],
    free: tuple[int, ...],
    fixed: tuple[int, ...],
) -> _Classes:
    """Options that tie at every allowed weighting form one class. With the free weights summing to a fixed mass,
    two options tie everywhere exactly when their free scores differ by the same amount on every free criterion
    and that amount times the mass makes up the difference of their fixed parts: same shape (scores about their
    sum, exact for whole-number scores) and same level."""
    mass = 1.0 - sum(bounds[j][0] for j in fixed)
    n = len(free)
    parts = [sum(bounds[j][0] * row[j] for j in fixed) for row in scores]
    keys = []
    for row, part in zip(scores, parts, strict=True):
        values = [row[j] for j in free]
        total = sum(values)
        keys.append((tuple(n * v - total for v in values), total / n * mass + part))
    members: list[list[int]] = []
    for i, (shape, level) in enumerate(keys):
        home = next((c for c in members if keys[c[0]][0] == shape and abs(keys[c[0]][1] - level) <= TIE), None)
        if home is None:
            members.append([i])
        else:
            home.append(i)
    rows = tuple(tuple(float(scores[c[0]][j]) for j in free) for c in members)
    return _Classes(tuple(tuple(c) for c in members), rows, tuple(parts[c[0]] for c in members))


def _single_point(
    bounds: Sequence[tuple[float, float]], free: tuple[int, ...], fixed: tuple[int, ...]
) -> list[float] | None:
    """The free weights of the one weighting the ranges allow, if they allow only one (free weights all at their
    lower or upper bounds, or fewer than two free weights); else None."""
    mass = 1.0 - sum(bounds[j][0] for j in fixed)
    low = [bounds[j][0] for j in free]
    high = [bounds[j][1] for j in free]
    if len(free) == 1:
        return [mass]
    if not free or mass - sum(low) <= FIXED:
        return low
    if sum(high) - mass <= FIXED:
        return high
    return None


def _dirichlet(n: int, samples: int, rnd: Callable[[], float]) -> list[float]:
    """``samples`` × ``n`` Exp(1) draws, negated (log(1 − U) ≤ 0) and left unnormalised: ranking by a weighted sum
    does not change when all weights are scaled by the same factor, so each sample is normalised only where its
    weights are used (central weights)."""
    log = math.log
    return [log(1.0 - rnd()) for _ in range(n * samples)]


def _rejection(
    bounds: Sequence[tuple[float, float]],
    free: tuple[int, ...],
    fixed: tuple[int, ...],
    samples: int,
    rnd: Callable[[], float],
) -> tuple[list[float], int]:
    """Negated weights of up to ``samples`` accepted weightings within the ranges, and the number of draws.

    A draw u (uniform on the simplex) becomes ``w = low + up·u`` (the simplex shifted up to the lower bounds) or
    ``w = high − down·u`` (the one hanging from the upper bounds), whichever is smaller; the other side of each
    range then holds exactly when ``u_j ≤ (high_j − low_j) / size``, and only ranges narrower than the proposal
    can fail that."""
    mass = 1.0 - sum(bounds[j][0] for j in fixed)
    low = [bounds[j][0] for j in free]
    high = [bounds[j][1] for j in free]
    up, down = mass - sum(low), sum(high) - mass
    base, scale = (low, up) if up <= down else (high, -down)
    caps = [(hi - lo) / abs(scale) + TIE for lo, hi in zip(low, high, strict=True)]
    binding = [(j, cap) for j, cap in enumerate(caps) if cap < 1]
    xs: list[float] = []
    draws = accepted = 0
    n = len(free)
    log = math.log
    while accepted < samples and draws < samples * MAX_DRAWS_PER_SAMPLE:
        draws += 1
        e = [log(1.0 - rnd()) for _ in range(n)]  # ≤ 0: u_j = e_j / total
        total = sum(e)
        if total < 0 and all(e[j] >= cap * total for j, cap in binding):  # e_j / total ≤ cap (total < 0)
            xs.extend([-(b + scale * x / total) for b, x in zip(base, e, strict=True)])
            accepted += 1
    return xs, draws


def _orders(
    classes: _Classes, xs: list[float], n: int, samples: int, with_fixed: bool
) -> tuple[dict[tuple[int, ...], int], dict[int, list[int]]]:
    """How often each order of the classes occurs (best first), and which samples each class won."""
    orders: dict[tuple[int, ...], int] = {}
    wins: dict[int, list[int]] = {c: [] for c in range(len(classes.rows))}
    positions = range(len(classes.rows))
    rows = classes.rows
    count = orders.get
    offsets = [-f for f in classes.fixed]
    for sample, x in enumerate(zip(*[iter(xs)] * n, strict=False)):  # xs in rows of n: one sample each
        if with_fixed:
            totals = [sum(map(mul, x, row)) + c for row, c in zip(rows, offsets, strict=True)]
        else:
            totals = [sum(map(mul, x, row)) for row in rows]
        order = tuple(sorted(positions, key=totals.__getitem__))  # ascending: the weights are negated
        orders[order] = count(order, 0) + 1
        wins[order[0]].append(sample)
    return orders, wins


def _shares(
    classes: _Classes, orders: dict[tuple[int, ...], int], m: int, samples: int
) -> tuple[tuple[float, ...], ...]:
    """A class of k options placed at position p gives each of them 1/k of ranks p+1 … p+k."""
    blocks = [[0] * m for _ in classes.members]
    for order, count in orders.items():
        position = 0
        for c in order:
            blocks[c][position] += count
            position += len(classes.members[c])
    shares = [[0.0] * m for _ in range(m)]
    for c, members in enumerate(classes.members):
        k = len(members)
        for position, count in enumerate(blocks[c]):
            if not count:
                continue
            for r in range(position, position + k):
                for i in members:
                    shares[i][r] += count / (k * samples)
    return tuple(tuple(row) for row in shares)


def _central(
    classes: _Classes,
    wins: dict[int, list[int]],
    xs: list[float],
    bounds: Sequence[tuple[float, float]],
    free: tuple[int, ...],
    m: int,
    normalised: bool,
) -> tuple[tuple[float, ...] | None, ...]:
    """Each option's mean weight vector over the samples its class won (a tie for first shares them equally, and
    the mean is the same for every member). Sums are exact (``fsum``), so they do not depend on sample order."""
    n = len(free)
    columns = [xs[f::n] for f in range(n)] if n else []
    count = len(columns[0]) if columns else 0
    norms = [-1.0] * count if normalised else list(map(sum, zip(*columns, strict=True)))
    central: list[tuple[float, ...] | None] = [None] * m
    for c, won in wins.items():
        if not won:
            continue
        vector = [bounds[j][0] for j in range(len(bounds))]
        pick = _picker(won)
        for f, j in enumerate(free):
            vector[j] = math.fsum(map(truediv, pick(columns[f]), pick(norms))) / len(won)
        for i in classes.members[c]:
            central[i] = tuple(vector)
    return tuple(central)


def _picker(indices: list[int]) -> Callable[[Sequence[float]], Sequence[float]]:
    """The items at ``indices`` of a sequence, gathered in C (itemgetter returns a bare item for one index)."""
    getter = itemgetter(*indices)
    return (lambda seq: (getter(seq),)) if len(indices) == 1 else getter
