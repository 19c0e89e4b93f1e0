"""The input schema as pydantic models: frozen, ``extra="forbid"``. One model per YAML file kind
(:class:`EvidenceFile`, :class:`Option`, :class:`BriefSpec`) and the parts they are made of.

The field names are a contract (design.md); additions are documented in the README's schema section."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

from briefgen.errors import shown
from briefgen.inputs.fields import (
    MONTHS_SCHEMA,
    DateField,
    Id,
    ShortText,
    Text,
    Url,
    months,
    months_text,
)
from briefgen.inputs.scales import (
    DEFAULT_FORMATS,
    Level,
    Marking,
    OutputFormat,
    Reliability,
    is_stale,
)
from briefgen.inputs.settings import (
    HistorySettings,
    LintSettings,
    SensitivitySettings,
    SourceTexts,
    Style,
    formats_listed,
)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Treatment(StrEnum):
    """UK Orange Book risk treatments."""

    TOLERATE = "tolerate"
    TREAT = "treat"
    TRANSFER = "transfer"
    TERMINATE = "terminate"


class Confidence(StrEnum):
    """ICD 203 analytic confidence."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


# ---------------------------------------------------------------- evidence/<source-id>.yaml


def _relative_path(value: str) -> str:
    parts = value.split("/")
    if value.startswith("/") or ".." in parts or "\\" in value or ":" in value or not value.isprintable():
        raise ValueError(
            f"expected a relative path inside the source-texts folder such as 'sources/x.pdf', got {shown(value)}"
        )
    return value


SourceFile = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(_relative_path),
    WithJsonSchema({"type": "string", "description": "a path inside the source-texts folder, such as sources/x.pdf"}),
]
Doi = Annotated[str, StringConstraints(pattern=r"^10\.\S+/\S+$", max_length=500)]
ExtraValue = str | int | float | bool | tuple[str, ...] | None


class Source(Frozen):
    id: Id
    title: ShortText
    author: ShortText | None = None
    publisher: ShortText | None = None
    short: ShortText | None = None  # the short form cited after the first note ("GAO 2024"), if not the derived one
    published: DateField
    url: Url | None = None
    doi: Doi | None = Field(default=None, description="without https://doi.org/, such as 10.1000/xyz123")
    reliability: Reliability
    reliability_reason: Text | None = Field(
        default=None, description="why the source is graded so; needed above F when no author or outlet is named"
    )
    marking: Marking = Marking.CLEAR
    file: SourceFile | None = Field(
        default=None,
        description="the source's text (.txt, .md, .html, .pdf or .docx), inside the source-texts folder "
        "(source_texts.folder in briefgen.yaml; default: the project folder): briefgen verify checks quotes in it",
    )
    extra: dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], ExtraValue] = Field(
        default_factory=dict, description="citation fields briefgen does not use, kept from an import"
    )


class EvidenceRecord(Frozen):
    id: Id
    claim: Text
    quote: Text
    credibility: Annotated[int, Field(ge=1, le=6, strict=True)]
    as_of: DateField
    topics: tuple[Annotated[str, StringConstraints(min_length=1, max_length=64)], ...] = ()
    marking: Marking | None = Field(default=None, description="overrides the source's marking")
    confirmed_by: tuple[Id, ...] = Field(
        default=(), description="records from other sources that corroborate this one (credibility 1 needs them)"
    )
    historical: bool = Field(default=False, description="its age is the point: never stale")

    def is_stale(self, today: dt.date, months: int) -> bool:
        """Older than ``months`` at ``today``, unless the record is historical (its age is the point)."""
        return not self.historical and is_stale(self.as_of, today, months)


# Fields no memo shows: a change to them changes no output (staleness, which ``historical`` decides, is a dependency
# of its own), so output fingerprints leave them out.
UNSHOWN_SOURCE_FIELDS = frozenset({"file", "extra", "reliability_reason"})
UNSHOWN_RECORD_FIELDS = frozenset({"confirmed_by", "historical"})


