"""Markings: text of a marked portion (or record) repeated nearly word for word in a portion marked lower, which
would carry it to audiences not cleared for it. Compared by word n-grams: the share of the marked text's n-grams that
reappear in the lower portion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.analysis.lint.framework import Context, Finding, Where
from briefgen.analysis.lint.text import words
from briefgen.inputs.scales import Marking

N = 5  # words per n-gram
SHARE = 0.5  # of the marked text's n-grams found in the lower portion
MIN_SHARED = 2


@dataclass(frozen=True)
class _Text:
    item: str
    text: str
    marking: Marking
    where: Where


def marking_leak(ctx: Context) -> Iterator[Finding]:
    texts = [_Text(p.item, p.text, p.marking, p.where) for p in ctx.passages]
    for record in ctx.brief.records.values():
        marking = ctx.brief.record_marking(record.id)
        if marking > Marking.CLEAR:
            texts.append(_Text(record.id, record.claim, marking, ctx.record(record.id, "claim")))
            texts.append(_Text(record.id, record.quote, marking, ctx.record(record.id, "quote")))
    marked = [t for t in texts if t.marking > Marking.CLEAR]
    if not marked:
        return
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sizes: list[int] = []
    for i, text in enumerate(marked):
        grams = _grams(text.text)
        sizes.append(len(grams))
        for gram in grams:
            index[gram].append(i)
    lowest = min(t.marking for t in marked)
    for low in (p for p in ctx.passages if p.marking <= lowest or p.marking < max(t.marking for t in marked)):
        hits: dict[int, int] = defaultdict(int)
        for gram in _grams(low.text):
            for i in index.get(gram, ()):
                if marked[i].marking > low.marking and marked[i].item != low.item:
                    hits[i] += 1
        for i, shared in sorted(hits.items()):
            if shared >= MIN_SHARED and shared >= SHARE * sizes[i]:
                high = marked[i]
                yield Finding(
                    low.item,
                    low.where,
                    f"repeats {round(100 * shared / sizes[i])}% of the wording of {high.item} "
                    f"({high.marking.value}) in a portion marked {low.marking.value}: audiences below "
                    f"{high.marking.value} would read it ({_clip(high.text)!r})",
                )


def _grams(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + N]) for i in range(len(found) - N + 1)}


def _clip(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"
