"""Change notes: what moved between two revisions of one output, as the audience saw them.

A snapshot holds fingerprints of the records the output showed, its risks' levels, its options' ranks and
fingerprints. The note names records added or revised by id with their current short claim, records removed by id
only (a record is often removed because its marking was raised above the audience: its claim must not follow it into
the note), risk levels and ranks that moved, and options whose definitions were revised. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from briefgen.deps import resolve
from briefgen.manifest import Snapshot, fingerprint
from briefgen.memo_context import MemoContext
from briefgen.validate import Brief

CLAIM_CHARS = 90


def snapshot(brief: Brief, ctx: MemoContext, cited: Iterable[str]) -> Snapshot:
    """What this revision of the output showed."""
    never = ctx.as_of
    records = {r: resolve(brief, f"record:{r}", never) for r in cited}
    risks = {risk.id: (risk.level.label, risk.residual_level.label) for o in ctx.options for risk in o.risks}
    ranks = {o.id: o.rank for o in ctx.options if o.rank is not None}
    # Fingerprint what the audience sees of each option, so an edit to a withheld portion is no change for it.
    options = {o.id: fingerprint([asdict(o), o.rank]) for o in ctx.options}
    return Snapshot(records=records, risks=risks, ranks=ranks, options=options)


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
    return tuple(lines) or ("Wording or layout revised; no change to evidence, risk levels or ranks",)


def _short(claim: str) -> str:
    text = " ".join(claim.split())
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"
