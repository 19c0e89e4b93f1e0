"""Words, sentences and phrase lexicons for the tradecraft lint: plain functions over text, no brief."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("Pub. L.", "No.", "U.S.", "St.", "Dr.", "Mr.", "Ms.", "e.g.", "i.e.", "vs.", "cf.", "Jan.", "Feb.")
_WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_STOP_TEXT = """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just let me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up upon very was we were what when where which while who whom why will with
    would you your yet may might must shall us its any every many much one two three four five new since per via
    within without among amid s"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def sentences(text: str) -> list[str]:
    """A text split into sentences (abbreviations such as "Pub. L." and "U.S." do not end one)."""
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
    parts = _SENTENCE_END.split(" ".join(protected.split()))
    return [p.replace("\x00", ".") for p in parts if p.strip()]


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits; inner apostrophes and points kept: "russia's", "2.5")."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A crude stem, enough to match "sanctions" with "sanctioned" and "Kazakhstan's" with "Kazakhstan"."""
    word = word.removesuffix("'s")
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + keep
    return word


def content_words(text: str) -> set[str]:
    """Stems of the words that carry content (no stop words, no single letters), cut to six characters so that
    "Russia" meets "Russian" and "Kazakh" meets "Kazakhstan"."""
    return {stem(w)[:6] for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())}


@dataclass(frozen=True)
class Lexicon:
    """Phrases grouped by what they signal, matched whole (word boundaries, longest phrase first), so that
    "unlikely" is not also "likely" and "remote sensing" is no estimative "remote"."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]

    def find(self, text: str) -> list[tuple[str, str]]:
        """``(group, phrase as written)`` for every phrase in ``text``, in order."""
        pattern, names, anchors = _compiled(self.groups)
        if anchors is not None and anchors.isdisjoint(_LETTER_RUN.findall(text.casefold())):
            return []  # no phrase can start here: most texts, and the regex is the costly part
        found = []
        for match in pattern.finditer(text):
            index = next(i for i, g in enumerate(match.groups()) if g is not None)
            found.append((names[index], match.group(0)))
        return found

    def groups_in(self, text: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for group, phrase in self.find(text):
            out.setdefault(group, []).append(phrase)
        return out


_LETTER_RUN = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=64)
def _compiled(
    groups: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str], tuple[str, ...], frozenset[str] | None]:
    """The lexicon as one pattern, the group of each alternative, and one word of each phrase (None when a phrase is
    a regex of its own): a text holding none of those words can match no phrase. Any run of letters in a phrase
    stands whole in every text the phrase matches (phrases match between word boundaries), so each phrase offers
    its longest, usually its rarest: "in the view of" is looked for only where "view" is."""
    entries = sorted(((p, g) for g, phrases in groups for p in phrases), key=lambda e: -len(e[0]))
    alternatives = [f"({_phrase(p)})" for p, _ in entries]
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)
    runs = [_LETTER_RUN.findall(p.casefold()) for p, _ in entries]
    plain = all(not p.startswith("re:") and words for (p, _), words in zip(entries, runs, strict=True))
    anchors = frozenset(max(words, key=len) for words in runs if words) if plain else None
    return pattern, tuple(g for _, g in entries), anchors


def _phrase(phrase: str) -> str:
    """A lexicon phrase as a pattern: spaces match any whitespace; a phrase may carry its own regex after 're:'."""
    if phrase.startswith("re:"):
        return phrase[3:]
    return r"\s+".join(re.escape(w) for w in phrase.split())


def quoted(phrases: Iterable[str]) -> str:
    """'a', 'b' and 'c' — the exact words, for a warning."""
    items = [f"'{p}'" for p in dict.fromkeys(" ".join(p.split()) for p in phrases)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
