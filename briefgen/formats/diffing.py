"""The diff core shared by every redline (Word, CriticMarkup, the terminal): blocks aligned by key, words compared.

Blocks — paragraphs, list items, table rows, notes — are aligned first by their keys (the heading path and an id found
in the text, or the text itself), so that a reordered risk or a renumbered note is matched with itself; the blocks
left between matches are paired by how many words they share. Paired blocks are then compared word by word.

Every comparison uses :class:`difflib.SequenceMatcher` with ``autojunk=False``: with its default, any token making up
more than 1% of a sequence of 200 or more is ignored as junk, and three edits in a 3,000-word paragraph come out as
one change of 2,900 words. Common prefixes and suffixes are cut off first, so an edit costs what its region costs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Covers = Callable[[str, Sequence[str]], bool]  # whether an old block rests on withheld material
WITHHELD = "[withheld]"  # what a redline shows in place of words resting on material withheld since

Op = Literal["equal", "delete", "insert"]
Pair = tuple[int | None, int | None]
Score = Callable[[int, int], float]  # (old index, new index); None on one side: deleted or inserted

# A number with decimal or thousands separators is one token ("5.5", "1,200"), so 5.5% → 0.1% is one change of
# the number, not "{--5--}{++0++}.{--5--}{++1++}%"; then words, hyphenated ones whole; single marks; spaces.
_WORDS = re.compile(r"(?:\d+(?:[.,]\d+)+|\w+(?:[-'’]\w+)*)\s*|[^\w\s]\s*|\s+")
_LETTERS = re.compile(r"\w+")
PAIRING = 0.5  # blocks between matches are paired when at least this share of their words agree
_DP_CELLS = 40_000  # beyond this many (old × new) blocks between two matches, pairing looks ahead, not at all pairs
_LOOKAHEAD = 40


def tokens(text: str) -> list[str]:
    """``text`` as words and single punctuation marks, each with the white space after it (so a one-word edit is one
    token, and white space never pairs with white space across a change); joined again, they give ``text``."""
    return _WORDS.findall(text)


def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` in lower case, without punctuation or Markdown escapes: what similarity compares."""
    return tuple(word.lower() for word in _LETTERS.findall(text))


_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")  # what could be an id: E-003, R-CIV-1, alpha


def id_finder(ids: frozenset[str]) -> Callable[[str], str | None]:
    """A function giving the first of ``ids`` that stands in a text as a whole id (not inside a longer one)."""

    @functools.lru_cache(maxsize=4096)
    def find(text: str) -> str | None:
        found: list[str] = _ID.findall(text)
        if ids.isdisjoint(found):
            return None
        return next(i for i in found if i in ids)

    return find


@dataclass(frozen=True)
class Chunk:
    """One stretch of a word diff: ``op`` and the old and new tokens it spans (indices, end exclusive)."""

    op: Op
    old: tuple[int, int]
    new: tuple[int, int]


def word_diff(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Chunk]:
    """The changes from ``old`` to ``new`` (token sequences), as chunks in order; a replacement is a deletion then an
    insertion."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    chunks: list[Chunk] = []
    if start:
        chunks.append(Chunk("equal", (0, start), (0, start)))
    matcher = SequenceMatcher(None, old[start:end_old], new[start:end_new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = (start + i1, start + i2), (start + j1, start + j2)
        if tag == "equal":
            chunks.append(Chunk("equal", a, b))
            continue
        if i2 > i1:
            chunks.append(Chunk("delete", a, (b[0], b[0])))
        if j2 > j1:
            chunks.append(Chunk("insert", (a[1], a[1]), b))
    if end_old < len(old):
        chunks.append(Chunk("equal", (end_old, len(old)), (end_new, len(new))))
    return chunks


def changed(chunks: Sequence[Chunk]) -> int:
    """How many tokens the changes cover (deleted plus inserted)."""
    return sum((c.old[1] - c.old[0]) + (c.new[1] - c.new[0]) for c in chunks if c.op != "equal")


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """What alignment knows of a block: its kind (paragraphs pair only with paragraphs), its key, and its text."""

    kind: str
    key: str
    text: str


def align(old: Sequence[Block], new: Sequence[Block]) -> list[Pair]:
    """Old and new blocks paired, in order: equal keys first, then blocks between two matches by shared words."""
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    pairs: list[Pair] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2), strict=True)
        else:
            pairs += _pair_between(old, new, range(i1, i2), range(j1, j2))
    return pairs


def _pair_between(old: Sequence[Block], new: Sequence[Block], olds: range, news: range) -> list[Pair]:
    """Blocks between two matches paired in order where enough of their words agree; the rest deleted or inserted.
    The pairing maximises the words that agree (dynamic programming), or looks a few blocks ahead when the stretch
    is long."""
    if not olds or not news:
        return [(i, None) for i in olds] + [(None, j) for j in news]
    sets_old = [frozenset(words(old[i].text)) for i in olds]
    sets_new = [frozenset(words(new[j].text)) for j in news]

    def score(a: int, b: int) -> float:
        if old[olds[a]].kind != new[news[b]].kind:
            return 0.0
        x, y = sets_old[a], sets_new[b]
        if not x and not y:
            return 1.0
        share = 2 * len(x & y) / (len(x) + len(y))
        return share if share >= PAIRING else 0.0

    matches = _best(len(olds), len(news), score) if len(olds) * len(news) <= _DP_CELLS else _ahead(olds, news, score)
    return _with_gaps(matches, olds, news)


def _best(rows: int, cols: int, fn: Score) -> list[tuple[int, int]]:
    table = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for a in range(rows - 1, -1, -1):
        row, below = table[a], table[a + 1]
        for b in range(cols - 1, -1, -1):
            s = fn(a, b)
            row[b] = max(below[b], row[b + 1], below[b + 1] + s if s else 0.0)
    matches: list[tuple[int, int]] = []
    a = b = 0
    while a < rows and b < cols:
        s = fn(a, b)
        if s and table[a][b] == table[a + 1][b + 1] + s:
            matches.append((a, b))
            a, b = a + 1, b + 1
        elif table[a][b] == table[a + 1][b]:
            a += 1
        else:
            b += 1
    return matches


def _ahead(olds: range, news: range, fn: Score) -> list[tuple[int, int]]:
    matches: list[tuple[int, int]] = []
    b = 0
    for a in range(len(olds)):
        candidates = [(fn(a, c), -c) for c in range(b, min(b + _LOOKAHEAD, len(news)))]
        best = max(candidates, default=(0.0, 0))
        if best[0]:
            matches.append((a, -best[1]))
            b = -best[1] + 1
    return matches


def _with_gaps(matches: list[tuple[int, int]], olds: range, news: range) -> list[Pair]:
    """The matches with the unmatched blocks between them: deletions first, then insertions."""
    pairs: list[Pair] = []
    a = b = 0
    for ma, mb in [*matches, (len(olds), len(news))]:
        pairs += [(olds[i], None) for i in range(a, ma)]
        pairs += [(None, news[j]) for j in range(b, mb)]
        if ma < len(olds) and mb < len(news):
            pairs.append((olds[ma], news[mb]))
        a, b = ma + 1, mb + 1
    return pairs
