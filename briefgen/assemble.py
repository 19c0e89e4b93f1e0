"""Stage 3, assemble: a pure function ``(brief, memo, audience) → MemoContext``.

Everything a template shows is computed here: options in the memo's order, resolved evidence, risk levels (NIST
lookup), weighted scores and ranks, heat matrices, and the overall marking. Release filtering happens here and only
here: a portion above the audience's ``max_marking`` never reaches a template. A derived value (a total, a rank)
carries the most restrictive marking of what it is derived from, so it is withheld with its inputs."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace

from briefgen.memo_context import (
    CriterionView,
    Evidence,
    HeatCell,
    History,
    MemoContext,
    OptionView,
    Portion,
    RiskView,
    ScoreView,
)
from briefgen.model import PORTION_MARK, Audience, Judgment, Memo, Option, Point, Risk, description_paragraphs
from briefgen.scales import Level, Marking, PartialDate, most_restrictive, risk_level
from briefgen.validate import Brief


def assemble(brief: Brief, memo: Memo, audience_id: str, today: dt.date, history: History | None = None) -> MemoContext:
    """Everything the audience's template may show of ``memo``, and nothing above its release marking.
    ``today`` is the reference date for staleness; ``history`` comes from the build manifest."""
    history = history or History()
    audience = brief.spec.audiences[audience_id]
    gate = _Gate(audience.max_marking)
    evidence = {i: e for i, e in _evidence(brief, citable(brief, memo), today).items() if gate.allows(e.marking)}
    options = _rank(_option_views(brief, memo, gate))
    recommended = next((o for o in options if o.id == memo.recommendation), None)
    judgments = [(gate.point(brief, j), j.confidence.value) for j in memo.key_judgments]
    kept = [(p, c) for p, c in judgments if p is not None]
    ctx = MemoContext(
        title=brief.spec.title,
        memo_id=memo.id,
        question=memo.question,
        subject=memo.subject or memo.question,
        to=memo.to or brief.spec.decision_maker,
        from_=memo.from_ or brief.spec.from_,
        prepared_by=memo.prepared_by,
        date=memo.date or history.date,
        decide_by=memo.decide_by,
        audience_id=audience_id,
        audience=audience.name,
        max_marking=audience.max_marking,
        marking=Marking.CLEAR,
        text_marking=memo.marking,
        bluf=memo.bluf,
        options=options,
        recommended=recommended,
        criteria=_criteria(brief),
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
        heat_inherent=_heat(options, residual=False),
        heat_residual=_heat(options, residual=True),
        withheld=gate.withheld,
        version=history.version,
        changes=history.changes,
        stale_after=brief.spec.stale_after,
        as_of=today,
    )
    return _with_overall_marking(ctx, audience)


class _Gate:
    """Decides what passes the audience's release marking, and counts what it withholds."""

    def __init__(self, ceiling: Marking) -> None:
        self.ceiling = ceiling
        self.withheld = 0

    def allows(self, marking: Marking) -> bool:
        ok = marking <= self.ceiling
        self.withheld += 0 if ok else 1
        return ok

    def point(self, brief: Brief, point: Point | Judgment, floor: Marking = Marking.CLEAR) -> Portion | None:
        marking = max(floor, point.marking or brief.evidence_marking(point.evidence))
        return Portion(point.text, point.evidence, marking) if self.allows(marking) else None

    def points(
        self, brief: Brief, points: Iterable[Point | Judgment], floor: Marking = Marking.CLEAR
    ) -> tuple[Portion, ...]:
        return tuple(p for p in (self.point(brief, x, floor) for x in points) if p is not None)


def citation(brief: Brief, source_id: str) -> str:
    """Chicago-style note text: author, "title", outlet, date, URL — only what the source gives."""
    source = brief.sources[source_id]
    parts = [source.author, f"“{source.title}”", source.publisher, source.published.long()]
    text = ", ".join(p for p in parts if p)
    return f"{text}, {source.url}" if source.url else text


def short_citation(brief: Brief, source_id: str) -> str:
    """Author's surname (or the outlet, or the title) and year: "Keranen 2025"."""
    source = brief.sources[source_id]
    who = source.author.split()[-1] if source.author else source.publisher or source.title
    return f"{who} {source.published.year}"


def stale_limit(as_of: PartialDate, months: int) -> dt.date:
    """The last day on which evidence of this date is fresh: ``months`` after the last day the date can mean, or
    the last day a date can name (``dt.date.max``) if that is later: such evidence is never stale."""
    year, month = as_of.year, as_of.month or 12
    day = as_of.day or calendar.monthrange(year, month)[1]
    limit_year, limit_month = divmod(year * 12 + (month - 1) + months, 12)
    if limit_year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(limit_year, limit_month + 1, min(day, calendar.monthrange(limit_year, limit_month + 1)[1]))


def is_stale(as_of: PartialDate, today: dt.date, months: int) -> bool:
    return stale_limit(as_of, months) < today


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
            stale=is_stale(record.as_of, today, months),
        )
    return out


def _criteria(brief: Brief) -> tuple[CriterionView, ...]:
    total = sum(c.weight for c in brief.spec.criteria)
    return tuple(CriterionView(c.id, c.name, c.weight / total, c.description) for c in brief.spec.criteria)


