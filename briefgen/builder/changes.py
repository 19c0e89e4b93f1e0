"""Change notes: what moved between two revisions of one output, as the audience saw them.

A snapshot holds fingerprints of the records the output showed, its risks' levels, its options' ranks and
fingerprints. The note names records added or revised by id with their current short claim, records removed by id
only (a record is often removed because its marking was raised above the audience: its claim must not follow it into
the note), risk levels and ranks that moved, and options whose definitions were revised. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass

from briefgen.analysis.memo_context import MemoContext
from briefgen.builder.deps import resolve
from briefgen.builder.manifest import Snapshot, fingerprint
from briefgen.inputs.validate import Brief

CLAIM_CHARS = 90


def snapshot(brief: Brief, ctx: MemoContext, cited: Iterable[str], fields: Mapping[str, Iterable[str]]) -> Snapshot:
    """What this revision of the output showed: ``fields`` names what the template read of each option, so an edit
    to a part of an option this audience never sees (withheld, or not in its template) is no change for it."""
    never = ctx.as_of
    records = {r: resolve(brief, f"record:{r}", never) for r in cited}
    shown = [(o, set(fields.get(o.id, ()))) for o in ctx.options]
    risks = {r.id: (r.level.label, r.residual_level.label) for o, f in shown if "risks" in f for r in o.risks}
    ranks = {o.id: o.rank for o, f in shown if "rank" in f and o.rank is not None}
    options = {o.id: fingerprint([_plain(getattr(o, name)) for name in sorted(f)]) for o, f in shown if f}
    return Snapshot(records=records, risks=risks, ranks=ranks, options=options)


def _plain(value: object) -> object:
    """JSON-able data of a view: what :func:`dataclasses.asdict` gives (so fingerprints stay as they were), without
    its deep copies."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
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
    return tuple(lines) or ("Wording or layout revised; no change to evidence, risk levels or ranks",)


def _short(claim: str) -> str:
    text = " ".join(claim.split())
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"
