"""Quotes against source texts: folding both into one comparable form, exact matching (with ellipsis splices),
and, for a quote that fails, the closest passage and a word-level diff. Pure functions.

A quote passes only by exact match after folding. Folding is symmetric (the same for quote and source), so it can
only hide typography: Unicode NFKC (ligatures, non-breaking spaces), curly quotes and dashes, soft hyphens,
zero-width characters, Markdown backslash escapes (``\\$``), line-break and other hyphens between letters,
whitespace and case. Footnote marks (superscript digits; digits glued to a word's last letter or to closing
punctuation) are taken out of the text and kept beside it by position: the source may have a mark the quote leaves
out, but every digit the quote has must stand at the same place in the source, so "G20" never matches "G7".
Fuzzy scores are used only to find the passage to show beside a failure, never to pass a quote."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPER_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use brackets around a superscript run: NFKC leaves them alone
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−⁃", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_ESCAPE = re.compile(r"\\(?=[^\w\s])")
_DASH_SPACE = re.compile(r"\s*-\s*")
_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_SPACE = re.compile(r"\s+")
# A footnote mark: a superscript run, or 1-3 ASCII digits right after a lower-case letter or closing punctuation
# and before a space or the end ("lease.13 Yet", "venom\"49 In"). "G20", "Soyuz-5" and "1961" are no marks.
_MARK = re.compile(f"{_OPEN}([0-9]+){_CLOSE}|(?<=[a-z.,;:)\\]\"'])([0-9]{{1,3}})(?= |$|{_OPEN})")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\s?){3}\s*\]|\[\s*…\s*\]|(?:\.\s?){2}\.|…")


@dataclass(frozen=True)
class Folded:
    """Folded text, with the footnote-like digit runs taken out of it: position in ``text`` → digits."""

    text: str
    marks: dict[int, str] = field(default_factory=dict)


def fold(text: str, casefold: bool = True) -> Folded:
    """The comparable form of a quote or a source text (see the module docstring)."""
    text = _SUPER_RUN.sub(lambda m: f"{_OPEN}{m.group().translate(_SUPERSCRIPT)}{_CLOSE}", text)
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = _ESCAPE.sub("", text)
    text = _DASH_SPACE.sub("-", text)  # "coopera-\ntion", "dual - use", "15 – 20": one form each
    text = _LETTER_HYPHEN.sub("", text)
    # A dash at either end would join the next word in the source ("A- After" folds to "aafter"): not part of it.
    text = _SPACE.sub(" ", text).strip().strip("-").strip()
    return _take_marks(text, casefold)


def _take_marks(text: str, casefold: bool) -> Folded:
    out: list[str] = []
    length = 0
    marks: dict[int, str] = {}
    last = 0
    for match in _MARK.finditer(text):
        piece = text[last : match.start()]
        piece = piece.casefold() if casefold else piece
        out.append(piece)
        length += len(piece)
        marks[length] = marks.get(length, "") + (match.group(1) or match.group(2))
        last = match.end()
        if out and out[-1].endswith(" ") and text[last : last + 1] == " ":
            last += 1  # "word ¹ next": one space, not two
    tail = text[last:].casefold() if casefold else text[last:]
    out.append(tail)
    return Folded("".join(out).strip(), marks)


def pieces(quote: str) -> list[Folded]:
    """The folded parts of a quote, split at its ellipses (``…``, ``...``, ``[…]``); empty parts dropped."""
    return [f for f in (fold(part) for part in _ELLIPSIS.split(quote)) if f.text]


def _marks_agree(piece: Folded, source: Folded, start: int) -> bool:
    return all(source.marks.get(start + pos) == digits for pos, digits in piece.marks.items())


def find_quote(quote: str, source: Folded, max_gap: int) -> tuple[int, int] | None:
    """Where the quote stands in the source (start and end in the folded text), or None. An elided quote matches
    when its parts appear in order, each starting at most ``max_gap`` characters after the previous one ends."""
    return find_parts(pieces(quote), source, max_gap)


def find_parts(parts: list[Folded], source: Folded, max_gap: int) -> tuple[int, int] | None:
    return _search(parts, source, 0, None, max_gap) if parts else None


def _search(parts: list[Folded], source: Folded, start: int, limit: int | None, gap: int) -> tuple[int, int] | None:
    part = parts[0]
    pos = source.text.find(part.text, start)
    while pos != -1 and (limit is None or pos <= limit):
        end = pos + len(part.text)
        if _marks_agree(part, source, pos):
            if len(parts) == 1:
                return pos, end
            rest = _search(parts[1:], source, end, end + gap + 1, gap)
            if rest is not None:
                return pos, rest[1]
        pos = source.text.find(part.text, pos + 1)
    return None


# ---------------------------------------------------------------- what to show beside a failure


@dataclass(frozen=True)
class Miss:
    """A quote not found: the part that fails, the source passage most like it, and their word-level diff."""

    part: str
    passage: str
    diff: str


def explain_miss(quote: str, source_text: str, max_gap: int) -> Miss:
    """Why a quote fails: its first part that is not found (in order), the closest passage of the source to that
    part, and a word diff of the part against the passage (``[-quote words-]{+source words+}``)."""
    source = fold(source_text)
    parts = pieces(quote)
    index = next((i for i in range(len(parts)) if find_parts(parts[: i + 1], source, max_gap) is None), 0)
    raw_parts = [p for p in _ELLIPSIS.split(quote) if fold(p).text]
    raw = raw_parts[index] if raw_parts else quote
    shown_part = fold(raw, casefold=False).text
    shown_source = fold(source_text, casefold=False).text
    passage = closest_passage(shown_part, shown_source)
    return Miss(shown_part, passage, word_diff(shown_part, passage))


def _words(text: str) -> list[str]:
    return text.split(" ") if text else []


def closest_passage(part: str, source: str) -> str:
    """The run of source words, as long as the quote part, sharing the most words with it (a sliding window over
    word counts, linear in the source), widened by a word either side."""
    quote_words = _words(part)
    words = _words(source)
    size = max(1, len(quote_words))
    if len(words) <= size:
        return source
    wanted = Counter(w.casefold() for w in quote_words)
    window = Counter(w.casefold() for w in words[:size])
    score = sum(min(c, window[w]) for w, c in wanted.items())
    best, best_at = score, 0
    for i in range(size, len(words)):
        old, new = words[i - size].casefold(), words[i].casefold()
        score -= 1 if window[old] <= wanted.get(old, 0) else 0
        window[old] -= 1
        window[new] += 1
        score += 1 if window[new] <= wanted.get(new, 0) else 0
        if score > best:
            best, best_at = score, i - size + 1
    start, end = max(0, best_at - 1), min(len(words), best_at + size + 1)
    return " ".join(words[start:end])


def word_diff(quote: str, passage: str, context: int = 4) -> str:
    """``quote`` against ``passage`` word by word: unchanged runs shortened to ``context`` words either side of a
    change, deletions as ``[-…-]`` (in the quote, not the source) and insertions as ``{+…+}`` (in the source)."""
    a, b = _words(quote), _words(passage)
    matcher = difflib.SequenceMatcher(None, [w.casefold() for w in a], [w.casefold() for w in b], autojunk=False)
    out: list[str] = []
    opcodes = matcher.get_opcodes()
    while opcodes and opcodes[0][0] == "insert":  # the passage's extra words around the quote: no difference
        opcodes.pop(0)
    while opcodes and opcodes[-1][0] == "insert":
        opcodes.pop()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            run = a[i1:i2]
            first, last = n == 0, n == len(opcodes) - 1
            if len(run) > 2 * context and not (first or last):
                run = [*run[:context], "…", *run[-context:]]
            elif first and len(run) > context:
                run = ["…", *run[-context:]]
            elif last and len(run) > context:
                run = [*run[:context], "…"]
            out.extend(run)
            continue
        if i2 > i1:
            out.append(f"[-{' '.join(a[i1:i2])}-]")
        if j2 > j1:
            out.append(f"{{+{' '.join(b[j1:j2])}+}}")
    return " ".join(out)
