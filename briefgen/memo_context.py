"""What assemble hands a template: the MemoContext and its parts, frozen. Only material the audience is cleared
for is ever put in one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefgen.scales import Level, Marking, PartialDate


@dataclass(frozen=True)
class Evidence:
    id: str
    claim: str
    quote: str
    grade: str
    reliability: str
    credibility: int
    as_of: PartialDate
    marking: Marking
    source_id: str
    citation: str
    short_citation: str
    url: str | None
    stale: bool


@dataclass(frozen=True)
class History:
    """What the build manifest remembers of an output: its version, the day its content last changed, and the
    change note of its latest revision."""

    version: int = 1
    date: PartialDate | None = None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Portion:
    text: str
    evidence: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True)
class RiskView:
    id: str
    risk: str
    likelihood: Level
    impact: Level
    level: Level
    mitigation: str
    residual_likelihood: Level
    residual_impact: Level
    residual_level: Level
    owner: str
    treatment: str
    evidence: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True)
class ScoreView:
    criterion: str
    name: str
    weight: float
    score: int
    weighted: float
    rationale: str
    evidence: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True)
class OptionView:
    id: str
    title: str
    summary: str
    marking: Marking
    recommended: bool
    description: tuple[Portion, ...]
    cost: Portion | None
    reversibility: Portion | None
    partner_views: Portion | None
    pros: tuple[Portion, ...]
    cons: tuple[Portion, ...]
    risks: tuple[RiskView, ...]
    scores: tuple[ScoreView, ...]
    total: float | None
    rank: int | None
    highest_residual: Level | None
    derived_markings: dict[str, Marking]


@dataclass(frozen=True)
class CriterionView:
    id: str
    name: str
    weight: float
    description: str


@dataclass(frozen=True)
class HeatCell:
    likelihood: Level
    impact: Level
    level: Level
    risks: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True)
class MemoContext:
    title: str
    memo_id: str
    question: str
    subject: str
    to: str
    from_: str
    prepared_by: str | None
    date: PartialDate | None
    decide_by: PartialDate | None
    audience_id: str
    audience: str
    max_marking: Marking
    marking: Marking
    bluf: str
    options: tuple[OptionView, ...]
    recommended: OptionView | None
    criteria: tuple[CriterionView, ...]
    rationale: tuple[Portion, ...]
    background: tuple[Portion, ...]
    key_judgments: tuple[Portion, ...]
    judgment_confidence: tuple[str, ...]
    assumptions: tuple[Portion, ...]
    implementation: tuple[Portion, ...]
    coordination: tuple[str, ...]
    dissent: tuple[Portion, ...]
    partner_benefits: tuple[Portion, ...]
    attachments: tuple[str, ...]
    evidence: dict[str, Evidence]
    heat_inherent: tuple[tuple[HeatCell, ...], ...]
    heat_residual: tuple[tuple[HeatCell, ...], ...]
    withheld: int
    version: int
    changes: tuple[str, ...]
    stale_after: str
    as_of: dt.date