def _option_views(brief: Brief, memo: Memo, gate: _Gate) -> list[OptionView]:
    views = []
    for option_id in memo.options:
        option = brief.options[option_id]
        if gate.allows(option.marking):
            views.append(_option_view(brief, option, option.id == memo.recommendation, gate))
    return views


def _option_view(brief: Brief, option: Option, recommended: bool, gate: _Gate) -> OptionView:
    floor = option.marking
    risks = tuple(r for r in (_risk_view(brief, risk, floor) for risk in option.risks) if gate.allows(r.marking))
    scores, total = _scores(brief, option, gate)
    total_marking = most_restrictive((s.marking for s in scores), floor)
    risk_marking = most_restrictive((r.marking for r in risks), floor)
    return OptionView(
        id=option.id,
        title=option.title,
        summary=option.summary,
        marking=floor,
        recommended=recommended,
        description=tuple(p for p in _description(option) if gate.allows(p.marking)),
        cost=gate.point(brief, option.cost, floor) if option.cost else None,
        reversibility=gate.point(brief, option.reversibility, floor) if option.reversibility else None,
        partner_views=gate.point(brief, option.partner_views, floor) if option.partner_views else None,
        pros=gate.points(brief, option.pros, floor),
        cons=gate.points(brief, option.cons, floor),
        risks=risks,
        scores=scores,
        total=total,
        rank=None,
        highest_residual=max((r.residual_level for r in risks), default=None),
        derived_markings={"total": total_marking, "rank": total_marking, "highest_residual": risk_marking},
    )


def _description(option: Option) -> Iterator[Portion]:
    for paragraph in description_paragraphs(option.description):
        match = PORTION_MARK.match(paragraph)
        marking = max(option.marking, Marking(match.group(1))) if match else option.marking
        yield Portion(paragraph[match.end() :] if match else paragraph, (), marking)


def _risk_view(brief: Brief, risk: Risk, floor: Marking) -> RiskView:
    marking = max(floor, risk.marking or brief.evidence_marking(risk.evidence))
    return RiskView(
        id=risk.id,
        risk=risk.risk,
        likelihood=risk.likelihood,
        impact=risk.impact,
        level=risk_level(risk.likelihood, risk.impact),
        mitigation=risk.mitigation,
        residual_likelihood=risk.residual.likelihood,
        residual_impact=risk.residual.impact,
        residual_level=risk_level(risk.residual.likelihood, risk.residual.impact),
        owner=risk.owner,
        treatment=risk.treatment.value,
        evidence=risk.evidence,
        marking=marking,
    )


def _scores(brief: Brief, option: Option, gate: _Gate) -> tuple[tuple[ScoreView, ...], float | None]:
    """Visible scores, and the weighted total — withheld (None) if any score behind it is withheld."""
    views = []
    for crit in _criteria(brief):
        score = option.scores.get(crit.id)
        if score is None:
            continue
        marking = max(option.marking, score.marking or brief.evidence_marking(score.evidence))
        views.append(
            ScoreView(
                crit.id,
                crit.name,
                crit.weight,
                score.score,
                crit.weight * score.score,
                score.rationale,
                score.evidence,
                marking,
            )
        )
    visible = tuple(v for v in views if gate.allows(v.marking))
    complete = len(visible) == len(brief.spec.criteria)
    return visible, round(sum(v.weighted for v in visible), 4) if complete else None


def _rank(options: list[OptionView]) -> tuple[OptionView, ...]:
    """Rank by weighted total (1 = best; ties share a rank). No rank at all if any total is withheld."""
    if any(o.total is None for o in options):
        return tuple(options)
    totals = [o.total for o in options if o.total is not None]
    # A rank compares every option's total: it carries the most restrictive marking of all of them.
    rank_marking = most_restrictive(o.derived_markings["total"] for o in options)
    ranked = []
    for option in options:
        assert option.total is not None
        rank = 1 + sum(1 for t in totals if t > option.total)
        derived = {**option.derived_markings, "rank": rank_marking}
        ranked.append(_replace(option, rank=rank, derived_markings=derived))
    return tuple(ranked)


def _replace(option: OptionView, **changes: object) -> OptionView:
    return replace(option, **changes)  # type: ignore[arg-type]


def _heat(options: tuple[OptionView, ...], residual: bool) -> tuple[tuple[HeatCell, ...], ...]:
    """5×5 matrix, rows likelihood very-high → very-low, columns impact very-low → very-high."""
    rows = []
    for likelihood in reversed(Level):
        cells = []
        for impact in Level:
            inside = [r for o in options for r in o.risks if _position(r, residual) == (likelihood, impact)]
            marking = most_restrictive(r.marking for r in inside)
            cells.append(
                HeatCell(likelihood, impact, risk_level(likelihood, impact), tuple(r.id for r in inside), marking)
            )
        rows.append(tuple(cells))
    return tuple(rows)


def _position(risk: RiskView, residual: bool) -> tuple[Level, Level]:
    return (risk.residual_likelihood, risk.residual_impact) if residual else (risk.likelihood, risk.impact)


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
    overall = most_restrictive(markings)
    assert overall <= audience.max_marking, "release filtering let a portion through above the audience's marking"
    return replace(ctx, marking=overall)
