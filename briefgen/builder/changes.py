"""Change notes: what moved between two revisions of one output, as the audience saw them.

A snapshot holds fingerprints of the memo's own text sections the output showed (background, judgments, dissent,
implementation, ...), the records it showed, its risks' levels, its options' ranks and fingerprints. The note names
the memo's sections that were revised, records added or revised by id with their current short claim, records
removed by id only, risk levels and ranks that moved, and options whose definitions were revised. What left the
output because it is now withheld from the audience (its marking raised above the audience's) is named by no id
and no claim: it is counted, "1 item withheld at a higher marking". Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace

from briefgen.analysis.memo_context import MemoContext, Sensitivity
from briefgen.analysis.wording import a_or_an
from briefgen.builder.deps import resolve
from briefgen.builder.manifest import Snapshot, fingerprint
from briefgen.inputs.validate import Brief

CLAIM_CHARS = 90
# The memo's own text, as a change note names its sections.
TEXT_SECTIONS = {
    "question": "Question",
    "subject": "Subject",
    "bluf": "Bottom line",
    "rationale": "Rationale",
    "background": "Background",
    "key_judgments": "Key judgments",
    "assumptions": "Assumptions",
    "implementation": "Implementation",
    "coordination": "Coordination",
    "dissent": "Dissent",
    "partner_benefits": "Partner benefits",
    "attachments": "Attachments",
    "decide_by": "Decision date",
}


@dataclass(frozen=True)
class Visible:
    """What the audience may see now, to tell an item that left its output because it is withheld (counted, never
    named) from one that was deleted or is simply no longer shown (named by id)."""

    withheld_records: frozenset[str]  # records of the brief above the audience's marking
    memo_risks: frozenset[str]  # every risk of the memo's options, in the brief
    shown_risks: frozenset[str]  # those that passed the audience's marking
    memo_options: frozenset[str]
    shown_options: frozenset[str]

    def withheld(self, kind: str, ident: str) -> bool:
        if kind == "record":
            return ident in self.withheld_records
        if kind == "risk":
            return ident in self.memo_risks and ident not in self.shown_risks
        return ident in self.memo_options and ident not in self.shown_options


def visible(brief: Brief, option_ids: Iterable[str], ctx: MemoContext, records: Iterable[str]) -> Visible:
    """What ``ctx``'s audience may see of the memo weighing ``option_ids``; ``records`` are those to ask about."""
    ceiling = ctx.max_marking
    memo_options = frozenset(option_ids)
    risks = frozenset(r.id for o in memo_options if o in brief.options for r in brief.options[o].risks)
    return Visible(
        withheld_records=frozenset(r for r in records if r in brief.records and brief.record_marking(r) > ceiling),
        memo_risks=risks,
        shown_risks=frozenset(r.id for o in ctx.options for r in o.risks),
        memo_options=memo_options,
        shown_options=frozenset(o.id for o in ctx.options),
    )


def snapshot(
    brief: Brief,
    ctx: MemoContext,
    cited: Iterable[str],
    fields: Mapping[str, Iterable[str]],
    sensitivity: bool = False,
    memo_fields: Iterable[str] = (),
) -> Snapshot:
    """What this revision of the output showed: ``fields`` names what the template read of each option, and
    ``memo_fields`` what it read of the memo, so an edit to a part this audience never sees (withheld, or not in its
    template) is no change for it; ``sensitivity`` says whether it read ``memo.sensitivity``."""
    never = ctx.as_of
    records = {r: resolve(brief, f"record:{r}", never) for r in cited}
    shown = [(o, set(fields.get(o.id, ()))) for o in ctx.options]
    risks = {r.id: (r.level.label, r.residual_level.label) for o, f in shown if "risks" in f for r in o.risks}
    ranks = {o.id: o.rank for o, f in shown if "rank" in f and o.rank is not None}
    options = {o.id: fingerprint([_plain(getattr(o, name)) for name in sorted(f)]) for o, f in shown if f}
    figures = sensitivity_figures(ctx.sensitivity) if sensitivity else {}
    text = {name: fingerprint(_section(ctx, name)) for name in memo_fields if name in TEXT_SECTIONS}
    return Snapshot(records=records, risks=risks, ranks=ranks, options=options, sensitivity=figures, text=text)


