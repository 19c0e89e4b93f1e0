"""The tradecraft lint: one test per rule, each with a true positive and the nearest false positive, and the
warnings framework (how warnings are reported, turned off per rule or per item, and fail --strict)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from briefs import BRIEF, build_tree, snapshot
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.analysis.lint import RULES, lint
from briefgen.analysis.lint.drift import ATTRIBUTIONS, HEDGES, REPORTED
from briefgen.analysis.lint.estimative import ESTIMATIVE
from briefgen.analysis.lint.framework import Context, Finding, Rule, memo_concerns, run_rules
from briefgen.cli import main
from briefgen.errors import InputError
from briefgen.inputs.project import load

TODAY = dt.date(2026, 1, 20)
SOURCE = """\
source:
  id: {id}
  title: A report
  author: {author}
  publisher: {publisher}
  published: 2025-05
  reliability: {reliability}
  file: {id}.txt
records:
{records}"""
RECORD = """\
  - id: {id}
    claim: "{claim}"
    quote: "{quote}"
    credibility: {credibility}
    as_of: {as_of}
"""


def record(ident: str, claim: str, quote: str | None = None, credibility: int = 2, as_of: str = "2025-05") -> str:
    return RECORD.format(id=ident, claim=claim, quote=quote or claim, credibility=credibility, as_of=as_of)


def source(ident: str, *records: str, author: str = "Jane Doe", publisher: str = "An outlet", grade: str = "B") -> str:
    return SOURCE.format(id=ident, author=author, publisher=publisher, reliability=grade, records="".join(records))


BASE_RECORDS = (
    record("E-1", "Russia leases the cosmodrome until 2050."),
    record("E-2", "Kazakhstan opened a satellite assembly plant in Astana."),
)
OPTION = """\
id: {id}
title: Option {id}
summary: The {id} option for the cosmodrome.
pros:
  - {{text: "{pro}", evidence: [{cites}]}}
scores:
  influence: {{score: 4, rationale: Russia leases the cosmodrome., evidence: [E-1]}}
  cost: {{score: 2, rationale: Kazakhstan builds satellites in Astana., evidence: [E-2]}}
