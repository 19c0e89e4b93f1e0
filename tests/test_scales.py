"""Scales: TLP order, NIST lookup, partial dates (property tests where inputs are open-ended)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.inputs.scales import Level, Marking, PartialDate, most_restrictive, risk_level

ORDER = ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"]
markings = st.sampled_from(list(Marking))


@given(markings, markings)
def test_marking_order_follows_tlp_not_the_alphabet(a: Marking, b: Marking) -> None:
    assert (a < b) == (ORDER.index(a.value) < ORDER.index(b.value))
    assert (a <= b) == (ORDER.index(a.value) <= ORDER.index(b.value))
    assert (a > b) == (ORDER.index(a.value) > ORDER.index(b.value))
    assert (a >= b) == (ORDER.index(a.value) >= ORDER.index(b.value))


@given(st.lists(markings))
def test_roll_up_is_the_most_restrictive(items: list[Marking]) -> None:
    rolled = most_restrictive(items)
    assert rolled.value == max((m.value for m in items), key=ORDER.index, default="TLP:CLEAR")


def test_marking_never_compares_with_text() -> None:
    with pytest.raises(TypeError):
        assert Marking.AMBER < "TLP:RED"


# NIST SP 800-30 Rev. 1 Table I-2, transcribed independently of the implementation.
TABLE = {
    "very-high": "VL L M H VH",
    "high": "VL L M H VH",
    "moderate": "VL L M M H",
    "low": "VL L L L M",
    "very-low": "VL VL VL L L",
}


@pytest.mark.parametrize("likelihood", list(Level))
@pytest.mark.parametrize("impact", list(Level))
def test_risk_level_is_the_nist_lookup(likelihood: Level, impact: Level) -> None:
    expected = TABLE[likelihood.value].split()[list(Level).index(impact)]
    assert risk_level(likelihood, impact).short == expected


def test_risk_level_is_not_a_product() -> None:
    assert risk_level(Level.HIGH, Level.VERY_LOW) == Level.VERY_LOW
    assert risk_level(Level.MODERATE, Level.HIGH) == Level.MODERATE


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_partial_dates_round_trip(day: dt.date) -> None:
    for text in (f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}", day.isoformat()):
        parsed = PartialDate.parse(text)
        assert str(parsed) == text
        assert parsed.earliest <= day
    assert PartialDate.parse(day) == PartialDate.parse(day.isoformat())
    assert PartialDate.parse(day.year) == PartialDate.parse(str(day.year))


@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(29, 31))
def test_impossible_dates_are_refused(year: int, month: int, day: int) -> None:
    try:
        dt.date(year, month, day)
    except ValueError:
        with pytest.raises(ValueError, match="impossible date"):
            PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
    else:
        assert PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}").day == day


@given(st.text(max_size=12))
def test_arbitrary_text_is_a_date_or_a_clear_error(text: str) -> None:
    try:
        parsed = PartialDate.parse(text)
    except ValueError as exc:
        assert "expected a year" in str(exc) or "impossible date" in str(exc)
    else:
        assert str(parsed) == text.strip()


@given(st.lists(st.dates(min_value=dt.date(1000, 1, 1)), min_size=2, max_size=5))
def test_partial_dates_order_like_dates(days: list[dt.date]) -> None:
    parsed = sorted(PartialDate.parse(d) for d in days)
    assert [p.earliest for p in parsed] == sorted(days)


def test_long_form() -> None:
    assert PartialDate.parse("2024-09").long() == "September 2024"
    assert PartialDate.parse("2026-03-24").long() == "24 March 2026"
    assert PartialDate.parse(2025).long() == "2025"
