"""Certainty and attribution drift, from a record's quote to its claim and from a claim to the memo text citing it:
a hedge the source has ("may", "would", "reportedly", "is viewed as", "plans to") gone from the restatement, or an
attribution ("the author argues", "X said", "reports indicate") dropped so that a view reads as fact. And citations
whose records share no content word with the text citing them. Heuristics: warnings, with the exact words."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.analysis.lint.framework import Context, Finding, Passage
from briefgen.analysis.lint.text import Lexicon, content_words, quoted, sentences

HEDGES = Lexicon(
    (
        ("possibility", ("may", "might", "could", "possibly", "possible", "perhaps", "potentially")),
        ("condition", ("would", "if")),
        (
            "hearsay",
            ("reportedly", "reported", "allegedly", "alleged", "is said to", "are said to", "reports indicate"),
        ),
        (
            "perception",
            (
                "is viewed as",
                "are viewed as",
                "viewed as",
                "is seen as",
                "are seen as",
                "seen as",
                "is considered",
                "are considered",
                "regarded as",
            ),
        ),
        (
            "intention",
            (
                "plans to",
                "plan to",
                "planning to",
                "meant to",
                "planned",
                "aims to",
                "aim to",
                "aims",
                "intends to",
                "intended",
                "seeks to",
                "seeking",
                "is inclined to",
                "inclined to",
                "scheduled",
                "expected to",
                "is expected",
                "are expected",
                "hopes to",
                "hopes",
                "hoped",
                "wants",
                "wanted",
            ),
        ),
        ("estimate", ("likely", "unlikely", "probably", "estimated", "projected", "approximately")),
        ("appearance", ("appears", "appear to", "seems", "seem to", "suggests", "suggest")),
    )
)
# Attributions of a view to its holder (any of them must survive from quote to claim) ...
ATTRIBUTIONS = Lexicon(
    (
        (
            "attribution",
            (
                "said",
                "says",
                "say",
                "told",
                "stated",
                "states",
                "announced",
                "reported",
                "reports",
                "report",
                "reportedly",
                "according to",
                "argues",
                "argued",
                "argue",
                "contends",
                "contended",
                "claims",
                "claimed",
                "judges",
                "judged",
                "assesses",
                "assessed",
                "warns",
                "warned",
                "notes",
                "noted",
                "recommends",
                "recommended",
                "proposes",
                "believes",
                "believed",
                "expects",
                "revealed",
                "accused",
                "holds that",
                "calls",
                "describes",
                "considers",
                "acknowledges",
                "asserts",
                "the author",
                "the article",
                "the study",
                "the team",
                "the drafters",
                "the opinion",
                "sources",
                "in the view of",
                "in its view",
                "indicate",
                "indicates",
                "finds",
                "found that",
                "revealed",
            ),
        ),
    )
)
# ... and, from claim to memo text, those of second-hand reporting: a report restated as fact is the drift that
# matters there (an analyst's argument the memo adopts is the memo's own judgment, and its hedges are checked).
REPORTED = Lexicon(
    (
        (
            "reporting",
            (
                "said",
                "says",
                "told",
                "stated",
                "announced",
                "reported",
                "reports",
                "report",
                "reportedly",
                "according to",
                "sources",
                "revealed",
                "accused",
                "claims",
                "claimed",
                "indicate",
                "indicates",
            ),
        ),
    )
)
# Passages that state what is so: a risk is a possibility by nature, and implementation steps and assumptions say
# what the memo proposes or presumes, not what a source reported.
FACTUAL = frozenset(
    {
        "rationale",
        "background",
        "key_judgments",
        "dissent",
        "partner_benefits",
        "pros",
        "cons",
        "cost",
        "reversibility",
        "partner_views",
        "scores",
    }
)
RESTATES = 3  # content words a sentence shares with a claim to count as restating it ...
RESTATES_SHARE = 0.3  # ... and this share of the claim's content words


def hedge_dropped(ctx: Context) -> Iterator[Finding]:
    for record in ctx.brief.records.values():
        missing = _missing(HEDGES, record.quote, record.claim)
        if missing:
            yield Finding(
                record.id,
                ctx.record(record.id, "claim"),
                f"the quote hedges ({quoted(missing)}) but {record.id}'s claim states it without: keep the hedge",
            )
    for passage, record_id, sentence in _restatements(ctx):
        claim = ctx.brief.records[record_id].claim
        hedges = HEDGES.groups_in(claim)
        if hedges and not HEDGES.find(sentence):
            words = [w for found in hedges.values() for w in found]
            yield Finding(
                passage.item,
                passage.where,
                f"{record_id}'s claim hedges ({quoted(words)}) but the text states it without: {_clip(sentence)!r}",
            )


def attribution_dropped(ctx: Context) -> Iterator[Finding]:
    for record in ctx.brief.records.values():
        said = [p for _, p in ATTRIBUTIONS.find(record.quote)]
        if said and not ATTRIBUTIONS.find(record.claim):
            yield Finding(
                record.id,
                ctx.record(record.id, "claim"),
                f"the quote attributes it ({quoted(said)}) but {record.id}'s claim states it as fact: say who says so",
            )
    for passage, record_id, sentence in _restatements(ctx):
        said = [p for _, p in REPORTED.find(ctx.brief.records[record_id].claim)]
        if said and not ATTRIBUTIONS.find(sentence) and passage.kind != "key_judgment":
            yield Finding(
                passage.item,
                passage.where,
                f"{record_id}'s claim is attributed ({quoted(said)}) but the text states it as fact: "
                f"{_clip(sentence)!r}",
            )


def citation_unrelated(ctx: Context) -> Iterator[Finding]:
    for passage in ctx.passages:
        if not passage.evidence:
            continue
        text = content_words(passage.text)
        for record_id in dict.fromkeys(passage.evidence):
            record = ctx.brief.records[record_id]
            if not text & (content_words(record.claim) | content_words(record.quote)):
                yield Finding(
                    passage.item,
                    passage.where,
                    f"cites {record_id}, which shares no content word with the text: {_clip(record.claim)!r}",
                )


def _missing(lexicon: Lexicon, source: str, restated: str) -> list[str]:
    """Phrases of the groups present in ``source`` and absent from ``restated``."""
    before, after = lexicon.groups_in(source), lexicon.groups_in(restated)
    return [p for group, phrases in before.items() if group not in after for p in phrases]


def _restatements(ctx: Context) -> Iterator[tuple[Passage, str, str]]:
    """(passage, record, sentence) where the sentence of the passage most like the record's claim restates it."""
    for passage in ctx.passages:
        if not passage.evidence or _section(passage) not in FACTUAL:
            continue
        parts = [(s, content_words(s)) for s in sentences(passage.text)]
        for record_id in dict.fromkeys(passage.evidence):
            claim = content_words(ctx.brief.records[record_id].claim)
            sentence, shared = max(((s, len(w & claim)) for s, w in parts), key=lambda x: x[1], default=("", 0))
            if shared >= max(RESTATES, RESTATES_SHARE * len(claim)):
                yield passage, record_id, sentence


def _section(passage: Passage) -> str:
    loc = passage.where.loc
    return str(loc[2] if loc and loc[0] == "memos" else loc[0])


def _clip(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"
