"""Stage 3, assemble: a pure function ``(brief, memo, audience) → MemoContext``.

Everything a template shows is computed here: options in the memo's order, resolved evidence, risk levels (NIST
lookup), weighted scores and ranks, heat matrices, and the overall marking. Release filtering happens here and only
here: a portion above the audience's ``max_marking`` never reaches a template. A derived value (a total, a rank)
carries the most restrictive marking of what it is derived from, so it is withheld with its inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from briefgen.analysis.memo_context import Evidence, History, MemoContext
from briefgen.analysis.options import criteria, heat, option_views, rank
from briefgen.analysis.release import Gate
from briefgen.analysis.robustness import sensitivity
from briefgen.analysis.sources import citation, short_citation
from briefgen.inputs.model import Audience, Memo
from briefgen.inputs.scales import Marking, most_restrictive
from briefgen.inputs.validate import Brief


def assemble(brief: Brief, memo: Memo, audience_id: str, today: dt.date, history: History | None = None) -> MemoContext:
    """Everything the audience's template may show of ``memo``, and nothing above its release marking.
    ``today`` is the reference date for staleness; ``history`` comes from the build manifest."""
    history = history or History()
    audience = brief.spec.audiences[audience_id]
    gate = Gate(audience.max_marking)
    evidence = {i: e for i, e in _evidence(brief, citable(brief, memo), today).items() if gate.allows(e.marking)}
    options = rank(option_views(brief, memo, gate))
    recommended = next((o for o in options if o.id == memo.recommendation), None)
    judgments = [(gate.point(brief, j), j.confidence.value) for j in memo.key_judgments]
    kept = [(p, c) for p, c in judgments if p is not None]
    crits = criteria(brief)
    ctx = MemoContext(
        title=brief.spec.title,
        memo_id=memo.id,
        question=memo.question,
        subject=memo.subject or memo.question,
        to=memo.to or brief.spec.decision_maker,
        from_=memo.from_ or brief.spec.from_,
        organisation=brief.spec.organisation,
        prepared_by=memo.prepared_by,
        date=memo.date or history.date,
        decide_by=memo.decide_by,
        audience_id=audience_id,
        audience=audience.name,
        notes=audience.notes.value,
        max_marking=audience.max_marking,
        marking=Marking.CLEAR,
        text_marking=memo.marking,
        bluf=memo.bluf,
        options=options,
        recommended=recommended,
        criteria=crits,
        rationale=gate.points(brief, memo.rationale),
        background=gate.points(brief, memo.background),
        key_judgments=tuple(p for p, _ in kept),
        judgment_confidence=tuple(c for _, c in kept),
        assumptions=gate.points(brief, memo.assumptions),
        implementation=gate.points(brief, memo.implementation),
        coordination=memo.coordination,
        dissent=gate.points(brief, memo.dissent),
        partner_benefits=gate.points(brief, memo.partner_benefits),
        attachments=memo.attachments,
        evidence=evidence,
        heat_inherent=heat(options, residual=False),
        heat_residual=heat(options, residual=True),
        withheld=gate.withheld,
        sensitivity=sensitivity(brief, memo, options, crits),
        recommendation_reason=memo.recommendation_reason,
        version=history.version,
        changes=history.changes,
        stale_after=brief.spec.stale_after,
        as_of=today,
        derived_markings={"judgment_confidence": most_restrictive(p.marking for p, _ in kept)},
    )
    return _with_overall_marking(ctx, audience)


def revise(ctx: MemoContext, memo: Memo, history: History) -> MemoContext:
    """``ctx`` as the revision ``history`` describes: its version, change note and date (the memo's own date, if it
    sets one, else the day its content last changed)."""
    return replace(ctx, version=history.version, changes=history.changes, date=memo.date or history.date)


def citable(brief: Brief, memo: Memo) -> list[str]:
    """Every record the memo's portions cite: all a template can reach through cite()."""
    parts = [*memo.points(), *(p for o in memo.options for p in brief.options[o].portions())]
    return sorted({record for part in parts for record in part.evidence})


def _evidence(brief: Brief, ids: Iterable[str], today: dt.date) -> dict[str, Evidence]:
    out: dict[str, Evidence] = {}
    months = brief.spec.stale_after_months
    for record_id in ids:
        record = brief.records[record_id]
        source = brief.sources[brief.record_source[record_id]]
        out[record_id] = Evidence(
            id=record_id,
            claim=record.claim,
            quote=record.quote,
            grade=f"{source.reliability.value}{record.credibility}",
            reliability=source.reliability.value,
            credibility=record.credibility,
            as_of=record.as_of,
            marking=brief.record_marking(record_id),
            source_id=source.id,
            citation=citation(brief, source.id),
            short_citation=short_citation(brief, source.id),
            url=source.url,
            stale=record.is_stale(today, months),
        )
    return out


def _with_overall_marking(ctx: MemoContext, audience: Audience) -> MemoContext:
    """The memo is marked at the most restrictive marking of any portion it contains (roll-up)."""
    portions = [
        *ctx.rationale,
        *ctx.background,
        *ctx.key_judgments,
        *ctx.assumptions,
        *ctx.implementation,
        *ctx.dissent,
        *ctx.partner_benefits,
    ]
    markings = [ctx.text_marking, *(p.marking for p in portions)]
    for option in ctx.options:
        markings.append(option.marking)
        markings += [p.marking for p in (*option.description, *option.pros, *option.cons)]
        markings += [p.marking for p in (option.cost, option.reversibility, option.partner_views) if p]
        markings += [r.marking for r in option.risks] + [s.marking for s in option.scores]
    markings += [ctx.sensitivity.marking] if ctx.sensitivity else []
    overall = most_restrictive(markings)
    assert overall <= audience.max_marking, "release filtering let a portion through above the audience's marking"
    return replace(ctx, marking=overall)
