"""Domain scales with the exact labels of conventions.md: TLP 2.0 markings, NIST SP 800-30 levels,
Admiralty grades, and partial dates. Pure values and lookups, no I/O."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import Enum, StrEnum
from functools import total_ordering
from typing import Any, Literal, TypeVar

from briefgen.errors import DateOutOfRange, shown

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # ids of records, options, memos, audiences, ...

OutputFormat = Literal["md", "docx", "pdf", "html"]  # what a build writes for an audience
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("md", "docx", "pdf", "html")
DEFAULT_FORMATS: tuple[OutputFormat, ...] = ("md", "docx")

E = TypeVar("E", bound=Enum)


def _as(kind: type[E], other: object) -> E:
    """Comparisons only between members of the same scale: comparing a marking with text is a bug, not a sort."""
    if not isinstance(other, kind):
        raise TypeError(f"cannot compare {kind.__name__} with {type(other).__name__}")
    return other


class Marking(StrEnum):
    """FIRST Traffic Light Protocol 2.0, least to most restrictive."""

    CLEAR = "TLP:CLEAR"
    GREEN = "TLP:GREEN"
    AMBER = "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    RED = "TLP:RED"

    @property
    def rank(self) -> int:
        return _MARKING_ORDER.index(self)

    # str already defines every comparison, so all four are spelled out: total_ordering would keep str's.
    def __lt__(self, other: object) -> bool:
        return self.rank < _as(Marking, other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= _as(Marking, other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > _as(Marking, other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= _as(Marking, other).rank

    def __str__(self) -> str:
        return self.value


_MARKING_ORDER = list(Marking)

# A marking written into text in brackets, as an analyst might mark a portion: (TLP:RED), [TLP:AMBER], (tlp: red).
WRITTEN_MARK = re.compile(r"[(\[{]\s*\W*\s*TLP\s*:[^)\]}\n]{0,20}[)\]}]?", re.IGNORECASE)


def may_hold_written_mark(text: str) -> bool:
    """False only when no string a YAML text parses to can hold a written mark: the text holds none itself and no
    backslash (a double-quoted scalar could spell one with escapes, "\\x28TLP:RED)"). Line folding only turns line
    breaks into spaces, which a mark may hold anyway. Lets validation skip walking every string of such a file."""
    return "\\" in text or WRITTEN_MARK.search(text) is not None


def most_restrictive(markings: Any, default: Marking = Marking.CLEAR) -> Marking:
    """The roll-up of portion markings (STIX / portion-marking rule): the maximum, or ``default``."""
    return max(markings, default=default)


class Level(StrEnum):
    """NIST SP 800-30 Rev. 1 five-level scale for likelihood, impact and risk."""

    VERY_LOW = "very-low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very-high"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def short(self) -> str:
        return "".join(word[0].upper() for word in self.value.split("-"))

    def __lt__(self, other: object) -> bool:
        return self.rank < _as(Level, other).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= _as(Level, other).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > _as(Level, other).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= _as(Level, other).rank

    def __str__(self) -> str:
        return self.value


_LEVEL_ORDER = list(Level)
_LEVEL_LABELS = {
    Level.VERY_LOW: "Very Low",
    Level.LOW: "Low",
    Level.MODERATE: "Moderate",
    Level.HIGH: "High",
    Level.VERY_HIGH: "Very High",
}

LIKELIHOOD_WORDS = {
    Level.VERY_LOW: "highly unlikely",
    Level.LOW: "unlikely",
    Level.MODERATE: "somewhat likely",
    Level.HIGH: "highly likely",
    Level.VERY_HIGH: "almost certain",
}
IMPACT_WORDS = {
    Level.VERY_LOW: "negligible",
    Level.LOW: "limited",
    Level.MODERATE: "serious",
    Level.HIGH: "severe",
    Level.VERY_HIGH: "multiple severe or catastrophic",
}

# NIST SP 800-30 Rev. 1 Table I-2: rows likelihood, columns impact (VL, L, M, H, VH). A lookup, not a product.
_VL, _L, _M, _H, _VH = _LEVEL_ORDER
_RISK_TABLE: dict[Level, tuple[Level, ...]] = {
    Level.VERY_HIGH: (_VL, _L, _M, _H, _VH),
    Level.HIGH: (_VL, _L, _M, _H, _VH),
    Level.MODERATE: (_VL, _L, _M, _M, _H),
    Level.LOW: (_VL, _L, _L, _L, _M),
    Level.VERY_LOW: (_VL, _VL, _VL, _L, _L),
}


def risk_level(likelihood: Level, impact: Level) -> Level:
    """Risk level from the NIST SP 800-30 lookup table."""
    return _RISK_TABLE[likelihood][impact.rank]


class Reliability(StrEnum):
    """Admiralty source reliability."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def meaning(self) -> str:
        return _RELIABILITY_MEANING[self]


_RELIABILITY_MEANING = {
    Reliability.A: "completely reliable",
    Reliability.B: "usually reliable",
    Reliability.C: "fairly reliable",
    Reliability.D: "not usually reliable",
    Reliability.E: "unreliable",
    Reliability.F: "reliability cannot be judged",
}

CREDIBILITY_MEANING = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

FIRST_DAY, LAST_DAY = dt.date(1000, 1, 1), dt.date(9999, 12, 31)


def reference_date(as_of: dt.date | None) -> dt.date:
    """The day staleness is judged at: ``as_of``, or today. DateOutOfRange outside the years a PartialDate may
    name (1000-9999): an undated memo is dated by this day."""
    day = as_of or dt.date.today()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateOutOfRange(f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {day.isoformat()}")
    return day


_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@total_ordering
class PartialDate:
    """A year, a year-month or a full date, ordered by its earliest day."""

    __slots__ = ("day", "month", "year")

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        if day is not None and month is None:
            raise ValueError("a day needs a month")
        if not 1000 <= year <= 9999:  # first: dt.date() raises OverflowError, not ValueError, for a huge year
            raise ValueError(f"year {shown(year)} is out of range 1000-9999")
        dt.date(year, month or 1, day or 1)  # raises ValueError for impossible dates
        self.year, self.month, self.day = year, month, day

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Accept 2025, '2025', '2025-03', '2025-03-24' or a date; raise ValueError with what was found."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        if isinstance(value, str):
            match = _PARTIAL_DATE.match(value.strip())
            if match:
                year, month, day = (int(g) if g else None for g in match.groups())
                assert year is not None
                try:
                    return cls(year, month, day)
                except ValueError as exc:
                    raise ValueError(f"impossible date {shown(value)}: {exc}") from None
        raise ValueError(f"expected a year, year-month or date (2025, 2025-03, 2025-03-24), got {shown(value)}")

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and self._key() == other._key()

    def __lt__(self, other: PartialDate) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        """ISO form at its own precision: 2025, 2025-03 or 2025-03-24."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    def __repr__(self) -> str:
        return f"PartialDate({self})"

    def long(self) -> str:
        """Human form: 2025, March 2025, 24 March 2025."""
        if self.month is None:
            return str(self.year)
        month = _MONTHS[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"


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
