"""Does the ranking hold? Weight sensitivity of a weighted-sum ranking (UK DCLG MCDA manual), pure and seeded.

- **One at a time**: each weight ×(1 − step) and ×(1 + step) (capped at 1), the others rescaled so that all still
  sum to 1; the rank of every option under each change.
- **Flip thresholds** (Triantaphyllou & Sánchez, Decision Sciences 28(1), 1997): for the top option ``a``, a
  challenger ``b`` and criterion ``k``, with ``d_j = v_aj − v_bj`` and ``R = Σ_{j≠k} w_j d_j / (1 − w_k)``, the gap
  when weight k is set to x (the others rescaled) is ``D(x) = x·d_k + (1 − x)·R``: linear, so ``b`` draws level at
  ``x* = R / (R − d_k)`` when that lies in [0, 1], and leads beyond it. Per criterion and direction the nearest such
  point is where the top option changes; the smallest relative change ``(x* − w_k) / w_k`` over all criteria is
  reported with its weight, direction and new leader.
- **Rank acceptability and central weights** (SMAA-2): :mod:`briefgen.analysis.smaa`.

Everything works on indices in the memo's order, so nothing depends on dict order or the hash seed; ties follow
:mod:`briefgen.analysis.ranking`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.analysis.ranking import TIE, competition_ranks, leaders, rescaled, weighted_total
from briefgen.analysis.smaa import Acceptability, rank_acceptability

CUT, RISE = "cut", "rise"


@dataclass(frozen=True)
class Weighing:
    """What is ranked: options × criteria scores, normalised weights, and each weight's allowed range."""

    scores: tuple[tuple[float, ...], ...]  # scores[i][j]: option i (memo order) on criterion j
    weights: tuple[float, ...]  # sum to 1
    bounds: tuple[tuple[float, float], ...]  # per criterion, normalised: (0, 1), (0, 0) for a deliberate zero


@dataclass(frozen=True)
class Change:
    """One one-at-a-time change: criterion ``criterion`` cut or raised to ``weight``; every option's rank."""

    criterion: int
    direction: str
    weight: float
    ranks: tuple[int, ...]
    top_total: float
    lead: float  # the top option's total minus the best other total: below 0, it is displaced


@dataclass(frozen=True)
class Crossing:
    """Where ``challenger`` draws level with the top option as weight ``criterion`` moves to ``weight``."""

    criterion: int
    challenger: int
    weight: float
    change: float | None  # relative to the stated weight; None when that is 0
    direction: str


@dataclass(frozen=True)
class Figures:
    top: int
    tied: tuple[int, ...]  # every option ranked first at the stated weights (the top option among them)
    ranks: tuple[int, ...]
    lead: float  # the top option's total minus the best other total
    changes: tuple[Change, ...]  # criterion order, cut before rise
    crossings: tuple[Crossing, ...]  # every crossing in [0, 1], criterion then challenger order
    flips: tuple[Crossing, ...]  # the nearest crossing per criterion and direction: where the top option changes
    smallest: Crossing | None  # the flip with the smallest relative change (a stated weight above 0)
    acceptability: Acceptability
    step: float


def analyse(weighing: Weighing, step: float, samples: int, seed: int, prefer: int | None = None) -> Figures:
    """All figures for one weighing. ``prefer`` (the recommended option) is the top option if it is tied first."""
    totals = [weighted_total(weighing.weights, row) for row in weighing.scores]
    first = leaders(totals)
    top = prefer if prefer in first else first[0]
    crossings = tuple(crossings_of(weighing, top))
    flips = _flips(weighing.weights, crossings)
    return Figures(
        top=top,
        tied=first,
        ranks=competition_ranks(totals),
        lead=_lead(totals, top),
        changes=one_at_a_time(weighing, top, step),
        crossings=crossings,
        flips=flips,
        smallest=_smallest(flips),
        acceptability=rank_acceptability(weighing.scores, weighing.bounds, samples, seed),
        step=step,
    )


