"""How a source is cited: the full note form (Chicago notes style) and the short form used after a source's first
note.

The short form is the source's own ``short:`` when it sets one; else the author's surname and the year ("Keranen
2025"), with two authors joined by "and", three as "A, B, and C", more as "A et al."; an author that is not a
person's name — an organisation, an outlet, an acronym — is given whole ("U.S. Government Accountability Office
2024"), never cut to its last word."""

from __future__ import annotations

import re

from briefgen.inputs.validate import Brief

# Words that make an author an organisation (matched case-insensitively, whole words).
_WORDS = """
academy administration agency alliance army assembly association authority bank board bureau center centre
college commission committee company congress corp corporation council court daily department editors editorial
federation force forum foundation fund government group house inc initiative institute institution journal lab
laboratory league library llc ltd magazine ministry nations navy network news office organisation organization
parliament police post press program programme project radio republic research review school secretariat senate
service services society staff states team television times tribune union university of the for on at
"""
_ORGANISATION_WORDS = frozenset(_WORDS.split())
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin", "ibn"})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z]?\.?|[A-ZÀ-Þ][\w'’-]*[a-zß-ÿ][\w'’-]*|[A-Z]\.(?:[A-Z]\.)*)$")
_SEPARATORS = re.compile(r"\s*;\s*|\s*,?\s+and\s+|\s*&\s*")


def citation(brief: Brief, source_id: str) -> str:
    """Chicago-style note text: author, "title", outlet, date, URL — only what the source gives."""
    source = brief.sources[source_id]
    parts = [source.author, f"“{source.title}”", source.publisher, source.published.long()]
    text = ", ".join(p for p in parts if p)
    return f"{text}, {source.url}" if source.url else text


def short_citation(brief: Brief, source_id: str) -> str:
    """The source's ``short:``, or the authors' surnames (an organisation whole; else the outlet, or the title)
    and year: "Keranen 2025"."""
    source = brief.sources[source_id]
    if source.short:
        return source.short
    who = short_author(source.author) if source.author else source.publisher or source.title
    return f"{who} {source.published.year}"


def short_author(author: str) -> str:
    """Surnames of people, Chicago-style; an author that is not a list of personal names, whole."""
    people = _people(author)
    if people is None:
        return author.strip()
    surnames = [_surname(p) for p in people]
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    if len(surnames) == 3:
        return f"{surnames[0]}, {surnames[1]}, and {surnames[2]}"
    return f"{surnames[0]} et al."


def _people(author: str) -> list[str] | None:
    """The personal names ``author`` lists ("A and B", "A, B, and C", "A; B", "Surname, Given"), or None when any
    part of it is not a personal name."""
    text = author.strip()
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) == 1 and text.count(",") == 1:
        surname, given = (p.strip() for p in text.split(","))
        return [f"{given} {surname}"] if _is_name(given) and _is_name(surname, words=3) else None
    if len(parts) == 1 or (len(parts) > 1 and "," in text):
        parts = [q for p in parts for q in re.split(r"\s*,\s*", p) if q]
    return parts if parts and all(_is_name(p) for p in parts) else None


def _is_name(text: str, words: int = 5) -> bool:
    """Two or more words that each look like part of a personal name (or one, where a surname stands alone), with
    no word that marks an organisation and no acronym."""
    tokens = text.split()
    if not tokens or len(tokens) > words:
        return False
    if any(t.lower().strip(".,") in _ORGANISATION_WORDS for t in tokens):
        return False
    named = [t for t in tokens if t.lower() not in _PARTICLES and t.lower() not in _SUFFIXES]
    if len(tokens) == 1 and words == 5:
        return False  # one word alone ("Reuters", "NASA") is a name of something, or cannot be told from one
    return bool(named) and all(_NAME_WORD.match(t) for t in named)


def _surname(name: str) -> str:
    """The last name-word with the particles before it ("von der Leyen"), suffixes dropped ("King" of "King Jr.")."""
    tokens = [t for t in name.split() if t.lower().strip(",") not in _SUFFIXES]
    surname = [tokens[-1]]
    for token in reversed(tokens[:-1]):
        if token.lower() not in _PARTICLES:
            break
        surname.insert(0, token)
    return " ".join(surname)
