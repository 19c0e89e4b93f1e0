"""Weights that make sense (issue 10, item 4): they sum to 1 or to 100, a zero weight says why, a weight range
holds its weight — each refused with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from briefs import BRIEF, build_tree, expect_error, run_check

from briefgen.analysis.wording import a_or_an

CRITERIA = """\
  - {id: influence, name: Regional influence, weight: 0.6}
  - {id: cost, name: Cost to the US, weight: 0.4}
"""


def with_criteria(tmp_path: Path, criteria: str) -> Path:
    return build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace(CRITERIA, criteria)})


def test_a_weight_of_35_among_fractions_is_refused_naming_each_weight_and_the_sum(tmp_path: Path) -> None:
    root = with_criteria(tmp_path, CRITERIA.replace("weight: 0.4", "weight: 35"))
    expect_error(
        root,
        r"^briefgen\.yaml:4: criteria: weights must sum to 1 \(or to 100, read as per cent\), got 35\.6: "
        r"influence 0\.6, cost 35; cost looks like per cent among fractions$",
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("60", "40"), ("0.6", "0.398"), ("60.2", "40"), ("0.5", "0.5")],
)
def test_weights_summing_to_1_or_100_within_half_a_per_cent_pass(tmp_path: Path, first: str, second: str) -> None:
    criteria = CRITERIA.replace("weight: 0.6", f"weight: {first}").replace("weight: 0.4", f"weight: {second}")
    code, out = run_check(with_criteria(tmp_path, criteria))
    assert code == 0, out


@pytest.mark.parametrize(
    ("first", "second", "total"), [("0.6", "0.39", "0.99"), ("0.6", "0.6", "1.2"), ("50", "49", "99")]
)
def test_weights_off_by_more_are_refused(tmp_path: Path, first: str, second: str, total: str) -> None:
    criteria = CRITERIA.replace("weight: 0.6", f"weight: {first}").replace("weight: 0.4", f"weight: {second}")
    out = expect_error(with_criteria(tmp_path, criteria), rf"criteria: weights must sum to 1 .*got {total}: ")
    assert "looks like per cent" not in out


def test_a_zero_weight_must_say_why(tmp_path: Path) -> None:
    zero = CRITERIA.replace("weight: 0.4}", "weight: 0}").replace("weight: 0.6", "weight: 1")
    expect_error(
        with_criteria(tmp_path / "bare", zero),
        r"^briefgen\.yaml:6: criteria\[1\]\.weight: a weight of 0 leaves 'cost' out of the ranking: give it a "
        r"weight, or say why in zero_weight_reason if that is deliberate$",
    )
    deliberate = zero.replace("weight: 0}", "weight: 0, zero_weight_reason: Shown for information only.}")
    code, out = run_check(with_criteria(tmp_path / "deliberate", deliberate))
    assert code == 0, out
    stray = CRITERIA.replace("weight: 0.4}", "weight: 0.4, zero_weight_reason: Not weighed.}")
    expect_error(
        with_criteria(tmp_path / "stray", stray),
        r"^briefgen\.yaml:6: criteria\[1\]\.zero_weight_reason: zero_weight_reason is for a weight of 0, but "
        r"'cost' has weight 0\.4: remove one$",
    )


@pytest.mark.parametrize(
    ("weight_range", "message"),
    [
        ("[0.5, 0.3]", r"the lower bound 0\.5 is above the upper bound 0\.3"),
        ("[0.2, 1.5]", r"the upper bound 1\.5 is above 1 \(the weights are fractions\)"),
        ("[0.45, 0.5]", r"the stated weight 0\.4 lies outside its range \[0\.45, 0\.5\]: widen the range"),
        ("[-0.1, 0.5]", r"\[0\]: .*got -0\.1$"),  # the schema's own words: only the field and value are checked
        ("[0.1]", r"\[1\]: "),
    ],
)
def test_impossible_weight_ranges_are_refused(tmp_path: Path, weight_range: str, message: str) -> None:
    criteria = CRITERIA.replace("weight: 0.4}", f"weight: 0.4, weight_range: {weight_range}}}")
    expect_error(with_criteria(tmp_path, criteria), rf"^briefgen\.yaml:6: criteria\[1\]\.weight_range.*{message}")


def test_weight_ranges_in_per_cent(tmp_path: Path) -> None:
    criteria = "  - {id: influence, name: Influence, weight: 60, weight_range: [50, 70]}\n"
    criteria += "  - {id: cost, name: Cost, weight: 40, weight_range: [30, 50]}\n"
    code, out = run_check(with_criteria(tmp_path / "ok", criteria))
    assert code == 0, out
    expect_error(
        with_criteria(tmp_path / "over", criteria.replace("[30, 50]", "[30, 150]")),
        r"criteria\[1\]\.weight_range: the upper bound 150 is above 100 \(the weights are per cent\)",
    )


def test_sensitivity_settings_are_checked(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"briefgen.yaml": "sensitivity: {step: 1.5, samples: 10}\n" + BRIEF})
    out = expect_error(root, r"^briefgen\.yaml:1: sensitivity\.step: ")
    assert "sensitivity.samples" in out


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("23%", "a 23%"),
        ("11%", "an 11%"),
        ("8.8%", "an 8.8%"),
        ("18%", "an 18%"),
        ("80%", "an 80%"),
        ("118%", "a 118%"),
    ],
)
def test_articles_before_numbers(number: str, spoken: str) -> None:
    assert a_or_an(number) == spoken