class EvidenceFile(Frozen):
    source: Source
    records: tuple[EvidenceRecord, ...] = Field(default=(), description="empty in a freshly imported source")


# ---------------------------------------------------------------- options/<option-id>.yaml


class Point(Frozen):
    """A portion of text that may cite evidence and carry its own marking."""

    text: Text
    evidence: tuple[Id, ...] = ()
    marking: Marking | None = Field(default=None, description="default: the most restrictive cited evidence")


class Residual(Frozen):
    likelihood: Level
    impact: Level


class Risk(Frozen):
    id: Id
    risk: Text
    likelihood: Level
    impact: Level
    mitigation: Text
    residual: Residual
    owner: ShortText
    treatment: Treatment = Treatment.TREAT
    evidence: tuple[Id, ...] = ()
    marking: Marking | None = None


class Score(Frozen):
    score: Annotated[int, Field(ge=1, le=5, strict=True)]
    rationale: Text
    evidence: tuple[Id, ...] = ()
    marking: Marking | None = None


class Option(Frozen):
    id: Id
    title: ShortText
    summary: Text
    description: str = Field(
        default="",
        max_length=50_000,
        description="Markdown; a paragraph may start with a portion mark such as (TLP:AMBER)",
    )
    marking: Marking = Field(
        default=Marking.CLEAR, description="marking of the option itself; a floor for its portions"
    )
    cost: Point | None = None
    reversibility: Point | None = None
    partner_views: Point | None = None
    pros: tuple[Point, ...] = ()
    cons: tuple[Point, ...] = ()
    risks: tuple[Risk, ...] = ()
    scores: dict[Id, Score] = Field(default_factory=dict)

    def portions(self) -> list[Point | Risk | Score]:
        """Every part of the option that can cite evidence or carry its own marking."""
        extra = [p for p in (self.cost, self.reversibility, self.partner_views) if p is not None]
        return [*self.pros, *self.cons, *self.risks, *self.scores.values(), *extra]


PORTION_MARK = re.compile(r"^\((TLP:[A-Z+]+)\)\s*")


def description_paragraphs(description: str) -> list[str]:
    """The option description split into paragraphs (blank-line separated), stripped, empty ones dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", description) if p.strip()]


# ---------------------------------------------------------------- briefgen.yaml


Bound = Annotated[float, Field(ge=0, le=1_000)]


class Criterion(Frozen):
    id: Id
    name: ShortText
    weight: Annotated[float, Field(ge=0, le=1_000)] = Field(
        description="weights sum to 1 (or to 100, read as per cent); 0 only with zero_weight_reason"
    )
    description: str = ""
    zero_weight_reason: ShortText | None = Field(
        default=None, description="why a weight of 0 is deliberate (required for, and only for, a weight of 0)"
    )
    weight_range: tuple[Bound, Bound] | None = Field(
        default=None,
        description="[low, high], in the weights' own units: the weights the team would accept, for rank "
        "acceptability; the stated weight must lie inside",
    )


class NoteStyle(StrEnum):
    """An audience's citations: footnotes (``[^n]``; Word footnotes) or bracketed numbers and a notes list."""

    FOOTNOTES = "footnotes"
    ENDNOTES = "endnotes"


class Audience(Frozen):
    name: ShortText
    template: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    max_marking: Marking
    description: str = ""
    notes: NoteStyle = Field(default=NoteStyle.FOOTNOTES, description="footnotes (default) or endnotes")
    redline: bool = Field(
        default=False, description="a revised output also gets <audience>.redline.docx and .redline.md"
    )
    formats: Annotated[tuple[OutputFormat, ...], AfterValidator(formats_listed)] = Field(
        default=DEFAULT_FORMATS, description="what a build writes for this audience (--format overrides)"
    )
    max_pages: int | None = Field(
        default=None, ge=1, le=1000, description="the most pages its PDF may run to (checked where a PDF is made)"
    )


