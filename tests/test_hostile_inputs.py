"""Hostile or odd YAML and values found by fuzzing: each answers with one clear line per problem and exit 1 — never an
internal error, a traceback or a crash — and writes nothing. Odd files (pipes, link loops, ...): test_hostile_files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from briefs import BRIEF, EVIDENCE, LINT_OFF, OPTION, build_tree, expect_error, run_out_of_process
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.builder.manifest import LEGACY_MANIFEST
from briefgen.cli import main
from briefgen.errors import SHOWN_CHARS, shown
from briefgen.inputs.load import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES
from briefgen.inputs.model import RESERVED_MEMO_IDS


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


# ---------------------------------------------------------------- nesting depth


@pytest.mark.parametrize(
    "extra",
    [
        "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x: " + "{a: " * 3_000 + "1" + "}" * 3_000 + "\n",
        "x:\n" + "".join(" " * i + "- \n" for i in range(1, 2_000)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused(tmp_path: Path, extra: str) -> None:
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta") + extra})
    expect_error(tmp_path, rf"^options/beta\.yaml:\d+: nested more than {MAX_DEPTH} levels deep: refused$")


def test_nesting_stacked_through_aliases_is_refused(tmp_path: Path) -> None:
    opening, closing = "[" * (MAX_DEPTH // 3 + 1), "]" * (MAX_DEPTH // 3 + 1)  # each under the limit alone
    extra = f"a: &a {opening}1{closing}\nb: &b {opening}*a{closing}\nc: {opening}*b{closing}\n"
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta") + extra})
    expect_error(tmp_path, rf"^options/beta\.yaml:\d+: c(\[0\])+: nested more than {MAX_DEPTH} levels deep: refused$")


def test_nesting_too_deep_for_the_c_stack_is_refused_not_a_crash(tmp_path: Path) -> None:
    """PyYAML's C composer recursed once per level: a million levels were a segfault, so run it out of process."""
    build_tree(tmp_path, {"options/beta.yaml": "x: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n"})
    result = run_out_of_process("check", "-p", str(tmp_path))
    assert result.returncode == 1, result
    assert result.stderr.startswith(f"options/beta.yaml:1: nested more than {MAX_DEPTH} levels deep: refused\n")


# ---------------------------------------------------------------- aliases


def test_scalar_aliases_count_towards_the_alias_limit(tmp_path: Path) -> None:
    uses = ", ".join(["*t"] * (MAX_ALIASES + 1))
    option = OPTION.format(id="beta").replace("title: Option beta", "title: &t Option beta") + f"x: [{uses}]\n"
    build_tree(tmp_path, {"options/beta.yaml": option})
    expect_error(tmp_path, rf"^options/beta\.yaml:\d+: x\[{MAX_ALIASES}\]: more than {MAX_ALIASES} alias uses")


def test_alias_keys_count_towards_the_alias_limit(tmp_path: Path) -> None:
    maps = "".join(f"k{i}: {{*t : 1}}\n" for i in range(MAX_ALIASES + 1))
    option = OPTION.format(id="beta").replace("title: Option beta", "title: &t Option beta") + maps
    build_tree(tmp_path, {"options/beta.yaml": option})
    expect_error(tmp_path, rf"^options/beta\.yaml:\d+: k{MAX_ALIASES}: more than {MAX_ALIASES} alias uses")


def test_text_expanded_through_aliases_is_bounded(tmp_path: Path) -> None:
    big = "x" * (MAX_FILE_BYTES // 8)
    option = OPTION.format(id="beta") + f"big: &b {big}\nx: [{', '.join(['*b'] * 8)}]\n"
    build_tree(tmp_path, {"options/beta.yaml": option})
    expect_error(tmp_path, r"^options/beta\.yaml:\d+: x\[\d\]: aliases expand to more than [\d,]+ characters of text")


# ---------------------------------------------------------------- staleness at the ends of the calendar


@pytest.mark.parametrize("period", ["9999 years", "101 years", "1201"])
def test_stale_after_over_a_century_is_refused(tmp_path: Path, period: str) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF + f"stale_after: '{period}'\n"})
    expect_error(tmp_path, rf"^briefgen\.yaml:18: stale_after: expected a period of at most 100 years, got '{period}'$")


@pytest.mark.parametrize(
    ("as_of", "stale_after"),
    [("9999-12", "18 months"), ("9998-05-31", "19 months"), ("2024-05", "100 years")],
)
def test_staleness_past_the_last_date_means_never_stale(tmp_path: Path, as_of: str, stale_after: str) -> None:
    evidence = EVIDENCE.replace("as_of: 2024-05", f"as_of: {as_of}")
    root = build_tree(
        tmp_path,
        {"briefgen.yaml": BRIEF + LINT_OFF + f"stale_after: {stale_after}\n", "evidence/src-one.yaml": evidence},
    )
    for command in (["check", "--strict"], ["build"]):
        result = CliRunner().invoke(main, [*command, "-p", str(root), "--as-of", "2026-01-20"])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("as_of", ["0999-12-31", "0001-01-01"])
