"""Typography a reader notices, applied to the text of Word runs (never to code): a non-breaking space inside dates
("24 March 2026", "March 2026") and before a bracketed citation (``text [3, 5]``), non-breaking hyphens in ids
(``R-BAI-1``, ``E-026``: capitals and digits joined by hyphens, with a digit), and — a house-style option, on by
default — curly quotes and apostrophes. The Markdown keeps the characters as written; only Word is typeset.

A non-breaking hyphen is written as U+2011 here and becomes Word's own ``w:noBreakHyphen`` in
:func:`~briefgen.formats.docx.xml.text_content`. Every pattern starts from the character it changes (a space, a
hyphen, a quote), and text without a digit is not scanned for dates, citations or ids."""

from __future__ import annotations

import re

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"
MONTHS = frozenset(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December")
)  # fmt: skip
# A space that may have to hold: before a month, before a year, before a bracketed citation.
_SPACE = re.compile(rf" (?=(?:{'|'.join(sorted(MONTHS))})\b|\d{{4}}\b|\[\d+(?:, \d+)*\])")
_ID_HYPHEN = re.compile(r"(?<=[A-Z0-9])-(?=[A-Z0-9])")  # a hyphen that may be an id's; the word around it decides
_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_QUOTE = re.compile("['\"]")
_DIGIT = re.compile(r"\d")
# After these a quote opens; after anything else it closes (or is an apostrophe).
_OPENS_AFTER = frozenset(" \t\n([{\u2018\u201c\u2014\u2013/-" + NBSP)


def typeset(text: str, before: str = "", curly: bool = True) -> str:
    """``text`` typeset; ``before`` is the text written just before it in the same paragraph (its last character
    decides whether a quote opening this text opens or closes)."""
    if _DIGIT.search(text):  # every space kept and every id has a digit beside it or in it
        if " " in text:
            text = _SPACE.sub(_held, text)
        if "-" in text:
            text = _ID_HYPHEN.sub(_unbreakable, text)
    if curly and ('"' in text or "'" in text):
        text = curled(text, before)
    return text


def curled(text: str, before: str = "") -> str:
    """Straight quotes made curly: opening after a space, an opening bracket or a dash, or at the start of a
    paragraph; closing (or an apostrophe) elsewhere, and an apostrophe before a digit (’90s)."""
    marked = (before[-1:] or " ") + text
    return _QUOTE.sub(_curly, marked)[1:]


def _curly(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    opens = text[at - 1] in _OPENS_AFTER
    if match.group() == '"':
        return "\u201c" if opens else "\u201d"
    return "\u2018" if opens and not text[at + 1 : at + 2].isdigit() else "\u2019"


def _held(match: re.Match[str]) -> str:
    """A non-breaking space before a citation, between a month and its year, and between a day and its month."""
    text, at = match.string, match.start()
    after = text[at + 1]
    if after == "[":
        return NBSP
    if after.isdigit():
        return NBSP if text[text.rfind(" ", 0, at) + 1 : at] in MONTHS else " "
    day = text[max(at - 3, 0) : at].rsplit(" ", 1)[-1].lstrip("(")
    return NBSP if day.isdigit() and len(day) <= 2 else " "


def _unbreakable(match: re.Match[str]) -> str:
    """A non-breaking hyphen in a word of capitals and digits joined by hyphens, with a digit (an id)."""
    text, at = match.string, match.start()
    left = at
    while left and (text[left - 1].isalnum() or text[left - 1] == "-"):
        left -= 1
    right, end = at + 1, len(text)
    while right < end and (text[right].isalnum() or text[right] == "-"):
        right += 1
    word = text[left:right]
    return NB_HYPHEN if _ID.fullmatch(word) and any(c.isdigit() for c in word) else "-"
