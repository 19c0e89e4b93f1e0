"""Criterion weights that make sense: they sum to 1 (or to 100, read as per cent), a weight of 0 is deliberate and
says why, and a ``weight_range`` is a range the stated weight lies in. Each problem names the file, line and field."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefgen.errors import Problem
from briefgen.inputs.load import Document, Loc, field_path
from briefgen.inputs.model import Criterion

# Weights are typed by people: 0.333 three times is 0.999. Half a per cent either way is a rounding, not a mistake.
TOLERANCE = 0.005
UNITS = (1.0, 100.0)  # a fraction of 1, or per cent


def weight_unit(criteria: Sequence[Criterion]) -> float | None:
    """1 or 100: what the weights sum to, within the tolerance; None if they sum to neither."""
    total = sum(c.weight for c in criteria)
    return next((unit for unit in UNITS if abs(total - unit) <= TOLERANCE * unit), None)


def check_weights(doc: Document, criteria: Sequence[Criterion]) -> Iterator[Problem]:
    unit = weight_unit(criteria)
    if unit is None:
        yield _problem(doc, ("criteria",), _sum_message(criteria))
    for i, crit in enumerate(criteria):
        yield from _zero_weight(doc, i, crit)
        yield from _weight_range(doc, i, crit, unit)


def _sum_message(criteria: Sequence[Criterion]) -> str:
    total = sum(c.weight for c in criteria)
    listed = ", ".join(f"{c.id} {c.weight:g}" for c in criteria)
    message = f"weights must sum to 1 (or to 100, read as per cent), got {total:g}: {listed}"
    large = [c.id for c in criteria if c.weight > 1]
    if large and len(large) < len(criteria) and any(0 < c.weight < 1 for c in criteria):
        message += f"; {', '.join(large)} look{'s' if len(large) == 1 else ''} like per cent among fractions"
    return message


def _zero_weight(doc: Document, i: int, crit: Criterion) -> Iterator[Problem]:
    if crit.weight == 0 and crit.zero_weight_reason is None:
        yield _problem(
            doc,
            ("criteria", i, "weight"),
            f"a weight of 0 leaves {crit.id!r} out of the ranking: give it a weight, or say why in "
            "zero_weight_reason if that is deliberate",
        )
    if crit.weight != 0 and crit.zero_weight_reason is not None:
        yield _problem(
            doc,
            ("criteria", i, "zero_weight_reason"),
            f"zero_weight_reason is for a weight of 0, but {crit.id!r} has weight {crit.weight:g}: remove one",
        )


def _weight_range(doc: Document, i: int, crit: Criterion, unit: float | None) -> Iterator[Problem]:
    if crit.weight_range is None:
        return
    low, high = crit.weight_range
    loc: Loc = ("criteria", i, "weight_range")
    if low > high:
        yield _problem(doc, loc, f"the lower bound {low:g} is above the upper bound {high:g}")
        return
    if unit is None:
        return  # in what units the range is cannot be told: the sum is reported
    if high > unit:
        what = "100 (the weights are per cent)" if unit == 100 else "1 (the weights are fractions)"
        yield _problem(doc, loc, f"the upper bound {high:g} is above {what}")
    elif not low <= crit.weight <= high:
        yield _problem(
            doc, loc, f"the stated weight {crit.weight:g} lies outside its range [{low:g}, {high:g}]: widen the range"
        )


def _problem(doc: Document, loc: Loc, message: str) -> Problem:
    return Problem(doc.path, doc.line_of(loc), field_path(loc), message)
