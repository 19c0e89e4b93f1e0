"""What assemble hands a template: the MemoContext and its parts, frozen. Only material the audience is cleared
for is ever put in one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from briefgen.inputs.scales import Level, Marking, PartialDate


class _Part:
    """A part a template shows field by field, never whole: the sandbox notes a part's marking as its fields are
    read, so printing, joining or formatting the part itself (which would show its content unnoted) is an error,
    and its repr names it without content."""

    def __str__(self) -> str:
        raise TypeError(f"cannot print a whole {type(self).__name__}: print its fields")

    def __format__(self, spec: str) -> str:
        raise TypeError(f"cannot format a whole {type(self).__name__}: format its fields")

    def __repr__(self) -> str:
        ident = getattr(self, "id", None) or getattr(self, "criterion", None) or getattr(self, "memo_id", "")
        return f"<{type(self).__name__} {ident}>".replace(" >", ">")


@dataclass(frozen=True, repr=False)
class Evidence(_Part):
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


@dataclass(frozen=True, repr=False)
class Portion(_Part):
    text: str
    evidence: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True, repr=False)
class RiskView(_Part):
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


@dataclass(frozen=True, repr=False)
class ScoreView(_Part):
    criterion: str
    name: str
    weight: float
    score: int
    weighted: float
    rationale: str
    evidence: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True, repr=False)
class OptionView(_Part):
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


@dataclass(frozen=True, repr=False)
class CriterionView(_Part):
    id: str
    name: str
    weight: float
    description: str


@dataclass(frozen=True, repr=False)
class HeatCell(_Part):
    likelihood: Level
    impact: Level
    level: Level
    risks: tuple[str, ...]
    marking: Marking


@dataclass(frozen=True, repr=False)
class MemoContext(_Part):
    title: str
    memo_id: str
    question: str
    subject: str
    to: str
    from_: str
    organisation: str | None
    prepared_by: str | None
    date: PartialDate | None
    decide_by: PartialDate | None
    audience_id: str
    audience: str
    max_marking: Marking
    marking: Marking
    text_marking: Marking  # the memo's own text (question, subject, BLUF, ...): a floor for the whole output
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
