"""Sensitivity of the weighted ranking, pure: one-at-a-time changes, closed-form flip thresholds against a
brute-force scan, and rank acceptability (SMAA-2) with its invariants. Property tests where inputs are open-ended."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.analysis.ranking import competition_ranks, rescaled, weighted_total
from briefgen.analysis.sensitivity import CUT, RISE, Weighing, analyse, crossings_of
from briefgen.analysis.smaa import rank_acceptability

SAMPLE_SCORES = ((2, 1, 4, 5, 5, 5), (4, 4, 3, 4, 4, 4), (4, 5, 1, 2, 2, 2), (3, 4, 3, 2, 4, 3))
SAMPLE_WEIGHTS = (0.3, 0.25, 0.15, 0.1, 0.1, 0.1)
FREE = (0.0, 1.0)


def weighing(
    scores: Sequence[Sequence[int]], weights: Sequence[float], bounds: Sequence[tuple[float, float]] = ()
) -> Weighing:
    total = sum(weights)
    return Weighing(
        tuple(tuple(float(s) for s in row) for row in scores),
        tuple(w / total for w in weights),
        tuple(bounds) or tuple(FREE for _ in weights),
    )


@st.composite
def problems(draw: st.DrawFn, min_options: int = 2) -> Weighing:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(min_options, 6))
    scores = draw(st.lists(st.lists(st.integers(1, 5), min_size=n, max_size=n), min_size=m, max_size=m))
    weights = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    return weighing(scores, [float(w) for w in weights])


@st.composite
def ranged(draw: st.DrawFn) -> Weighing:
    """A problem whose weights each carry a range around the stated weight (sometimes a fixed one)."""
    base = draw(problems())
    bounds = []
    for w in base.weights:
        below = draw(st.sampled_from([0.0, 0.3, 0.8, 1.0]))
        above = draw(st.sampled_from([0.0, 0.5, 1.0, 3.0]))
        bounds.append((w * (1 - below), min(1.0, w * (1 + above))))
    return Weighing(base.scores, base.weights, tuple(bounds))


# ---------------------------------------------------------------- rank acceptability


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**32 - 1))
def test_acceptability_rows_and_columns_sum_to_one(problem: Weighing, seed: int) -> None:
    acc = rank_acceptability(problem.scores, problem.bounds, 300, seed)
    for row in acc.shares:
        assert sum(row) == pytest.approx(1.0)
    for column in zip(*acc.shares, strict=True):
        assert sum(column) == pytest.approx(1.0)
    assert acc.samples == 300
    assert acc.method == ("fixed" if len(problem.weights) == 1 else "uniform")  # one criterion: its weight is 1


@settings(max_examples=40, deadline=None)
@given(ranged(), st.integers(0, 2**32 - 1))
def test_acceptability_within_ranges_sums_to_one_and_central_weights_keep_the_ranges(
    problem: Weighing, seed: int
) -> None:
    acc = rank_acceptability(problem.scores, problem.bounds, 200, seed)
    assert acc.samples > 0
    for row in acc.shares:
        assert sum(row) == pytest.approx(1.0)
    for column in zip(*acc.shares, strict=True):
        assert sum(column) == pytest.approx(1.0)
    for central in acc.central:
        if central is not None:
            assert sum(central) == pytest.approx(1.0)
            for w, (low, high) in zip(central, problem.bounds, strict=True):
                assert low - 1e-9 <= w <= high + 1e-9


@settings(max_examples=60, deadline=None)
@given(problems(), st.data())
def test_a_dominated_option_never_ranks_first(problem: Weighing, data: st.DataObject) -> None:
    better = list(problem.scores[0])
    k = data.draw(st.integers(0, len(better) - 1))
    dominated = [max(1.0, s - data.draw(st.integers(0, 2))) for s in better]
    better[k] = max(better[k], dominated[k] + 1)  # strictly better somewhere, never worse
    scores = (*problem.scores, tuple(better), tuple(dominated))
    figures = analyse(Weighing(scores, problem.weights, problem.bounds), 0.2, 300, 7)
    assert figures.acceptability.shares[-1][0] == 0
    assert figures.acceptability.central[-1] is None
    assert figures.ranks[-1] > 1


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(2, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_with_equal_scores_everything_ties(n: int, m: int, score: int, seed: int) -> None:
    problem = weighing([[score] * n] * m, [1.0] * n)
    figures = analyse(problem, 0.2, 200, seed, prefer=m - 1)
    assert figures.ranks == (1,) * m
    assert figures.tied == tuple(range(m)) and figures.top == m - 1
    assert figures.flips == () and figures.smallest is None
    for row in figures.acceptability.shares:
        assert row == pytest.approx([1 / m] * m)
    assert len(set(figures.acceptability.central)) == 1
    assert all(c.ranks == (1,) * m for c in figures.changes)


def test_options_equal_on_every_weighted_criterion_tie_in_every_sample() -> None:
    """A deliberate zero weight (bounds (0, 0)) cannot tell options apart."""
    problem = Weighing(((3.0, 1.0), (3.0, 5.0), (1.0, 1.0)), (1.0, 0.0), ((0.0, 1.0), (0.0, 0.0)))
    acc = rank_acceptability(problem.scores, problem.bounds, 100, 1)
    assert acc.shares == ((0.5, 0.5, 0.0), (0.5, 0.5, 0.0), (0.0, 0.0, 1.0))


def test_options_that_differ_by_a_constant_the_fixed_weights_make_up_tie_in_every_sample() -> None:
    """Criterion 0 fixed at 0.5, so the free weights sum to 0.5: A = B + 1 on both free criteria gains 0.5 there and
    loses 0.5 on criterion 0. A and B tie at every weighting; C leads when w1 is large."""
    bounds = ((0.5, 0.5), (0.0, 0.5), (0.0, 0.5))
    acc = rank_acceptability(((1.0, 3.0, 3.0), (2.0, 2.0, 2.0), (1.0, 5.0, 1.0)), bounds, 1_000, 2)
    assert acc.shares[0] == acc.shares[1]
    assert acc.shares[0][0] == pytest.approx(0.25, abs=0.03)  # half of the half in which C is not first
    at_point = rank_acceptability(((1.0, 3.0), (3.0, 1.0)), ((0.5, 0.6), (0.5, 0.6)), 100, 2)
    assert at_point.method == "fixed" and at_point.shares == ((0.5, 0.5), (0.5, 0.5))


def test_acceptability_matches_known_probabilities() -> None:
    # Two criteria: A leads exactly when w1 > 1/2. Uniform: probability 1/2; with w1 in [0.2, 0.6]: 0.1/0.4.
    scores = ((5.0, 1.0), (1.0, 5.0))
    uniform = rank_acceptability(scores, (FREE, FREE), 10_000, 3)
    assert uniform.shares[0][0] == pytest.approx(0.5, abs=0.02)
    bounded = rank_acceptability(scores, ((0.2, 0.6), (0.4, 0.8)), 10_000, 3)
    assert bounded.method == "rejection"
    assert bounded.shares[0][0] == pytest.approx(0.25, abs=0.02)
    # Three symmetric options: a third each.
    sym = rank_acceptability(((5.0, 1.0, 1.0), (1.0, 5.0, 1.0), (1.0, 1.0, 5.0)), (FREE,) * 3, 10_000, 3)
    assert [row[0] for row in sym.shares] == pytest.approx([1 / 3] * 3, abs=0.02)
    # Central weight of A: the mean of w1 over w1 > 1/2 is 3/4.
    assert uniform.central[0] == pytest.approx((0.75, 0.25), abs=0.01)


def test_ranges_that_fix_the_weights_give_one_weighting() -> None:
    scores = ((5.0, 1.0, 3.0), (1.0, 5.0, 3.0))
    acc = rank_acceptability(scores, ((0.3, 0.3), (0.6, 0.6), (0.1, 0.1)), 100, 1)
    assert acc.method == "fixed" and acc.shares == ((0.0, 1.0), (1.0, 0.0))
    assert acc.central[1] == pytest.approx((0.3, 0.6, 0.1))
    at_lower_bounds = rank_acceptability(scores, ((0.3, 0.5), (0.6, 0.9), (0.1, 0.4)), 100, 1)
    assert at_lower_bounds.shares == acc.shares


@settings(max_examples=40, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_acceptability_follows_the_options_when_they_are_reordered(problem: Weighing, rnd: random.Random) -> None:
    if len(set(problem.scores)) < len(problem.scores):
        return  # options that tie keep the tie; their order within it is the memo's
    order = list(range(len(problem.scores)))
    rnd.shuffle(order)
    once = rank_acceptability(problem.scores, problem.bounds, 300, 11)
    moved = rank_acceptability([problem.scores[i] for i in order], problem.bounds, 300, 11)
    assert moved.shares == tuple(once.shares[i] for i in order)


def test_same_inputs_same_figures() -> None:
    problem = weighing(SAMPLE_SCORES, SAMPLE_WEIGHTS)
    assert analyse(problem, 0.2, 2_000, 5) == analyse(problem, 0.2, 2_000, 5)
    assert analyse(problem, 0.2, 2_000, 5) != analyse(problem, 0.2, 2_000, 6)


# ---------------------------------------------------------------- one at a time


def test_one_at_a_time_on_the_sample() -> None:
    figures = analyse(weighing(SAMPLE_SCORES, SAMPLE_WEIGHTS), 0.2, 100, 1, prefer=1)
    assert figures.ranks == (4, 1, 3, 2) and figures.top == 1
    assert len(figures.changes) == 12
    assert all(c.ranks[1] == 1 for c in figures.changes)  # the civil option survives every ±20% change
    reordered = [(c.criterion, c.direction) for c in figures.changes if c.ranks != figures.ranks]
    assert reordered == [(0, RISE), (1, CUT), (1, RISE), (2, CUT)]
    cut = next(c for c in figures.changes if (c.criterion, c.direction) == (1, CUT))
    assert cut.weight == pytest.approx(0.2) and cut.ranks == (3, 1, 3, 2)  # status quo and Baiterek tie at 3.08


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(0.01, 0.9))
def test_one_at_a_time_weights_sum_to_one_and_ranks_are_recomputed(problem: Weighing, step: float) -> None:
    figures = analyse(problem, step, 100, 1)
    for change in figures.changes:
        w = problem.weights[change.criterion]
        factor = 1 - step if change.direction == CUT else 1 + step
        assert change.weight == pytest.approx(min(1.0, w * factor))
        weights = rescaled(problem.weights, change.criterion, change.weight)
        assert sum(weights) == pytest.approx(1.0)
        assert change.ranks == competition_ranks([weighted_total(weights, row) for row in problem.scores])


# ---------------------------------------------------------------- flip thresholds


def gap(problem: Weighing, top: int, b: int, k: int, x: float) -> float:
    weights = rescaled(problem.weights, k, x)
    return weighted_total(weights, problem.scores[top]) - weighted_total(weights, problem.scores[b])


def scanned_root(problem: Weighing, top: int, b: int, k: int) -> float | None:
    """Where the gap between ``top`` and ``b`` is zero as weight k runs over [0, 1]: a grid scan, then bisection."""
    steps = 2_000
    xs = [i / steps for i in range(steps + 1)]
    values = [gap(problem, top, b, k, x) for x in xs]
    if all(abs(v) <= 1e-12 for v in values):
        return None  # the gap does not move with this weight
    for i, v in enumerate(values):
        if abs(v) <= 1e-12:
            return xs[i]
        if i and (values[i - 1] > 0) != (v > 0):
            lo, hi = xs[i - 1], xs[i]
            for _ in range(60):
                mid = (lo + hi) / 2
                if (gap(problem, top, b, k, mid) > 0) == (values[i - 1] > 0):
                    lo = mid
                else:
                    hi = mid
            return (lo + hi) / 2
    return None


@settings(max_examples=80, deadline=None)
@given(problems())
def test_closed_form_threshold_equals_a_brute_force_scan(problem: Weighing) -> None:
    top = analyse(problem, 0.2, 100, 1).top
    closed = {(c.criterion, c.challenger): c.weight for c in crossings_of(problem, top)}
    for k, w in enumerate(problem.weights):
        if w >= 1 - 1e-9:
            continue
        for b in range(len(problem.scores)):
            if b == top:
                continue
            scanned = scanned_root(problem, top, b, k)
            if scanned is None:
                assert (k, b) not in closed
            else:
                assert closed[(k, b)] == pytest.approx(scanned, abs=1e-6)


def first_flip(problem: Weighing, top: int, k: int, direction: str) -> float | None:
    """Brute force: moving weight k from its stated value in ``direction``, the first weight at which some option
    gets strictly ahead of ``top`` (its infimum, by bisection); None if none does before 0 or 1."""
    w = problem.weights[k]

    def ahead(x: float) -> bool:
        return any(gap(problem, top, b, k, x) < -1e-12 for b in range(len(problem.scores)) if b != top)

    end = 1.0 if direction == RISE else 0.0
    steps = 2_000
    points = [w + (end - w) * i / steps for i in range(steps + 1)]
    for i, x in enumerate(points):
        if ahead(x):
            if i == 0:
                return w
            lo, hi = points[i - 1], x
            for _ in range(60):
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if ahead(mid) else (mid, hi)
            return (lo + hi) / 2
    return None


@settings(max_examples=80, deadline=None)
@given(problems())
def test_smallest_flip_equals_a_brute_force_scan(problem: Weighing) -> None:
    figures = analyse(problem, 0.2, 100, 1)
    found = []
    for k, w in enumerate(problem.weights):
        if not 1e-9 < w < 1 - 1e-9:
            continue
        for direction in (CUT, RISE):
            x = first_flip(problem, figures.top, k, direction)
            if x is not None:
                found.append(abs(x - w) / w)
    flips = {(f.criterion, f.direction): f for f in figures.flips}
    if not found:
        assert figures.smallest is None
        return
    assert figures.smallest is not None and figures.smallest.change is not None
    assert abs(figures.smallest.change) == pytest.approx(min(found), abs=1e-6)
    assert len(flips) == len(found)


def test_sample_flip_threshold_by_hand() -> None:
    """Value to Kazakhstan (w = 0.25), civil against Baiterek: d = (0, -1, 2, 2, 2, 2);
    R = (0.3·0 + 0.15·2 + 0.1·2 · 3) / 0.75 = 1.2; x* = R / (R - d_k) = 1.2 / 2.2 = 6/11."""
    figures = analyse(weighing(SAMPLE_SCORES, SAMPLE_WEIGHTS), 0.2, 100, 1, prefer=1)
    assert figures.smallest is not None
    assert (figures.smallest.criterion, figures.smallest.challenger) == (1, 2)
    assert figures.smallest.direction == RISE
    assert figures.smallest.weight == pytest.approx(6 / 11, abs=1e-12)
    assert figures.smallest.change == pytest.approx((6 / 11 - 0.25) / 0.25, abs=1e-12)  # +118.2%
    assert all(f.weight < 1 for f in figures.flips)  # Baiterek only draws level on influence at 100%: no flip
    assert any(c.criterion == 0 and c.weight == pytest.approx(1.0) for c in figures.crossings)


def test_a_tie_at_the_top_is_displaced_by_the_slightest_change() -> None:
    problem = weighing(((5, 1), (1, 5)), (0.5, 0.5))
    figures = analyse(problem, 0.2, 100, 1, prefer=1)
    assert figures.top == 1 and figures.tied == (0, 1)
    assert figures.smallest is not None and figures.smallest.change == 0
    assert figures.smallest.direction == RISE  # raising the weight on criterion 0 puts option 0 ahead
