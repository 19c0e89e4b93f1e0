"""Time: a statement bounded by a year already past ("through 2025", "until 2024", "by 2023", "in 2022") told in the
present or future tense, as if it still held at the memo's date; and stale evidence under a key judgment. A record
marked ``historical: true`` is never stale: its age is the point."""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefgen.analysis.lint.framework import Context, Finding, Passage, Where
from briefgen.analysis.lint.text import sentences, words

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_BOUNDED = re.compile(
    rf"\b(through|until|till|by|in)\s+(?:(?:early|mid|late|end)[- ])?(?:{_MONTH}\s+)?(1\d{{3}}|2\d{{3}})\b"
)
_CLAUSE = re.compile(
    r"[;:,()]|\s[-–—]\s|\bwhile\b|\bbut\b|\bwhereas\b|\band\b(?=\s+[a-z]+\s+(?:is|are|has|have|was|were)\b)"
)
_PRESENT_WORDS = (
    "is are has have remains remain continues continue runs run holds hold will shall stays stay lasts last keeps "
    "keep operates operate serves serve provides provide extends extend covers cover plans"
)
_PAST_WORDS = (
    "was were had did fell rose grew began became made took gave said held left met sent set won lost brought bought "
    "paid told went came saw led ran kept signed seized moved joined agreed handed launched ended expired stalled "
    "announced warned accused promised reported"
)
PRESENT, PAST = frozenset(_PRESENT_WORDS.split()), frozenset(_PAST_WORDS.split())


def past_year_present_tense(ctx: Context) -> Iterator[Finding]:
    for memo in ctx.brief.spec.memos:
        year = ctx.memo_date(memo).year
        for passage in ctx.passages:
            if memo.id not in passage.memos:
                continue
            for sentence in sentences(passage.text):
                for match in _BOUNDED.finditer(sentence):
                    if int(match.group(2)) < year and _present(sentence, match.start()):
                        yield Finding(
                            passage.item,
                            passage.where,
                            f"'{match.group(0)}' is before the memo's date ({ctx.memo_date(memo).isoformat()}) but "
                            f"the sentence is in the present or future tense: {_clip(sentence)!r}; say whether it "
                            "still holds, or put it in the past",
                        )


def _present(sentence: str, at: int) -> bool:
    """Whether the clause around position ``at`` is told in the present or future tense: a present verb in the
    clause and no finite past one ('was', 'fell', 'seized')."""
    bounds = [0, *(m.end() for m in _CLAUSE.finditer(sentence)), len(sentence)]
    start = max(b for b in bounds if b <= at)
    end = min(b for b in bounds if b > at)
    clause = set(words(sentence[start:end]))
    if clause & PAST:
        return False
    return bool(clause & PRESENT)


def stale_in_key_judgment(ctx: Context) -> Iterator[Finding]:
    months = ctx.brief.spec.stale_after_months
    memos = {m.id: m for m in ctx.brief.spec.memos}
    for passage in ctx.passages:
        if passage.kind != "key_judgment":
            continue
        today = ctx.memo_date(memos[passage.memos[0]])
        stale = [r for r in dict.fromkeys(passage.evidence) if ctx.brief.records[r].is_stale(today, months)]
        if stale:
            dates = ", ".join(f"{r} (as of {ctx.brief.records[r].as_of})" for r in stale)
            yield Finding(
                passage.item,
                _evidence(passage),
                f"a key judgment rests on evidence older than {ctx.brief.spec.stale_after} at {today.isoformat()}: "
                f"{dates}; find newer reporting, or mark a record historical: true if its age is the point",
            )


def _evidence(passage: Passage) -> Where:
    return Where(passage.where.doc, (*passage.where.loc[:-1], "evidence"))


def _clip(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"
