"""The sensitivity figures in plain words: one sentence a principal can read (the same words in the options
paper), and one on the one-at-a-time changes. The sentences name options by title and criteria by name; templates
escape them like any other text."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.analysis.memo_context import CriterionView, FlipView, OptionView
from briefgen.analysis.ranking import TIE
from briefgen.analysis.sensitivity import Figures


def percent(share: float) -> str:
    """0.25 → '25%', 0.088 → '8.8%', 1.1818 → '118%': whole per cent from 10% up, one decimal below."""
    value = share * 100
    if abs(value) >= 10 or abs(value - round(value)) < 0.05:
        return f"{value:.0f}%"
    return f"{value:.1f}%"


def a_or_an(number: str) -> str:
    """The article before a number read aloud: 'an 11% cut', 'an 8.8% rise', 'a 23% rise'."""
    digits = number.split(".")[0].rstrip("%")
    spoken_vowel = digits.startswith("8") or (len(digits) in (2, 5) and digits[:2] in ("11", "18"))
    return f"{'an' if spoken_vowel else 'a'} {number}"


def summary_sentence(
    figures: Figures,
    options: Sequence[OptionView],
    criteria: Sequence[CriterionView],
    prefer: int | None,
    flips: Sequence[FlipView],
    smallest: FlipView | None,
) -> str:
    return f"{_share_clause(figures, options, prefer)}; {_displacement_clause(figures, flips, smallest)}."


def _name(figures: Figures, options: Sequence[OptionView], prefer: int | None) -> str:
    return "The recommended option" if figures.top == prefer else options[figures.top].title


def _share_clause(figures: Figures, options: Sequence[OptionView], prefer: int | None) -> str:
    acc = figures.acceptability
    top = figures.top
    name = _name(figures, options, prefer)
    tied = [options[i].title for i in figures.tied if i != top]
    tie = f" ties for first with {_and(tied)} at the stated weights and" if tied else ""
    if acc.samples == 0:
        return f"{name}{tie} ranks first at the stated weights; no weighting within the stated ranges could be drawn"
    if acc.method == "fixed":
        return f"{name}{tie} ranks first at the only weighting the brief allows"
    where = " within the stated weight ranges" if acc.method == "rejection" else ""
    clause = f"{name}{tie} ranks first in {percent(acc.shares[top][0])} of random weightings{where}"
    other = _other(figures, prefer)
    if other is not None:
        label = "the recommended option" if other == prefer else options[other].title
        clause += f" ({label} in {percent(acc.shares[other][0])})"
    return clause


def _other(figures: Figures, prefer: int | None) -> int | None:
    """The option to name beside the top one: the recommended option if it is not on top, else the one most often
    first after it (the first in memo order on a tie), if any other ever is."""
    if prefer is not None and prefer != figures.top:
        return prefer
    firsts = [(row[0], -i) for i, row in enumerate(figures.acceptability.shares) if i != figures.top]
    share, neg = max(firsts, default=(0.0, 0))
    return -neg if share > 0 else None


def _displacement_clause(figures: Figures, flips: Sequence[FlipView], smallest: FlipView | None) -> str:
    step = figures.step
    if smallest is None or smallest.change is None:
        unweighted = next((f for f in flips if f.change is None), None)
        if unweighted is None:
            return "no change to one weight alone displaces it"
        return f"only weight on {unweighted.name}, now 0, could displace it"
    change = abs(smallest.change)
    move = f"{percent(change)} {smallest.direction} in the weight on {smallest.name}"
    if change <= TIE:
        who = smallest.challenger_title
        return f"the slightest {smallest.direction} in the weight on {smallest.name} puts {who} ahead"
    if change <= step + TIE:
        return f"{a_or_an(move)} would bring {smallest.challenger_title} level with it"
    return f"no change of up to {percent(step)} in one weight displaces it"


def flip_sentence(flip: FlipView | None) -> str:
    """The smallest flip in full: which weight, how far, and who draws level ("" if there is none)."""
    if flip is None:
        return ""
    if flip.change is None:
        move = f"giving {flip.name} a weight of {percent(flip.threshold)} (now 0, the others rescaled)"
    else:
        move = (
            f"{a_or_an(percent(abs(flip.change)))} {flip.direction} in the weight on {flip.name} (from "
            f"{percent(flip.weight)} to {percent(flip.threshold)}, the others rescaled)"
        )
    return f"The smallest single change that displaces it is {move}, at which {flip.challenger_title} draws level."


def changes_sentence(figures: Figures, options: Sequence[OptionView], prefer: int | None) -> str:
    changes = figures.changes
    if not changes:
        return "No weight can be changed one at a time: a single criterion carries all the weight."
    name = _name(figures, options, prefer)
    count = "both" if len(changes) == 2 else f"all {len(changes)}"
    what = (
        f"one-at-a-time changes (each weight cut or raised by {percent(figures.step)}, the others rescaled to keep "
        "the total at 100%)"
    )
    lost = sum(1 for c in changes if c.lead <= TIE)
    top = figures.top
    below = sum(1 for c in changes if _others_moved(c.ranks, figures.ranks, top))
    head = (
        f"{name} stays first under {count} {what}"
        if not lost
        else (f"{name} is no longer first alone under {lost} of the {len(changes)} {what}")
    )
    tail = "no other rank changes" if not below else f"the order of the other options changes under {below} of them"
    return f"{head}; {tail}."


def _others_moved(ranks: Sequence[int], stated: Sequence[int], top: int) -> bool:
    return any(r != s for i, (r, s) in enumerate(zip(ranks, stated, strict=True)) if i != top)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
