"""Hostile or odd input found by fuzzing: each answers with one clear line per problem and exit 1 — never an internal
error, a traceback, a hang or a crash — and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from briefs import EVIDENCE, OPTION, build_tree, expect_error

from briefgen.errors import SHOWN_CHARS, shown


def longest_line(out: str) -> int:
    return max(len(line) for line in out.splitlines())


# ---------------------------------------------------------------- values echoed in messages are clipped


def test_shown_clips_long_values_and_describes_huge_numbers() -> None:
    assert shown("short") == "'short'"
    long = shown("x" * 10_000)
    assert len(long) == SHOWN_CHARS - 2 and long.endswith("…")
    assert shown(10**5000) == "a number of about 5,000 digits"


def test_huge_bad_value_gives_a_short_error_line(tmp_path: Path) -> None:
    option = OPTION.format(id="beta").replace("title: Option beta", "title: " + "x" * 3_000_000)
    build_tree(tmp_path, {"options/beta.yaml": option})
    out = expect_error(tmp_path, r"^options/beta\.yaml:2: title: string should have at most 500 characters, got 'x+…$")
    assert longest_line(out) < 200


def test_huge_unknown_key_gives_a_short_error_line(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta") + "? " + "k" * 100_000 + "\n: 1\n"})
    out = expect_error(tmp_path, r"^options/beta\.yaml:\d+: k+…: unknown field 'k+…")
    assert longest_line(out) < 400


def test_huge_bad_date_gives_a_short_error_line(tmp_path: Path) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace("published: 2024-05", "published: x" + "9" * 9999)})
    out = expect_error(tmp_path, r"^evidence/src-one\.yaml:5: source\.published: expected a year, year-month or date")
    assert longest_line(out) < 200


def test_number_too_long_to_print_is_described(tmp_path: Path) -> None:
    option = OPTION.format(id="beta").replace("score: 4", "score: 0x" + "f" * 5000)
    build_tree(tmp_path, {"options/beta.yaml": option})
    expect_error(
        tmp_path,
        r"^options/beta\.yaml:18: scores\.influence\.score: input should be less than or equal to 5, "
        r"got a number of about 6,020 digits$",
    )


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999999999999", "year 99999999999999 is out of range 1000-9999"),
        ("0x" + "f" * 60, "year a number of about 72 digits is out of range 1000-9999"),
        ("10000", "year 10000 is out of range 1000-9999"),
        ("0", "year 0 is out of range 1000-9999"),
        ("0000-01-01", "impossible date '0000-01-01': year 0 is out of range 1000-9999"),
        ("0999-12", "impossible date '0999-12': year 999 is out of range 1000-9999"),
    ],
)
def test_year_out_of_range_is_refused(tmp_path: Path, value: str, message: str) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace("as_of: 2024-05", f"as_of: {value}")})
    expect_error(tmp_path, rf"^evidence/src-one\.yaml:12: records\[0\]\.as_of: {re.escape(message)}$")


# ---------------------------------------------------------------- explicitly tagged scalars


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!bool abc", "invalid !!bool value 'abc'"),
        ("!!bool ''", "invalid !!bool value ''"),
        ("!!int x", "invalid !!int value 'x'"),
        ("!!int ''", "invalid !!int value ''"),
        ("!!int '-'", "invalid !!int value '-'"),
        ("!!float y", "invalid !!float value 'y'"),
        ("!!float ''", "invalid !!float value ''"),
        ("!!timestamp z", "invalid !!timestamp value 'z'"),
        ("!!binary a", "invalid !!binary value 'a'"),
        ("!!map abc", "unsupported tag 'tag:yaml.org,2002:map'"),
        ("!!python/name:os.system ''", "unsupported tag 'tag:yaml.org,2002:python/name:os.system'"),
        ("1" + "0" * 5000, "invalid !!int value '1" + "0" * 55 + "…"),
    ],
)
def test_bad_tagged_scalar_is_refused(tmp_path: Path, value: str, message: str) -> None:
    build_tree(
        tmp_path, {"options/beta.yaml": OPTION.format(id="beta").replace("title: Option beta", f"title: {value}")}
    )
    expect_error(tmp_path, rf"^options/beta\.yaml:2: title: {re.escape(message)}$")


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!foo [a]", "!foo"), ("!!set {a, b}", "tag:yaml.org,2002:set"), ("!!omap [a: 1]", "tag:yaml.org,2002:omap")],
)
def test_tagged_collection_is_refused(tmp_path: Path, value: str, tag: str) -> None:
    option = OPTION.format(id="beta").replace("title: Option beta", f"title: {value}")
    build_tree(tmp_path, {"options/beta.yaml": option})
    expect_error(tmp_path, rf"^options/beta\.yaml:2: title: unsupported tag '{re.escape(tag)}'$")