def test_reference_date_before_year_1000_is_a_usage_error(tmp_path: Path, as_of: str) -> None:
    root = build_tree(tmp_path, {})
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, "-p", str(root), "--as-of", as_of])
        assert result.exit_code == 2, result.output
        assert f"expected a date from 1000-01-01 to 9999-12-31, got {as_of}" in result.output
    assert not (root / "outputs").exists()


def test_reference_date_at_the_last_day_builds(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    for command in ("check", "build", "build"):
        result = CliRunner().invoke(main, [command, "-p", str(root), "--as-of", "9999-12-31"])
        assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- memo ids and lists


@pytest.mark.parametrize("memo_id", ["manifest.json", "Manifest.JSON"])
def test_memo_id_naming_outputs_bookkeeping_is_refused(tmp_path: Path, memo_id: str) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace("id: test-memo", f"id: {memo_id}")})
    expect_error(tmp_path, rf"^briefgen\.yaml:12: memos\[0\]\.id: '{re.escape(memo_id)}' is reserved: briefgen keeps")


def test_reserved_memo_ids_cover_the_manifest() -> None:
    assert LEGACY_MANIFEST in RESERVED_MEMO_IDS


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "options: [alpha, beta]",
            "options: [alpha, beta, alpha]",
            r"options\[2\]: option 'alpha' listed twice \(also memos\[0\]\.options\[0\]\)",
        ),
        (
            "audiences: [principal, working-level, partner]",
            "audiences: [principal, partner, partner]",
            r"audiences\[2\]: audience 'partner' listed twice \(also memos\[0\]\.audiences\[1\]\)",
        ),
    ],
)
def test_id_listed_twice_in_a_memo_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace(old, new)})
    expect_error(tmp_path, rf"^briefgen\.yaml:1\d: memos\[0\]\.{message}$")


class _RefusingParser(yaml.SafeLoader):
    """Stands for a libyaml release that refuses deep flow collections itself, in its own words, before briefgen's
    composer has counted to its limit (other files parse as usual)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        index = text.find("[" * 200)
        line = text.count("\n", 0, index)
        mark = yaml.Mark("<text>", index + 199, line, 0, None, 0)
        self.error = yaml.MarkedYAMLError(problem="some wording of the parser's own", problem_mark=mark)
        if index < 0:
            return
        self.check_event = self.peek_event = self.get_event = self._refuse  # type: ignore[method-assign]

    def _refuse(self, *kinds: object) -> Any:
        raise self.error


@pytest.mark.parametrize("parser_refuses", [False, True], ids=["parser-passes-events", "parser-refuses-itself"])
def test_deep_nesting_gets_briefgens_message_whatever_the_parser_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser_refuses: bool
) -> None:
    from briefgen.inputs import load

    if parser_refuses:
        monkeypatch.setattr(load, "_Parser", _RefusingParser)
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta") + "x: " + "[" * 500 + "]" * 500 + "\n"})
    expect_error(tmp_path, rf"^options/beta\.yaml:\d+: nested more than {MAX_DEPTH} levels deep: refused$")


def test_brackets_in_quotes_and_comments_do_not_count_as_nesting() -> None:
    from briefgen.inputs.nesting import line_past_depth

    deep = "[" * 70
    assert line_past_depth(f"a: '{deep}'\nb: \"{deep}\\\"\"\n# {deep}\nc: 'it''s {deep}'\n", MAX_DEPTH) is None
    assert line_past_depth(f"a: 1\nb: {deep}", MAX_DEPTH) == 2
    assert line_past_depth(f"a: {deep}", MAX_DEPTH, end=10) is None  # only what the parser read counts


def test_a_mark_spelled_with_yaml_escapes_is_still_refused(tmp_path: Path) -> None:
    """Validation skips files whose text holds no written mark; a double-quoted scalar can spell one with escapes."""
    evidence = EVIDENCE.replace("claim: Something happened.", 'claim: "\\x28TLP:RED\\x29 Something happened."')
    build_tree(tmp_path, {"evidence/src-one.yaml": evidence})
    expect_error(tmp_path, r"^evidence/src-one\.yaml:\d+: records\[0\]\.claim: portion mark '\(TLP:RED\)'")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(["(", "[", " ", "\n", "\t", "T", "L", "P", "t", ":", "R", "\u00a0", "x", "\\", '"']),
        max_size=30,
    ),
    st.sampled_from([None, '"', "'", "|", ">"]),
)
def test_a_yaml_text_whose_strings_may_hold_a_mark_is_never_skipped(value: str, style: str | None) -> None:
    from briefgen.inputs.scales import WRITTEN_MARK, may_hold_written_mark

    text = yaml.safe_dump({"claim": value}, default_style=style, allow_unicode=True)
    assert yaml.safe_load(text)["claim"] == value
    if WRITTEN_MARK.search(value):
        assert may_hold_written_mark(text), text