def _section(ctx: MemoContext, name: str) -> object:
    value = _plain(getattr(ctx, name))
    return [value, list(ctx.judgment_confidence)] if name == "key_judgments" else value


def moved(old: Snapshot, new: Snapshot) -> bool:
    """Whether what the output shows moved, apart from its own text (which its content digest already covers, and
    which manifests of earlier versions did not record)."""
    return replace(old, text={}) != replace(new, text={})


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
    """JSON-able data of a view: what :func:`dataclasses.asdict` gives (so fingerprints stay as they were), without
    its deep copies."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def change_note(
    old: Snapshot,
    new: Snapshot,
    titles: dict[str, str],
    claims: dict[str, str],
    seen: Visible | None = None,
    criteria: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """One line per change, in a stable order: the memo's own text, records (with a count of what is now
    withheld), risks, ranks, options. ``claims`` gives the current claim of records the new revision shows;
    ``seen`` says what the audience may see now (without it, nothing is taken to be withheld); ``criteria`` the
    criteria's names by id, as the memo prints them."""
    withheld = seen.withheld if seen else (lambda kind, ident: False)
    lines = [
        f"{label} revised"
        for name, label in TEXT_SECTIONS.items()
        if name in old.text and name in new.text and old.text[name] != new.text[name]
    ]
    lines += [f"Added {r}: {_short(claims[r])}" for r in sorted(new.records.keys() - old.records.keys())]
    gone = sorted(old.records.keys() - new.records.keys())
    lines += [f"Removed {r}" for r in gone if not withheld("record", r)]
    lost_risks = sorted(old.risks.keys() - new.risks.keys())
    lost_options = (old.options.keys() | old.ranks.keys()) - (new.options.keys() | new.ranks.keys())
    hidden = [
        *(r for r in gone if withheld("record", r)),
        *(r for r in lost_risks if withheld("risk", r)),
        *(o for o in lost_options if withheld("option", o)),
    ]
    if hidden:  # where the removals are: what left the output, counted without a name
        lines.append(f"{len(hidden)} item{'s' if len(hidden) != 1 else ''} withheld at a higher marking")
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
    lines += [f"Risk {risk} no longer shown" for risk in lost_risks if not withheld("risk", risk)]
    # Old ranks and sensitivity figures computed with an option now withheld derive from it: neither is compared.
    ranked_then = [o for o in old.ranks if withheld("option", o)]
    lines += [
        f"Rank of {titles.get(o, o)}: {old.ranks[o]} → {new.ranks[o]}"
        for o in sorted(new.ranks.keys() & old.ranks.keys())
        if old.ranks[o] != new.ranks[o] and not ranked_then
    ]
    lines += [
        f"Option revised: {titles.get(o, o)}"
        for o in sorted(new.options.keys() & old.options.keys())
        if old.options[o] != new.options[o]
    ]
    weighed_then = [k for k in old.sensitivity if k.startswith("first:") and withheld("option", k[6:])]
    if not weighed_then:
        lines += _sensitivity_lines(old.sensitivity, new.sensitivity, titles, criteria or {})
    return tuple(lines) or ("Wording or layout revised; no change to evidence, risk levels or ranks",)


def _sensitivity_lines(
    old: Mapping[str, int], new: Mapping[str, int], titles: Mapping[str, str], criteria: Mapping[str, str]
) -> list[str]:
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
            f"Smallest single-weight change that changes the top option: now {_flip_text(now, titles, criteria)}, "
            f"was {_flip_text(was, titles, criteria)}"
        )
    return lines


def _flip(figures: Mapping[str, int]) -> tuple[str, int] | None:
    return next(((k, v) for k, v in sorted(figures.items()) if k.startswith("flip:")), None)


def _flip_text(flip: tuple[str, int] | None, titles: Mapping[str, str], criteria: Mapping[str, str]) -> str:
    if flip is None:
        return "none"
    (key, value) = flip
    _, criterion, direction, challenger = key.split(":", 3)
    name, rival = criteria.get(criterion, criterion), titles.get(challenger, challenger)
    return f"{a_or_an(f'{value}%')} {direction} in the weight on {name} ({rival} level)"


def _short(claim: str) -> str:
    text = " ".join(claim.split())
    return text if len(text) <= CLAIM_CHARS else text[: CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"
