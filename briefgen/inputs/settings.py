"""Settings of briefgen.yaml about sourcing: where the source texts are (``source_texts``) and which lint rules are
turned off, for the whole brief or for one item, with the reason (``lint``). Rule names are checked against the
rules the lint has (``analysis/lint``), which this stage does not know."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Reason = Annotated[str, StringConstraints(pattern=r"\S", min_length=1, max_length=2_000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MAX_GAP = 100_000


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
