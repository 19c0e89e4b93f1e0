"""``memo.sensitivity``: the figures of :mod:`briefgen.analysis.sensitivity` for the options one audience sees.

Release filtering applies as it does to ranks: the figures rest on every score of every option shown, so they are
computed only when the ranks are (every score visible; an option withheld whole is not ranked, and is not in the
figures either), and they are withheld (``None``) whenever the ranks are. A figure computed from fewer scores than
the ranks would describe a ranking the memo does not show. Every part carries the marking of the totals behind it
(the ranks' marking), so reading any of it marks the memo at least as the ranks would."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from briefgen.analysis.memo_context import (
    CriterionView,
    FlipView,
    OptionView,
    RankShare,
    Sensitivity,
    TornadoBar,
    WeightChange,
)
from briefgen.analysis.ranking import TIE
from briefgen.analysis.sensitivity import CUT, RISE, Change, Crossing, Figures, Weighing, analyse
from briefgen.analysis.wording import changes_sentence, flip_sentence, summary_sentence
from briefgen.inputs.model import Memo
from briefgen.inputs.scales import Marking, most_restrictive
from briefgen.inputs.validate import Brief

# The figures are a pure function of hashable inputs, and every audience of a memo that sees the same scores needs
# the same ones: computed once, not once per output (a memo's outputs render one after another). A memo of a pure
# function, keyed on every input and bounded: it changes how often the figures are computed, never what they are.
_analyse = functools.lru_cache(maxsize=16)(analyse)


def sensitivity(
    brief: Brief, memo: Memo, options: Sequence[OptionView], criteria: Sequence[CriterionView]
) -> Sensitivity | None:
    """The figures for ``options`` (ranked, as the audience sees them), or None if their ranks are withheld."""
    if len(options) < 2 or any(o.total is None or o.rank is None for o in options):
        return None
    weighing = weighing_of(brief, options)
    settings = brief.spec.sensitivity
    ids = [o.id for o in options]
    prefer = ids.index(memo.recommendation) if memo.recommendation in ids else None
    figures = _analyse(weighing, settings.step, settings.samples, settings.seed, prefer)
    marking = most_restrictive(o.derived_markings["rank"] for o in options)
    return _view(figures, weighing, options, criteria, prefer, settings.seed, marking)


def weighing_of(brief: Brief, options: Sequence[OptionView]) -> Weighing:
    """Scores in memo and criteria order; weights and ranges normalised by the weights' sum (1, or 100 per cent)."""
    crits = brief.spec.criteria
    total = sum(c.weight for c in crits)
    scores = []
    for option in options:
        by_id = {s.criterion: float(s.score) for s in option.scores}
        scores.append(tuple(by_id[c.id] for c in crits))
    bounds = tuple(
        (c.weight_range[0] / total, c.weight_range[1] / total)
        if c.weight_range is not None
        else ((0.0, 0.0) if c.weight == 0 else (0.0, 1.0))
        for c in crits
    )
    return Weighing(tuple(scores), tuple(c.weight / total for c in crits), bounds)


def _view(
    figures: Figures,
    weighing: Weighing,
    options: Sequence[OptionView],
    criteria: Sequence[CriterionView],
    prefer: int | None,
    seed: int,
    marking: Marking,
) -> Sensitivity:
    def flip(c: Crossing) -> FlipView:
        return _flip_view(c, weighing, options, criteria, marking)

    changes = tuple(
        WeightChange(
            criterion=criteria[c.criterion].id,
            name=criteria[c.criterion].name,
            direction=c.direction,
            weight=c.weight,
            ranks=c.ranks,
            reordered=c.ranks != figures.ranks,
            marking=marking,
        )
        for c in figures.changes
    )
    flips = tuple(flip(c) for c in figures.flips)
    smallest = flip(figures.smallest) if figures.smallest is not None else None
    acceptability = _acceptability(figures, options, marking)
    top = options[figures.top]
    return Sensitivity(
        top=top.id,
        top_title=top.title,
        tied=tuple(options[i].id for i in figures.tied),
        lead=figures.lead,
        step=figures.step,
        samples=figures.acceptability.samples,
        margin=1.96 * math.sqrt(0.25 / figures.acceptability.samples) if figures.acceptability.samples else 1.0,
        seed=seed,
        method=figures.acceptability.method,
        summary=summary_sentence(figures, options, criteria, prefer, flips, smallest),
        flip_summary=flip_sentence(smallest or next((f for f in flips if f.change is None), None)),
        changes_summary=changes_sentence(figures, options, prefer),
        changes=changes,
        reordered=sum(1 for c in changes if c.reordered),
        flips=flips,
        smallest=smallest,
        crossings=tuple(flip(c) for c in figures.crossings),
        tornado=_tornado(figures, criteria, marking),
        acceptability=acceptability,
        marking=marking,
    )


def _flip_view(
    c: Crossing, weighing: Weighing, options: Sequence[OptionView], criteria: Sequence[CriterionView], marking: Marking
) -> FlipView:
    crit = criteria[c.criterion]
    low, high = weighing.bounds[c.criterion]
    ranged = (low, high) not in ((0.0, 1.0), (0.0, 0.0))
    return FlipView(
        criterion=crit.id,
        name=crit.name,
        weight=weighing.weights[c.criterion],
        direction=c.direction,
        threshold=c.weight,
        change=c.change,
        challenger=options[c.challenger].id,
        challenger_title=options[c.challenger].title,
        within_range=(low - TIE <= c.weight <= high + TIE) if ranged else None,
        marking=marking,
    )


def _acceptability(figures: Figures, options: Sequence[OptionView], marking: Marking) -> tuple[RankShare, ...]:
    acc = figures.acceptability
    return tuple(
        RankShare(o.id, o.title, acc.shares[i], acc.shares[i][0], acc.central[i], marking)
        for i, o in enumerate(options)
    )


def _tornado(figures: Figures, criteria: Sequence[CriterionView], marking: Marking) -> tuple[TornadoBar, ...]:
    """One bar per criterion that can move, widest swing of the top option's lead first (criterion order on ties)."""
    cuts = {c.criterion: c for c in figures.changes if c.direction == CUT}
    rises = {c.criterion: c for c in figures.changes if c.direction == RISE}
    bars = [_bar(figures, criteria[k], cuts[k], rises[k], marking) for k in sorted(cuts)]
    order = sorted(range(len(bars)), key=lambda b: (-round(bars[b].swing, 9), b))
    return tuple(bars[b] for b in order)


def _bar(figures: Figures, crit: CriterionView, low: Change, high: Change, marking: Marking) -> TornadoBar:
    return TornadoBar(
        criterion=crit.id,
        name=crit.name,
        weight=crit.weight,
        low_weight=low.weight,
        high_weight=high.weight,
        low_total=low.top_total,
        high_total=high.top_total,
        low_lead=low.lead,
        high_lead=high.lead,
        low_rank=low.ranks[figures.top],
        high_rank=high.ranks[figures.top],
        swing=abs(high.lead - low.lead),
        marking=marking,
    )