def one_at_a_time(weighing: Weighing, top: int, step: float) -> tuple[Change, ...]:
    """Each weight above 0 and below 1 cut and raised by ``step`` (a raise capped at 1), the others rescaled."""
    out = []
    for k, w in enumerate(weighing.weights):
        if not TIE < w < 1 - TIE:
            continue  # nothing to move: ×(1 ± step) of 0 is 0, and a weight of 1 leaves nothing to rescale
        for direction, factor in ((CUT, 1 - step), (RISE, 1 + step)):
            new = min(1.0, w * factor)
            weights = rescaled(weighing.weights, k, new)
            totals = [weighted_total(weights, row) for row in weighing.scores]
            out.append(Change(k, direction, new, competition_ranks(totals), totals[top], _lead(totals, top)))
    return tuple(out)


def _lead(totals: Sequence[float], top: int) -> float:
    others = [t for i, t in enumerate(totals) if i != top]
    return totals[top] - max(others) if others else 0.0


def crossings_of(weighing: Weighing, top: int) -> list[Crossing]:
    """Every point in [0, 1] at which a challenger draws level with ``top`` as one weight moves (the others
    rescaled), in closed form."""
    out = []
    weights, scores = weighing.weights, weighing.scores
    for k, w in enumerate(weights):
        if w >= 1 - TIE:
            continue
        for b in range(len(scores)):
            if b == top:
                continue
            d = [x - y for x, y in zip(scores[top], scores[b], strict=True)]
            crossing = _crossing(weights, d, k, b)
            if crossing is not None:
                out.append(crossing)
    return out


def _crossing(weights: Sequence[float], d: Sequence[float], k: int, b: int) -> Crossing | None:
    w = weights[k]
    rest = sum(wj * dj for j, (wj, dj) in enumerate(zip(weights, d, strict=True)) if j != k) / (1 - w)
    slope = d[k] - rest  # D(x) = rest + x·slope
    if abs(slope) <= TIE:
        return None  # the gap does not move with this weight
    x = -rest / slope
    if not -TIE <= x <= 1 + TIE:
        return None
    x = min(1.0, max(0.0, x))
    if abs(x - w) <= TIE:  # tied at the stated weights: the challenger leads on the side where the gap falls
        x, direction = w, CUT if slope > 0 else RISE
    else:
        direction = RISE if x > w else CUT
    return Crossing(k, b, x, (x - w) / w if w > TIE else None, direction)


def _flips(weights: Sequence[float], crossings: Sequence[Crossing]) -> tuple[Crossing, ...]:
    """Per criterion and direction, the crossing nearest the stated weight (the first challenger in memo order on
    an exact tie): moving the weight past it changes the top option. A challenger that draws level only at a
    weight of 0 or 1 never gets ahead (there is no weight beyond), so that is no flip."""
    nearest: dict[tuple[int, str], Crossing] = {}
    for c in crossings:
        if abs(c.weight - weights[c.criterion]) > TIE and not TIE < c.weight < 1 - TIE:
            continue
        key = (c.criterion, c.direction)
        held = nearest.get(key)
        distance = abs(c.weight - weights[c.criterion])
        if held is None or distance < abs(held.weight - weights[held.criterion]) - TIE:
            nearest[key] = c
    return tuple(nearest[key] for key in sorted(nearest, key=lambda key: (key[0], key[1] != CUT)))


def _smallest(flips: Sequence[Crossing]) -> Crossing | None:
    """The flip with the smallest relative change; on a tie, the first in criterion order, cut before rise."""
    best: Crossing | None = None
    for flip in flips:
        if flip.change is not None and (best is None or abs(flip.change) < abs(_change(best)) - TIE):
            best = flip
    return best


def _change(crossing: Crossing) -> float:
    assert crossing.change is not None
    return crossing.change


def displaced_within(figures: Figures, step: float) -> Crossing | None:
    """The smallest flip if it lies within ``step`` (drawing level counts: the top option no longer ranks first
    alone), else None."""
    smallest = figures.smallest
    return smallest if smallest is not None and abs(_change(smallest)) <= step + TIE else None
