"""Settings of briefgen.yaml: where the source texts are (``source_texts``), which lint rules are turned off, for the
whole brief or for one item, with the reason (``lint``), how the ranking is tested (``sensitivity``), and how many
versions of each output are kept (``history``). Rule names are checked against the rules the lint has
(``analysis/lint``), which this stage does not know."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from briefgen.inputs.scales import OUTPUT_FORMATS, Level, OutputFormat

Reason = Annotated[str, StringConstraints(pattern=r"\S", min_length=1, max_length=2_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MAX_GAP = 100_000
HexColour = Annotated[str, StringConstraints(pattern=r"^[0-9A-Fa-f]{6}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceTexts(_Frozen):
    """Where ``source.file`` paths are looked up. Inside the project by default; a folder outside it (a shared
    library of articles) only when ``outside_project`` says so: briefgen reads it and never writes there."""

    folder: Annotated[str, StringConstraints(min_length=1, max_length=1_000, pattern=r"^[^\x00-\x1f]+$")] = Field(
        default=".", description="relative to the project folder; default: the project folder itself"
    )
    outside_project: bool = Field(
        default=False, description="true to allow a folder outside the project (read only, never written)"
    )
    max_gap: Annotated[int, Field(ge=0, le=MAX_GAP, strict=True)] = Field(
        default=600, description="characters of source text an ellipsis in a quote may skip"
    )


class Waiver(_Frozen):
    rule: Name
    item: Name = Field(description="a record, source, option, risk id, or memo-id.section[n] for a memo paragraph")
    reason: Reason


class LintSettings(_Frozen):
    ignore: dict[Name, Reason] = Field(
        default_factory=dict, description="rule name -> why it is turned off for the whole brief"
    )
    waive: tuple[Waiver, ...] = Field(default=(), description="one rule turned off for one item, with the reason")


class SensitivitySettings(_Frozen):
    """How briefgen tests whether the ranking holds (briefgen.analysis.sensitivity, .smaa)."""

    step: Annotated[float, Field(gt=0, lt=1)] = Field(
        default=0.2, description="one-at-a-time changes: each weight ×(1 ± step), the others rescaled"
    )
    samples: Annotated[int, Field(ge=100, le=100_000, strict=True)] = Field(
        default=10_000, description="weight vectors sampled for rank acceptability (SMAA-2)"
    )
    seed: Annotated[int, Field(ge=0, le=2**32 - 1, strict=True)] = Field(
        default=2001, description="seed of the weight sampler: the same seed gives the same figures"
    )
    warn_below: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.5, description="a check concern when the recommendation ranks first in less than this share"
    )


class HistorySettings(_Frozen):
    """How many versions of each output briefgen keeps (under .briefgen/history/), to redline against."""

    keep: Annotated[int, Field(ge=1, le=1_000, strict=True)] = Field(
        default=5, description="versions of each output kept, the current one among them"
    )


def formats_listed(value: tuple[OutputFormat, ...]) -> tuple[OutputFormat, ...]:
    """An audience's ``formats``: at least one, each once."""
    twice = sorted({f for f in value if value.count(f) > 1})
    if not value:
        raise ValueError(f"expected at least one of {', '.join(OUTPUT_FORMATS)}, got none")
    if twice:
        raise ValueError(f"each format at most once; {', '.join(twice)} is listed twice")
    return value


class Style(_Frozen):
    """The house style: risk-level fills of table cells, and the Word reference document."""

    heat: dict[Level, HexColour] = Field(default_factory=dict, description="risk level -> cell fill RRGGBB")
    reference: Annotated[str, StringConstraints(min_length=1)] = "templates/reference.docx"
    curly_quotes: bool = Field(default=True, description="Word output: typographic quotes and apostrophes")
