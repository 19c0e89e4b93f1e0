"""What a careful reader of the ranking would raise about a memo's recommendation: facts for ``briefgen check`` to
report as warnings (and ``--strict`` to fail on). Computed from every score (the team's own view, before release
filtering), with the brief's ``sensitivity`` settings. Pure; the warnings framework decides how to show them.

- ``recommendation-not-first``: the recommended option does not rank first on the weighted criteria.
- ``ranking-fragile``: it ranks first in less than ``sensitivity.warn_below`` of random weightings, or one
  single-weight change within ``sensitivity.step`` brings another option level with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefgen.analysis.memo_context import Sensitivity
from briefgen.analysis.options import criteria, option_views, rank
from briefgen.analysis.ranking import TIE
from briefgen.analysis.release import Gate
from briefgen.analysis.robustness import sensitivity
from briefgen.analysis.wording import a_or_an, percent
from briefgen.inputs.model import Memo
from briefgen.inputs.scales import Marking
from briefgen.inputs.validate import Brief

NOT_FIRST = "recommendation-not-first"
FRAGILE = "ranking-fragile"


@dataclass(frozen=True)
class Concern:
    rule: str  # NOT_FIRST or FRAGILE
    memo: str  # the memo's id
    field: str  # the memo field it is about, for file:line:field: "recommendation"
    message: str


def ranking_concerns(brief: Brief, memo: Memo) -> tuple[Concern, ...]:
    """Concerns about ``memo``'s recommendation, in a fixed order: not first, then fragile (share, then step)."""
    options = rank(option_views(brief, memo, Gate(Marking.RED)))
    figures = sensitivity(brief, memo, options, criteria(brief))
    rec = next(o for o in options if o.id == memo.recommendation)
    if figures is None or rec.rank is None:
        return ()
    out = []
    if rec.rank > 1:
        first = ", ".join(repr(o.id) for o in options if o.rank == 1)
        reason = (
            "the memo states its reason (recommendation_reason)"
            if memo.recommendation_reason
            else "say why in recommendation_reason, which the memo prints"
        )
        message = f"recommended option {rec.id!r} ranks {rec.rank} of {len(options)} on the weighted criteria "
        out.append(Concern(NOT_FIRST, memo.id, "recommendation", message + f"({first} first): {reason}"))
    out += _fragile(brief, memo, figures)
    return tuple(out)


def _fragile(brief: Brief, memo: Memo, figures: Sensitivity) -> list[Concern]:
    settings = brief.spec.sensitivity
    rec = next(row for row in figures.acceptability if row.id == memo.recommendation)
    out = []
    if figures.samples and rec.first < settings.warn_below:
        best = max(figures.acceptability, key=lambda row: row.first)  # the first in memo order on a tie
        leader = f"; {best.id!r} ranks first in {percent(best.first)}" if best.id != rec.id else ""
        message = (
            f"recommended option {rec.id!r} ranks first in only {percent(rec.first)} of {figures.samples:,} random "
            f"weightings (sensitivity.warn_below: {percent(settings.warn_below)}){leader}"
        )
        out.append(Concern(FRAGILE, memo.id, "recommendation", message))
    flip = figures.smallest
    if (
        figures.top == rec.id
        and flip is not None
        and flip.change is not None
        and abs(flip.change) <= settings.step + TIE
    ):
        move = (
            f"the slightest {flip.direction}"
            if abs(flip.change) <= TIE
            else f"{a_or_an(percent(abs(flip.change)))} {flip.direction} (from {percent(flip.weight)} to "
            f"{percent(flip.threshold)})"
        )
        message = (
            f"{move} in the weight on {flip.criterion!r} brings {flip.challenger!r} level with recommended option "
            f"{rec.id!r}: within the one-at-a-time step of {percent(figures.step)} (sensitivity.step)"
        )
        out.append(Concern(FRAGILE, memo.id, "recommendation", message))
    return out


def concerns_of(rule: str) -> Callable[[Brief, Memo], tuple[Concern, ...]]:
    """The concerns of one rule, for the lint to register each rule on its own."""

    def of_rule(brief: Brief, memo: Memo) -> tuple[Concern, ...]:
        return tuple(c for c in ranking_concerns(brief, memo) if c.rule == rule)

    return of_rule