class Judgment(Frozen):
    """A key judgment: ICD 203 confidence, never mixed with a likelihood term in the same sentence."""

    text: Text
    confidence: Confidence
    evidence: tuple[Id, ...] = ()
    marking: Marking | None = None


# What earlier builds kept in outputs/ beside the memos' folders (manifest.LEGACY_MANIFEST, removed by every build,
# so a memo folder of that name would be lost): outputs/<memo-id>/ must not
# be one of them, in any case (a case-insensitive file system). Names starting with '.' are not ids (ID_PATTERN).
RESERVED_MEMO_IDS = frozenset({"manifest.json"})


class Memo(Frozen):
    model_config = ConfigDict(populate_by_name=True)

    id: Id
    question: Text
    subject: ShortText | None = None
    to: ShortText | None = Field(default=None, description="ACTION MEMO FOR; default: the brief's decision_maker")
    from_: ShortText | None = Field(default=None, alias="from", description="FROM; default: the brief's from")
    prepared_by: ShortText | None = None
    date: DateField | None = Field(default=None, description="the memo's date; default: none shown")
    decide_by: DateField | None = None
    options: tuple[Id, ...] = Field(min_length=2)
    recommendation: Id
    audiences: tuple[Id, ...] = Field(min_length=1)
    bluf: Text = Field(description="bottom line up front: at most 4 lines (about 400 characters)")
    rationale: tuple[Point, ...] = ()
    background: tuple[Point, ...] = ()
    key_judgments: tuple[Judgment, ...] = ()
    assumptions: tuple[Point, ...] = ()
    implementation: tuple[Point, ...] = ()
    coordination: tuple[ShortText, ...] = ()
    dissent: tuple[Point, ...] = ()
    partner_benefits: tuple[Point, ...] = Field(default=(), description="why the proposal serves both sides")
    recommendation_reason: Text | None = Field(
        default=None,
        description="why the recommendation stands if it does not rank first on the weighted criteria; the "
        "memo states it (memo text: covered by the memo's marking)",
    )
    attachments: tuple[ShortText, ...] = ()
    marking: Marking = Field(
        default=Marking.CLEAR,
        description="marking of the memo's own text (question, subject, BLUF, coordination, attachments): a floor "
        "for every output of the memo; every audience of the memo must be cleared for it",
    )

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.lower() in RESERVED_MEMO_IDS:
            raise ValueError(f"{value!r} is reserved: briefgen keeps outputs/{value} for itself; choose another id")
        return value

    def points(self) -> list[Point | Judgment]:
        """Every paragraph of the memo that can cite evidence or carry its own marking."""
        return [point for name in MEMO_POINTS for point in getattr(self, name)]


MEMO_POINTS = (
    "rationale",
    "background",
    "key_judgments",
    "assumptions",
    "implementation",
    "dissent",
    "partner_benefits",
)


class BriefSpec(Frozen):
    model_config = ConfigDict(populate_by_name=True)

    title: ShortText
    decision_maker: ShortText
    from_: ShortText = Field(alias="from")
    organisation: ShortText | None = None
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    audiences: dict[Id, Audience] = Field(min_length=1)
    memos: tuple[Memo, ...] = Field(min_length=1)
    style: Style = Style()
    source_texts: SourceTexts = SourceTexts()
    lint: LintSettings = LintSettings()
    sensitivity: SensitivitySettings = SensitivitySettings()
    history: HistorySettings = HistorySettings()
    stale_after: Annotated[str, BeforeValidator(months_text), WithJsonSchema(MONTHS_SCHEMA)] = Field(
        default="18 months", description="cited evidence older than this is flagged: '18 months', '2 years' or 18"
    )

    @property
    def stale_after_months(self) -> int:
        return months(self.stale_after)


SCHEMAS: dict[str, type[BaseModel]] = {"evidence": EvidenceFile, "option": Option, "brief": BriefSpec}


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for one input file kind, for editor completion."""
    schema = SCHEMAS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
