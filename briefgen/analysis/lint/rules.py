"""The lint's rules, in report order. Adding a rule is one line here: ``Rule(name, summary, check)``, where
``check(ctx)`` yields Findings (see ``framework``); ``memo_rule`` runs a check once per memo and ``memo_concerns``
adapts a function ``(brief, memo) → concerns`` from another module."""

from __future__ import annotations

from briefgen.analysis.concerns import FRAGILE, NOT_FIRST, concerns_of
from briefgen.analysis.lint import dates, drift, estimative, leaks, sourcing
from briefgen.analysis.lint.framework import Rule, memo_concerns

RULES: tuple[Rule, ...] = (
    Rule("estimative-columns", "ICD 203 likelihood and probability terms mixed in one memo", estimative.mixed_columns),
    Rule(
        "confidence-with-likelihood",
        "a confidence level and a likelihood term in one sentence",
        estimative.confidence_with_likelihood,
    ),
    Rule(
        "confidence-sourcing",
        "high confidence on fewer than three sources or on one graded D-F; moderate on a single source",
        sourcing.confidence_sourcing,
    ),
    Rule(
        "credibility-uncorroborated",
        "credibility 1 (confirmed by other sources) with no corroborating record of another source",
        sourcing.credibility_uncorroborated,
    ),
    Rule(
        "anonymous-source-grade",
        "a source with no named author or outlet graded above F without a stated reason",
        sourcing.anonymous_source_grade,
    ),
    Rule(
        "quote-unverifiable",
        "a source that names no file, so its quotes cannot be verified",
        sourcing.quote_unverifiable,
    ),
    Rule("hedge-dropped", "a hedge of the quote or claim missing from what restates it", drift.hedge_dropped),
    Rule(
        "attribution-dropped",
        "an attribution of the quote or claim missing from what restates it",
        drift.attribution_dropped,
    ),
    Rule(
        "citation-unrelated", "a cited record sharing no content word with the text citing it", drift.citation_unrelated
    ),
    Rule(
        "past-year-present-tense",
        "'through/until/by/in YEAR' told in the present tense where YEAR is before the memo's date",
        dates.past_year_present_tense,
    ),
    Rule("stale-in-key-judgment", "a key judgment citing stale evidence", dates.stale_in_key_judgment),
    Rule("marking-leak", "marked text repeated nearly word for word in a portion marked lower", leaks.marking_leak),
    Rule(
        NOT_FIRST,
        "the recommended option does not rank first on the weighted criteria",
        memo_concerns(concerns_of(NOT_FIRST)),
    ),
    Rule(
        FRAGILE,
        "the recommendation ranks first in too few weightings, or one weight change displaces it",
        memo_concerns(concerns_of(FRAGILE)),
    ),
)
