"""Did-you-mean, bounded: the closest of a set of names to a name that is not in it, at a cost that does not grow
with the set. A brief of 50,000 records with hundreds of mistyped ids must not compare each mistake with every id.

The candidates for a word are its neighbours in the names sorted forwards and sorted by their reversed text: a
typo late in a name keeps its start (its neighbours in forward order), an early one keeps its end (in reverse
order). At most :data:`NEIGHBOURS` on each side of each order are compared with the word, with difflib's ratio,
as ``difflib.get_close_matches`` would (so a small set gives exactly its answer)."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

NEIGHBOURS = 16  # per side, per order: at most 4 × 16 = 64 comparisons for one word, however many names
CUTOFF = 0.6  # difflib's default: below this, no suggestion


class Names:
    """A set of names asked for suggestions; the sorted orders are built on the first question, once."""

    def __init__(self, names: Iterable[str]) -> None:
        self._source = names
        self._forward: list[str] | None = None
        self._backward: list[str] = []
        self.comparisons = 0  # how many names were compared with a word, in all: bounded per word

    def closest(self, word: str) -> str | None:
        """The name most like ``word`` (difflib's ratio, at least :data:`CUTOFF`), or None."""
        candidates = list(dict.fromkeys(self._candidates(word)))
        self.comparisons += len(candidates)
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
        return close[0] if close else None

    def hint(self, word: str) -> str:
        """``"; did you mean 'x'?"``, or nothing when no name is close."""
        close = self.closest(word)
        return f"; did you mean {close!r}?" if close else ""

    def _candidates(self, word: str) -> Iterator[str]:
        if self._forward is None:
            names = sorted({n for n in self._source if isinstance(n, str)})
            self._forward = names
            self._backward = sorted(n[::-1] for n in names)
        if len(self._forward) <= 4 * NEIGHBOURS:
            yield from self._forward
            return
        yield from _around(self._forward, word)
        yield from (n[::-1] for n in _around(self._backward, word[::-1]))


def _around(names: list[str], word: str) -> list[str]:
    at = bisect.bisect_left(names, word)
    return names[max(at - NEIGHBOURS, 0) : at + NEIGHBOURS]


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """One question, one set: ``"; did you mean 'x'?"`` or nothing."""
    return Names(names).hint(word)


V = TypeVar("V")


class KnownIds(Mapping[str, V]):
    """A mapping of ids (records, options) that also answers did-you-mean for ids not in it, from one index built
    the first time it is asked: every unknown id in a brief shares it."""

    def __init__(self, items: Mapping[str, V]) -> None:
        self._items = items
        self.names = Names(items)

    def __getitem__(self, key: str) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def hint(self, word: str) -> str:
        return self.names.hint(word)
