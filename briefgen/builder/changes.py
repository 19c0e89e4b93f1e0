"""Change notes: what moved between two revisions of one output, as the audience saw them.

A snapshot holds fingerprints of the records the output showed, its risks' levels, its options' ranks and
fingerprints. The note names records added or revised by id with their current short claim, records removed by id
only (a record is often removed because its marking was raised above the audience: its claim must not follow it into
the note), risk levels and ranks that moved, and options whose definitions were revised. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass

from briefgen.analysis.memo_context import MemoContext, Sensitivity
from briefgen.analysis.wording import a_or_an
from briefgen.builder.deps import resolve
from briefgen.builder.manifest import Snapshot, fingerprint
from briefgen.inputs.validate import Brief

CLAIM_CHARS = 90


def snapshot(
    brief: Brief,
    ctx: MemoContext,
    cited: Iterable[str],
    fields: Mapping[str, Iterable[str]],
    sensitivity: bool = False,
) -> Snapshot:
    """What this revision of the output showed: ``fields`` names what the template read of each option, so an edit
    to a part of an option this audience never sees (withheld, or not in its template) is no change for it;
    ``sensitivity`` says whether it read ``memo.sensitivity``."""
    never = ctx.as_of
    records = {r: resolve(brief, f"record:{r}", never) for r in cited}
    shown = [(o, set(fields.get(o.id, ()))) for o in ctx.options]
    risks = {r.id: (r.level.label, r.residual_level.label) for o, f in shown if "risks" in f for r in o.risks}
    ranks = {o.id: o.rank for o, f in shown if "rank" in f and o.rank is not None}
    options = {o.id: fingerprint([_plain(getattr(o, name)) for name in sorted(f)]) for o, f in shown if f}
    figures = sensitivity_figures(ctx.sensitivity) if sensitivity else {}
    return Snapshot(records=records, risks=risks, ranks=ranks, options=options, sensitivity=figures)


def sensitivity_figures(figures: Sensitivity | None) -> dict[str, int]:
    """The figures a change note compares, in whole per cent as the memo rounds them: each option's share of
    weightings in which it ranks first, and the smallest single-weight change that changes the top option."""
    if figures is None:
        return {}
    out = {"shown": 1, **{f"first:{row.id}": round(row.first * 100) for row in figures.acceptability}}
    flip = figures.smallest
    if flip is not None and flip.change is not None:
        out[f"flip:{flip.criterion}:{flip.direction}:{flip.challenger}"] = round(abs(flip.change) * 100)
    return out


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def change_note(old: Snapshot, new: Snapshot, titles: dict[str, str], claims: dict[str, str]) -> tuple[str, ...]:
    """One line per change, in a stable order: records, risks, ranks, options. ``claims`` gives the current claim of
    records the new revision shows."""
    lines = [f"Added {r}: {_short(claims[r])}" for r in sorted(new.records.keys() - old.records.keys())]
    lines += [f"Removed {r}" for r in sorted(old.records.keys() - new.records.keys())]
    lines += [
        f"Revised {r}: {_short(claims[r])}"
        for r in sorted(new.records.keys() & old.records.keys())
        if new.records[r] != old.records[r]
    ]
    for risk in sorted(new.risks.keys() & old.risks.keys()):
        (was, was_res), (now, now_res) = old.risks[risk], new.risks[risk]
        if was != now:
            lines.append(f"Risk {risk} level {was} → {now}")
        if was_res != now_res:
            lines.append(f"Risk {risk} residual level {was_res} → {now_res}")
    lines += [f"New risk {risk}: {new.risks[risk][0]}" for risk in sorted(new.risks.keys() - old.risks.keys())]
    lines += [f"Risk {risk} no longer shown" for risk in sorted(old.risks.keys() - new.risks.keys())]
    lines += [
        f"Rank of {titles.get(o, o)}: {old.ranks[o]} → {new.ranks[o]}"
        for o in sorted(new.ranks.keys() & old.ranks.keys())
        if old.ranks[o] != new.ranks[o]
    ]
    lines += [
        f"Option revised: {titles.get(o, o)}"
        for o in sorted(new.options.keys() & old.options.keys())
        if old.options[o] != new.options[o]
    ]
    lines += _sensitivity_lines(old.sensitivity, new.sensitivity, titles)
    return tuple(lines) or ("Wording or layout revised; no change to evidence, risk levels or ranks",)


def _sensitivity_lines(old: Mapping[str, int], new: Mapping[str, int], titles: Mapping[str, str]) -> list[str]:
    """How the figures moved, if both revisions showed them: "X now first in 64% of weightings, was 71%"."""
    if "shown" not in old or "shown" not in new:
        return []
    lines = [
        f"{titles.get(key[6:], key[6:])} now first in {new[key]}% of weightings, was {old[key]}%"
        for key in sorted(k for k in new.keys() & old.keys() if k.startswith("first:"))
        if new[key] != old[key]
    ]
    was, now = _flip(old), _flip(new)
    if was != now:
        lines.append(
            f"Smallest single-weight change that changes the top option: now {_flip_text(now, titles)}, "
            f"was {_flip_text(was, titles)}"
        )
    return lines


def _flip(figures: Mapping[str, int]) -> tuple[str, int] | None:
    return next(((k, v) for k, v in sorted(figures.items()) if k.startswith("flip:")), None)


def _flip_text(flip: tuple[str, int] | None, titles: Mapping[str, str]) -> str:
    if flip is None:
        return "none"
    (key, value) = flip
    _, criterion, direction, challenger = key.split(":", 3)
    return (
        f"{a_or_an(f'{value}%')} {direction} in the weight on {criterion} ({titles.get(challenger, challenger)} level)"
    )


def _short(claim: str) -> str:
    text = " ".join(claim.split())
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"
