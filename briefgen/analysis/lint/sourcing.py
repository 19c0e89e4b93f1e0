"""Confidence and grades against sourcing: a high-confidence key judgment needs three distinct sources and none
graded D-F, a moderate one more than one; credibility 1 ("confirmed by other sources") needs a record of another
source that confirms it; a source with no named author or outlet is graded F unless a reason is given; and a source
with no text to check its quotes against leaves them unverifiable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from briefgen.analysis.lint.framework import Context, Finding, Where
from briefgen.analysis.lint.text import content_words
from briefgen.inputs.scales import Reliability

WEAK = frozenset({Reliability.D, Reliability.E, Reliability.F})
MAX_SHARED = 40  # a word in more records than this says nothing about which record confirms which


def confidence_sourcing(ctx: Context) -> Iterator[Finding]:
    brief = ctx.brief
    for passage in ctx.passages:
        if passage.kind != "key_judgment" or passage.confidence is None:
            continue
        sources = sorted({brief.record_source[r] for r in passage.evidence})
        weak = [s for s in sources if brief.sources[s].reliability in WEAK]
        where = passage.where.doc, (*passage.where.loc[:-1], "confidence")
        found = None
        if passage.confidence == "high" and len(sources) < 3:
            found = f"high confidence rests on {_count(sources)}; ICD 203 high confidence needs consistent reporting "
            found += "from multiple sources (at least three distinct sources here)"
        elif passage.confidence == "high" and weak:
            grades = ", ".join(f"{s} ({brief.sources[s].reliability.value})" for s in weak)
            found = f"high confidence rests in part on sources graded D-F: {grades}"
        elif passage.confidence == "moderate" and len(sources) < 2:
            found = f"moderate confidence rests on {_count(sources)}: a single source is low confidence"
        if found:
            yield Finding(passage.item, Where(*where), found)


def _count(sources: list[str]) -> str:
    if not sources:
        return "no cited source"
    return f"{len(sources)} distinct source{'s' if len(sources) != 1 else ''} ({', '.join(sources)})"


def credibility_uncorroborated(ctx: Context) -> Iterator[Finding]:
    """Credibility 1 without a corroborating record of another source; the message suggests likely ones."""
    brief = ctx.brief
    single = [r for r in brief.records.values() if r.credibility == 1 and not r.confirmed_by]
    if not single:
        return
    index: dict[str, set[str]] = defaultdict(set)
    words = {rid: content_words(rec.claim) for rid, rec in brief.records.items()}
    for rid, found in words.items():
        for word in found:
            index[word].add(rid)
    for record in single:
        own = brief.record_source[record.id]
        hits: dict[str, int] = defaultdict(int)
        for word in words[record.id]:
            others = index[word]
            if len(others) <= MAX_SHARED:
                for other in others:
                    if brief.record_source[other] != own:
                        hits[other] += 1
        likely = sorted((r for r, n in hits.items() if n >= 3), key=lambda r: (-hits[r], r))[:3]
        hint = f"; perhaps {', '.join(likely)}" if likely else "; no record of another source shares its terms"
        yield Finding(
            record.id,
            ctx.record(record.id, "credibility"),
            f"{record.id} is graded credibility 1 (confirmed by other sources) but names no corroborating record: "
            f"list them in confirmed_by (records of other sources) or grade it 2{hint}",
        )


def anonymous_source_grade(ctx: Context) -> Iterator[Finding]:
    for source in ctx.brief.sources.values():
        anonymous = not source.author and not source.publisher
        if anonymous and source.reliability != Reliability.F and not source.reliability_reason:
            yield Finding(
                source.id,
                ctx.source(source.id, "reliability"),
                f"{source.id} names no author and no outlet, yet is graded {source.reliability.value}: grade it "
                "F (reliability cannot be judged) or give the reason in reliability_reason",
            )


def quote_unverifiable(ctx: Context) -> Iterator[Finding]:
    for source_id, doc in ctx.evidence_docs.items():
        source = ctx.brief.sources[source_id]
        count = len(doc.data.get("records") or ())
        if not source.file and count:
            yield Finding(
                source_id,
                ctx.source(source_id, "id"),
                f"{source_id} names no file (source.file): its {count} quote{'s' if count != 1 else ''} cannot be "
                "verified",
            )
