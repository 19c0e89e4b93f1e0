"""The field types the input models share: ids, texts and URLs within their limits, partial dates, and periods such
as ``stale_after: 18 months``."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, StringConstraints, WithJsonSchema

from briefgen.errors import shown
from briefgen.inputs.scales import ID_PATTERN, PartialDate

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2_000)]


def _partial_date(value: object) -> PartialDate:
    return PartialDate.parse(value)


DateField = Annotated[
    PartialDate,
    BeforeValidator(_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "description": "A year, year-month or full date: 2025, 2025-03 or 2025-03-24",
            "anyOf": [
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            ],
        }
    ),
]


_MONTHS_TEXT = re.compile(r"^\s*(\d{1,4})\s*(months?|years?)?\s*$")
MAX_STALE_MONTHS = 1200
MONTHS_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_STALE_MONTHS},
        {"type": "string", "pattern": r"^\d+ (months?|years?)$", "description": "at most 100 years"},
    ]
}


def months(text: str) -> int:
    """'18 months' → 18, '2 years' → 24, '6' → 6."""
    match = _MONTHS_TEXT.match(text)
    assert match, text
    count = int(match.group(1))
    return count * 12 if (match.group(2) or "").startswith("year") else count


def months_text(value: object) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _MONTHS_TEXT.match(text) or months(text) < 1:
        raise ValueError(f"expected a period such as '18 months', '2 years' or 18, got {shown(value)}")
    if months(text) > MAX_STALE_MONTHS:  # evidence a century old is stale whatever the brief; dates end at 9999
        raise ValueError(f"expected a period of at most {MAX_STALE_MONTHS // 12} years, got {shown(value)}")
    return text.strip()
