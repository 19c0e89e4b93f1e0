"""The options a memo weighs, as one audience may see them: portions filtered, risk levels looked up (NIST SP 800-30),
weighted scores and ranks (a derived value carries the most restrictive marking of what it is derived from), and the
5×5 heat matrices."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from briefgen.analysis.memo_context import CriterionView, HeatCell, OptionView, Portion, RiskView, ScoreView
from briefgen.analysis.ranking import competition_ranks
from briefgen.analysis.release import Gate
from briefgen.inputs.model import PORTION_MARK, Memo, Option, Risk, description_paragraphs
from briefgen.inputs.scales import Level, Marking, most_restrictive, risk_level
from briefgen.inputs.validate import Brief


def criteria(brief: Brief) -> tuple[CriterionView, ...]:
    total = sum(c.weight for c in brief.spec.criteria)
    return tuple(CriterionView(c.id, c.name, c.weight / total, c.description) for c in brief.spec.criteria)


def option_views(brief: Brief, memo: Memo, gate: Gate) -> list[OptionView]:
    views = []
    for option_id in memo.options:
        option = brief.options[option_id]
        if gate.allows(option.marking):
            views.append(_option_view(brief, option, option.id == memo.recommendation, gate))
    return views


def _option_view(brief: Brief, option: Option, recommended: bool, gate: Gate) -> OptionView:
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


def _scores(brief: Brief, option: Option, gate: Gate) -> tuple[tuple[ScoreView, ...], float | None]:
    """Visible scores, and the weighted total — withheld (None) if any score behind it is withheld."""
    views = []
    for crit in criteria(brief):
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


def rank(options: list[OptionView]) -> tuple[OptionView, ...]:
    """Rank by weighted total (1 = best; ties share a rank, by the one tie rule of ``ranking``). No rank at all if
    any total is withheld."""
    if any(o.total is None for o in options):
        return tuple(options)
    # Exact totals (the shown ones are rounded), so the ranks are those the sensitivity figures start from.
    ranks = competition_ranks([sum(s.weighted for s in o.scores) for o in options])
    # A rank compares every option's total: it carries the most restrictive marking of all of them.
    rank_marking = most_restrictive(o.derived_markings["total"] for o in options)
    ranked = []
    for option, rank in zip(options, ranks, strict=True):
        derived = {**option.derived_markings, "rank": rank_marking}
        ranked.append(_replace(option, rank=rank, derived_markings=derived))
    return tuple(ranked)


def _replace(option: OptionView, **changes: object) -> OptionView:
    return replace(option, **changes)  # type: ignore[arg-type]


def heat(options: tuple[OptionView, ...], residual: bool) -> tuple[tuple[HeatCell, ...], ...]:
    """5×5 matrix, rows likelihood very-high → very-low, columns impact very-low → very-high."""
    rows = []
    for likelihood in reversed(Level):
        cells = []
        for impact in Level:
            inside = [
                (number, r)
                for number, o in enumerate(options, start=1)
                for r in o.risks
                if _position(r, residual) == (likelihood, impact)
            ]
            marking = most_restrictive(r.marking for _, r in inside)
            level = risk_level(likelihood, impact)
            ids, numbers = tuple(r.id for _, r in inside), tuple(n for n, _ in inside)
            cells.append(HeatCell(likelihood, impact, level, ids, marking, numbers))
        rows.append(tuple(cells))
    return tuple(rows)


def _position(risk: RiskView, residual: bool) -> tuple[Level, Level]:
    return (risk.residual_likelihood, risk.residual_impact) if residual else (risk.likelihood, risk.impact)