"""


def brief(
    tmp_path: Path,
    records: tuple[str, ...] = (),
    pro: str = "Russia leases the cosmodrome.",
    cites: str = "E-1",
    memo: str = "",
    extra: str = "",
    sources: dict[str, str] | None = None,
) -> Path:
    files: dict[str, str | None] = {
        "briefgen.yaml": BRIEF + memo + extra,
        "evidence/src-one.yaml": source("src-one", *BASE_RECORDS, *records),
        "options/alpha.yaml": OPTION.format(id="alpha", pro=pro, cites=cites),
        "options/beta.yaml": OPTION.format(id="beta", pro="Kazakhstan builds satellites in Astana.", cites="E-2"),
    }
    files.update(sources or {})
    return build_tree(tmp_path, files)


def rules_hit(root: Path, today: dt.date = TODAY) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in lint(load(root), today):
        found.setdefault(warning.rule, []).append(str(warning))
    return found


def memo_with(text: str, field: str = "background", evidence: str = "E-1", confidence: str = "") -> str:
    extra = f", confidence: {confidence}" if confidence else ""
    return f'    {field}:\n      - {{text: "{text}", evidence: [{evidence}]{extra}}}\n'


def test_the_base_brief_is_clean(tmp_path: Path) -> None:
    assert rules_hit(brief(tmp_path)) == {}


# ---------------------------------------------------------------- estimative language


def test_estimative_columns_mixed(tmp_path: Path) -> None:
    root = brief(tmp_path, memo=memo_with("Russia will likely keep the cosmodrome lease until 2050, probably longer."))
    assert "estimative-columns" in rules_hit(root)


def test_remote_sensing_is_no_estimative_term(tmp_path: Path) -> None:
    root = brief(tmp_path, memo=memo_with("Russia will likely keep the cosmodrome lease; remote sensing helps."))
    assert "estimative-columns" not in rules_hit(root)
    root = brief(tmp_path / "b", memo=memo_with("Russia will likely keep the lease; a remote chance it leaves."))
    assert "estimative-columns" in rules_hit(root)


def test_confidence_and_likelihood_in_one_sentence(tmp_path: Path) -> None:
    hit = brief(tmp_path, memo=memo_with("We judge with high confidence that Russia will likely keep the lease."))
    assert "confidence-with-likelihood" in rules_hit(hit)
    apart = brief(
        tmp_path / "b", memo=memo_with("Russia will likely keep the lease. We hold this with high confidence.")
    )
    assert "confidence-with-likelihood" not in rules_hit(apart)


# ---------------------------------------------------------------- confidence, grades and sources


def judgment(confidence: str, evidence: str) -> str:
    return memo_with("Russia will likely keep the cosmodrome lease.", "key_judgments", evidence, confidence)


def test_high_confidence_needs_three_sources_none_weak(tmp_path: Path) -> None:
    two = {"evidence/src-two.yaml": source("src-two", record("E-21", "Russia leases the cosmodrome to 2050."))}
    three = {
        **two,
        "evidence/src-three.yaml": source("src-three", record("E-31", "The cosmodrome lease runs to 2050.")),
    }
    weak = {**two, "evidence/src-three.yaml": source("src-three", record("E-31", "The lease runs to 2050."), grade="D")}
    hits = rules_hit(brief(tmp_path / "a", memo=judgment("high", "E-1, E-21"), sources=two))
    assert "confidence-sourcing" in hits and "2 distinct sources" in hits["confidence-sourcing"][0]
    assert "confidence-sourcing" not in rules_hit(
        brief(tmp_path / "b", memo=judgment("high", "E-1, E-21, E-31"), sources=three)
    )
    hits = rules_hit(brief(tmp_path / "c", memo=judgment("high", "E-1, E-21, E-31"), sources=weak))
    assert "graded D-F: src-three (D)" in hits["confidence-sourcing"][0]


def test_moderate_confidence_needs_more_than_one_source(tmp_path: Path) -> None:
    two = {"evidence/src-two.yaml": source("src-two", record("E-21", "Russia leases the cosmodrome to 2050."))}
    assert "confidence-sourcing" in rules_hit(brief(tmp_path / "a", memo=judgment("moderate", "E-1, E-2")))
    assert "confidence-sourcing" not in rules_hit(
        brief(tmp_path / "b", memo=judgment("moderate", "E-1, E-21"), sources=two)
    )
    assert "confidence-sourcing" not in rules_hit(brief(tmp_path / "c", memo=judgment("low", "E-1")))


def test_credibility_one_needs_a_corroborating_record_of_another_source(tmp_path: Path) -> None:
    claim = "Russia pays 115 million dollars a year for the cosmodrome lease."
    other = {
        "evidence/src-two.yaml": source(
            "src-two", record("E-21", "The cosmodrome lease costs Russia 115 million dollars yearly.")
        )
    }
    alone = brief(tmp_path / "a", (record("E-3", claim, credibility=1),), sources=other)
    hits = rules_hit(alone)["credibility-uncorroborated"]
    assert "E-3 is graded credibility 1" in hits[0] and "perhaps E-21" in hits[0]
    named = record("E-3", claim, credibility=1) + "    confirmed_by: [E-21]\n"
    assert "credibility-uncorroborated" not in rules_hit(brief(tmp_path / "b", (named,), sources=other))


def test_confirmed_by_must_exist_and_come_from_another_source(tmp_path: Path) -> None:
    same = record("E-3", "Russia leases it.", credibility=1) + "    confirmed_by: [E-1, E-9]\n"
    root = brief(tmp_path, (same,))
    with pytest.raises(InputError) as err:
        load(root)
    text = str(err.value)
    assert "records[2].confirmed_by[0]: E-1 is from the same source (src-one)" in text
    assert "records[2].confirmed_by[1]: unknown evidence id 'E-9'" in text


def test_anonymous_source_is_graded_f_or_says_why(tmp_path: Path) -> None:
    anonymous = 'source:\n  id: op-ed\n  title: "[An op-ed]"\n  published: 2025\n  reliability: D\n  file: o.txt\n'
    anonymous += "records:\n" + record("E-41", "Russia leases the cosmodrome.")
    hits = rules_hit(brief(tmp_path / "a", sources={"evidence/op-ed.yaml": anonymous}))
    assert "op-ed names no author and no outlet, yet is graded D" in hits["anonymous-source-grade"][0]
    graded_f = anonymous.replace("reliability: D", "reliability: F")
    assert "anonymous-source-grade" not in rules_hit(brief(tmp_path / "b", sources={"evidence/op-ed.yaml": graded_f}))
    reason = anonymous.replace("reliability: D", "reliability: D\n  reliability_reason: a known columnist's blog")
    assert "anonymous-source-grade" not in rules_hit(brief(tmp_path / "c", sources={"evidence/op-ed.yaml": reason}))
    named = anonymous.replace("reliability: D", "reliability: D\n  publisher: The Outlet")
    assert "anonymous-source-grade" not in rules_hit(brief(tmp_path / "d", sources={"evidence/op-ed.yaml": named}))


def test_a_source_without_a_file_leaves_its_quotes_unverifiable(tmp_path: Path) -> None:
    no_file = source("src-two", record("E-21", "Russia leases the cosmodrome.")).replace("  file: src-two.txt\n", "")
    hits = rules_hit(brief(tmp_path, sources={"evidence/src-two.yaml": no_file}))
    assert hits["quote-unverifiable"] == [
        "evidence/src-two.yaml:2: source.id: src-two names no file (source.file): its 1 quote cannot be verified "
        "[quote-unverifiable: src-two]"
    ]


# ---------------------------------------------------------------- drift


def test_hedge_dropped_from_quote_to_claim(tmp_path: Path) -> None:
    dropped = record("E-3", "Russia views civil help with suspicion.", "Russia would view civil help with suspicion.")
    hits = rules_hit(brief(tmp_path / "a", (dropped,)))["hedge-dropped"]
    assert "the quote hedges ('would') but E-3's claim states it without" in hits[0]
    kept = record("E-3", "Russia would view civil help with suspicion.", "Even civil help would be met by suspicion.")
    assert "hedge-dropped" not in rules_hit(brief(tmp_path / "b", (kept,)))


def test_hedge_dropped_from_claim_to_memo_text(tmp_path: Path) -> None:
    hedged = record("E-3", "Russia would view civil space help to Kazakhstan with suspicion.")
    flat = memo_with("Russia already views civil space help to Kazakhstan with suspicion.", evidence="E-3")
    hits = rules_hit(brief(tmp_path / "a", (hedged,), memo=flat))["hedge-dropped"]
    assert "E-3's claim hedges ('would') but the text states it without" in hits[0]
    soft = memo_with("Russia may view civil space help to Kazakhstan with suspicion.", evidence="E-3")
    assert "hedge-dropped" not in rules_hit(brief(tmp_path / "b", (hedged,), memo=soft))
    risk = memo_with("Russia views civil space help to Kazakhstan with suspicion.", "implementation", "E-3")
    assert "hedge-dropped" not in rules_hit(brief(tmp_path / "c", (hedged,), memo=risk))  # not a statement of fact


def test_attribution_dropped(tmp_path: Path) -> None:
    said = record("E-3", "China built the station.", "Officials said China built the station.")
    assert "attribution-dropped" in rules_hit(brief(tmp_path / "a", (said,)))
    kept = record("E-3", "Officials said China built the station.", "Officials said China built the station.")
    assert "attribution-dropped" not in rules_hit(brief(tmp_path / "b", (kept,)))
    reported = record("E-4", "Local news sources report that China promised Kazakhstan a space grant.")
    fact = memo_with("China gave Kazakhstan a space grant for its industry.", evidence="E-4")
    assert "attribution-dropped" in rules_hit(brief(tmp_path / "c", (reported,), memo=fact))
    attributed = memo_with("China reportedly promised Kazakhstan a space grant.", evidence="E-4")
    assert "attribution-dropped" not in rules_hit(brief(tmp_path / "d", (reported,), memo=attributed))


def test_citation_sharing_no_content_word(tmp_path: Path) -> None:
    hits = rules_hit(brief(tmp_path / "a", pro="Costs are modest and scalable.", cites="E-1"))
    assert "cites E-1, which shares no content word with the text" in hits["citation-unrelated"][0]
    assert "citation-unrelated" not in rules_hit(brief(tmp_path / "b", pro="Russian leases end in 2050.", cites="E-1"))


# ---------------------------------------------------------------- dates and markings


def test_past_year_in_the_present_tense(tmp_path: Path) -> None:
    present = memo_with("NASA flights from the cosmodrome run through 2025.")
    hits = rules_hit(brief(tmp_path / "a", memo=present))
    assert "'through 2025' is before the memo's date (2026-01-20)" in hits["past-year-present-tense"][0]
    past = memo_with("NASA flights from the cosmodrome were arranged through 2025.")
    assert "past-year-present-tense" not in rules_hit(brief(tmp_path / "b", memo=past))
    future = memo_with("Russia holds the cosmodrome lease through 2050.")
    assert "past-year-present-tense" not in rules_hit(brief(tmp_path / "c", memo=future))


def test_stale_evidence_in_a_key_judgment_unless_historical(tmp_path: Path) -> None:
    old = record("E-3", "Russia launched Sputnik from the cosmodrome in 1957.", as_of="1957")
    kj = memo_with("Russia will likely keep the cosmodrome, as it has since 1957.", "key_judgments", "E-3", "low")
    hits = rules_hit(brief(tmp_path / "a", (old,), memo=kj))
    assert "E-3 (as of 1957)" in hits["stale-in-key-judgment"][0]
    historical = old + "    historical: true\n"
    assert "stale-in-key-judgment" not in rules_hit(brief(tmp_path / "b", (historical,), memo=kj))


def test_marked_text_repeated_in_a_lower_portion(tmp_path: Path) -> None:
    secret = record("E-3", "The minister privately told us Astana will drop the lease talks next spring.")
    secret += "    marking: TLP:AMBER\n"
    leak = memo_with("Astana will drop the lease talks next spring, the minister privately told us.", evidence="E-1")
    hits = rules_hit(brief(tmp_path / "a", (secret,), memo=leak))
    assert "of the wording of E-3 (TLP:AMBER) in a portion marked TLP:CLEAR" in hits["marking-leak"][0]
    marked = leak.replace("evidence: [E-1]", "evidence: [E-1, E-3]")  # rolls up to AMBER
    assert "marking-leak" not in rules_hit(brief(tmp_path / "b", (secret,), memo=marked))
    other = memo_with("Astana may revisit the cosmodrome lease talks later.", evidence="E-1")
    assert "marking-leak" not in rules_hit(brief(tmp_path / "c", (secret,), memo=other))


# ---------------------------------------------------------------- the framework


def test_check_prints_each_warning_like_an_error_and_strict_fails(tmp_path: Path) -> None:
    root = brief(tmp_path, pro="Costs are modest and scalable.", cites="E-1")
    before = snapshot(root)
    result = CliRunner().invoke(main, ["check", "-p", str(root), "--as-of", "2026-01-20"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^options/alpha\.yaml:5: pros\[0\]\.text: cites E-1, .* \[citation-unrelated: alpha\.pros\[0\]\]$",
        result.output,
        re.M,
    )
    assert "1 lint warning (check --strict fails on them)" in result.output
    strict = CliRunner().invoke(main, ["check", "-p", str(root), "--strict", "--as-of", "2026-01-20"])
    assert strict.exit_code == 1
    assert strict.output.strip().endswith("1 warning (check --strict fails on warnings)")
    assert snapshot(root) == before


def test_rules_turned_off_per_rule_and_per_item_with_a_reason(tmp_path: Path) -> None:
    root = brief(
        tmp_path / "a",
        pro="Costs are modest and scalable.",
        cites="E-1",
        extra="lint:\n  ignore: {citation-unrelated: placeholder texts}\n",
    )
    assert rules_hit(root) == {}
    waive = "lint:\n  waive:\n    - {rule: citation-unrelated, item: 'alpha.pros[0]', reason: our own estimate}\n"
    assert rules_hit(brief(tmp_path / "b", pro="Costs are modest.", cites="E-1", extra=waive)) == {}
    whole_option = waive.replace("alpha.pros[0]", "alpha")
    assert rules_hit(brief(tmp_path / "c", pro="Costs are modest.", cites="E-1", extra=whole_option)) == {}


def test_a_waiver_that_waives_nothing_is_a_warning(tmp_path: Path) -> None:
    waive = "lint:\n  waive:\n    - {rule: citation-unrelated, item: 'alpha.pros[0]', reason: no longer needed}\n"
    hits = rules_hit(brief(tmp_path, extra=waive))
    assert "waives citation-unrelated for alpha.pros[0], which has no such warning" in hits["waiver-unused"][0]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "lint:\n  ignore: {hedge-droped: x}\n",
            r"lint\.ignore\.hedge-droped: unknown lint rule 'hedge-droped' .*did you mean 'hedge-dropped'\?",
        ),
        (
            "lint:\n  waive:\n    - {rule: hedge-dropped, item: E-11, reason: x}\n",
            r"lint\.waive\[0\]\.item: unknown lint item 'E-11'; did you mean 'E-1'\?",
        ),
        ("lint:\n  ignore: {hedge-dropped: '  '}\n", r"lint\.ignore\.hedge-dropped: expected text matching"),
    ],
)
def test_unknown_rules_and_items_and_blank_reasons_are_errors(tmp_path: Path, settings: str, expected: str) -> None:
    root = brief(tmp_path, extra=settings)
    result = CliRunner().invoke(main, ["check", "-p", str(root)])
    assert result.exit_code == 1, result.output
    assert re.search(f"^briefgen.yaml:\\d+: {expected}", result.output, re.M), result.output


def test_a_rule_from_another_module_plugs_in_with_one_line(tmp_path: Path) -> None:
    """How the ranking-sensitivity rules are wired: a function (brief, memo) -> concerns becomes a Rule."""
    ctx = Context(load(brief(tmp_path)), TODAY)
    rule = Rule("ranking-fragile", "the top option flips", memo_concerns(lambda brief, memo: ["flips at -12% on cost"]))
    (warning,) = run_rules([rule], ctx)
    assert (
        str(warning) == "briefgen.yaml:15: memos[0].recommendation: flips at -12% on cost [ranking-fragile: test-memo]"
    )
    assert isinstance(next(iter(rule.check(ctx))), Finding)


def test_rule_names_are_unique_and_kebab_case() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)) and all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in names)


_LEXICONS = (HEDGES, ATTRIBUTIONS, REPORTED, ESTIMATIVE)
_PHRASES = sorted({p for lexicon in _LEXICONS for _, ps in lexicon.groups for p in ps if not p.startswith("re:")})
_VOCABULARY = [*_PHRASES, *(w for p in _PHRASES for w in p.split()), "Russia", "remote", "sensing", "2024", "'s"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY), max_size=25), st.sampled_from([" ", "  ", "\n", "-", ""]))
def test_the_lexicon_prefilter_never_changes_what_is_found(words: list[str], glue: str) -> None:
    """A text is searched only if it holds a word some phrase starts with: the same phrases are found either way."""
    from briefgen.analysis.lint.text import _compiled

    text = glue.join(words)
    for lexicon in _LEXICONS:
        pattern, names, _ = _compiled(lexicon.groups)
        unfiltered = [
            (names[next(i for i, g in enumerate(m.groups()) if g is not None)], m.group(0))
            for m in pattern.finditer(text)
        ]
        assert lexicon.find(text) == unfiltered


# ---------------------------------------------------------------- the ranking (analysis/concerns)


def _scores(root: Path, option: str, influence: int, cost: int) -> None:
    path = root / f"options/{option}.yaml"
    text = path.read_text().replace("influence: {score: 4,", f"influence: {{score: {influence},")
    path.write_text(text.replace("cost: {score: 2,", f"cost: {{score: {cost},"))


def test_a_recommendation_that_does_not_rank_first(tmp_path: Path) -> None:
    root = brief(tmp_path)
    _scores(root, "beta", 5, 3)  # beta beats alpha on both criteria
    hit = rules_hit(root)
    assert list(hit) == ["recommendation-not-first", "ranking-fragile"], hit  # first in 0% of weightings, too
    assert hit["recommendation-not-first"][0].startswith("briefgen.yaml:")
    result = CliRunner().invoke(main, ["check", "--strict", "-p", str(root)])
    assert result.exit_code == 1 and "[recommendation-not-first" in result.output, result.output


def test_a_recommendation_first_in_too_few_weightings_is_fragile(tmp_path: Path) -> None:
    root = brief(tmp_path)
    _scores(root, "alpha", 5, 1)  # 0.6 × 5 + 0.4 × 1 = 3.4: first, but only while influence weighs most
    _scores(root, "beta", 2, 5)  # 0.6 × 2 + 0.4 × 5 = 3.2
    assert list(rules_hit(root)) == ["ranking-fragile"]


def test_a_recommendation_first_under_most_weightings_is_no_concern(tmp_path: Path) -> None:
    root = brief(tmp_path)
    _scores(root, "alpha", 5, 4)  # better on both criteria: first under every weighting
    assert rules_hit(root) == {}
