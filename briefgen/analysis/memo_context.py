"""What assemble hands a template: the MemoContext and its parts, frozen. Only material the audience is cleared
for is ever put in one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
    options: tuple[int, ...] = ()  # the option of each risk: its number (1, 2, ...) in memo.options


@dataclass(frozen=True, repr=False)
class RankShare(_Part):
    """One option's row of the rank acceptability table (SMAA-2)."""

    id: str
    title: str
    shares: tuple[float, ...]  # share of sampled weightings in which it ranks 1, 2, … (each row sums to 1)
    first: float  # shares[0]
    central: tuple[float, ...] | None  # mean weights (memo.criteria order) where it ranks first; None: never first
    marking: Marking


@dataclass(frozen=True, repr=False)
class FlipView(_Part):
    """Where the top option changes: weight ``criterion`` moved to ``threshold`` (the others rescaled) brings
    ``challenger`` level with it; any further and the challenger ranks first."""

    criterion: str
    name: str
    weight: float  # the stated weight (normalised)
    direction: str  # "cut" or "rise"
    threshold: float
    change: float | None  # relative to the stated weight (0.23 = 23%); None when the stated weight is 0
    challenger: str
    challenger_title: str
    within_range: bool | None  # inside the criterion's weight_range; None without one
    marking: Marking


@dataclass(frozen=True, repr=False)
class TornadoBar(_Part):
    """One criterion's bar of a tornado diagram: the top option under a cut and a rise of that weight by the
    step (the others rescaled). ``*_lead`` is its total minus the best other total: below 0, it is displaced."""

    criterion: str
    name: str
    weight: float
    low_weight: float
    high_weight: float
    low_total: float
    high_total: float
    low_lead: float
    high_lead: float
    low_rank: int
    high_rank: int
    swing: float  # |high_lead − low_lead|: bars are in decreasing order of it
    marking: Marking


@dataclass(frozen=True, repr=False)
class WeightChange(_Part):
    """One one-at-a-time change and every option's rank under it (memo.options order)."""

    criterion: str
    name: str
    direction: str
    weight: float
    ranks: tuple[int, ...]
    reordered: bool  # some rank differs from the ranks at the stated weights
    marking: Marking


@dataclass(frozen=True, repr=False)
class Sensitivity(_Part):
    """Does the ranking hold? Computed from the scores this audience may see, and marked with them."""

    top: str
    top_title: str
    tied: tuple[str, ...]  # every option ranked first at the stated weights
    lead: float  # the top option's total minus the best other total, at the stated weights
    step: float
    samples: int
    margin: float  # 95% margin of error of a share at that sample count (at worst, a share of one half)
    seed: int
    method: str  # "uniform" over all weightings, "rejection" within the weight ranges, "fixed": only one allowed
    summary: str  # one sentence in plain words (the principal memo prints it as it stands)
    flip_summary: str  # the smallest flip in full: weight, how far, who draws level ("" if none)
    changes_summary: str  # one sentence on the one-at-a-time changes
    changes: tuple[WeightChange, ...]
    reordered: int  # how many one-at-a-time changes alter some rank
    flips: tuple[FlipView, ...]
    smallest: FlipView | None
    crossings: tuple[FlipView, ...]  # every challenger against the top option on every criterion
    tornado: tuple[TornadoBar, ...]
    acceptability: tuple[RankShare, ...]  # memo.options order
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
    notes: str  # "footnotes" (cite() makes a Markdown footnote; Word footnotes) or "endnotes" (a notes list)
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
    sensitivity: Sensitivity | None  # None when a score behind the ranks is withheld, or fewer than 2 options
    recommendation_reason: str | None
    version: int
    changes: tuple[str, ...]
    stale_after: str
    as_of: dt.date
    # A memo-wide value derived from marked portions (judgment_confidence: the confidence of every judgment shown)
    # carries their most restrictive marking: reading it marks the memo so, like reading the portions themselves.
    derived_markings: dict[str, Marking] = field(default_factory=dict)
