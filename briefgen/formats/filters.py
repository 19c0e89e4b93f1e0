"""The filters templates use on data: escaping as literal Markdown (``|md``, ``|cell``), levels, dates, portion marks,
first sentences and per cents. Pure functions of their input."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from briefgen.analysis.wording import percent
from briefgen.inputs.scales import Level, Marking, PartialDate

# CommonMark inline metacharacters (plus GFM's | and ~); & only where it would start an entity reference.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~]|&(?=#?[A-Za-z0-9]+;))")
# Block starters only matter at the start of a line: headings, quotes, list markers, setext underlines.
_LINE_START = re.compile(r"^(\s*(?:[0-9]+(?=[.)]))?)([-+=>#.)])", re.MULTILINE)
# A carriage return ends a line in CommonMark as a line feed does (a value's "\r# x" would be a heading), a line
# indented by a tab or four spaces can be a code block, and other control characters print nothing in Word or HTML
# but act on a terminal showing the Markdown: made line feeds, unindented and dropped, before anything else.
_LINE_BREAK = re.compile(r"\r\n?")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# A value is one paragraph: a blank line in it would end the footnote, list item or quote the template put it in
# (a source title's would leave the rest of every note citing it as stray paragraphs at the end of the memo).
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


# A value a template may not print: None is what a field holds when it is withheld from the audience (a total, a
# rank, the recommended option, an option's cost) or was not given (prepared_by).
NONE_PRINTED = (
    "prints None (a value withheld from this audience, above its marking, or not given in the brief): "
    "test it first ({% if x is not none %}…{% endif %}) or print it as {{ x | withheld }}"
)
WITHHELD = "withheld"


def escape_md(value: object) -> str:
    """Data as literal Markdown text: inline metacharacters backslash-escaped, block starters neutralised."""
    if value is None:
        raise ValueError(NONE_PRINTED)
    text = _INDENT.sub("", _CONTROL.sub("", _LINE_BREAK.sub("\n", str(value))))
    text = _BLANK_LINES.sub("\n", text.strip("\n"))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def escape_cell(value: object) -> str:
    """Data inside a pipe-table cell: escaped, on one line."""
    if value is None:
        raise ValueError(NONE_PRINTED)
    return escape_md(" ".join(str(value).split()))


def or_withheld(value: Any, placeholder: str = WITHHELD) -> Any:
    """``value``, or the placeholder (``withheld``) where it is None: withheld from this audience or not given."""
    return placeholder if value is None else value


_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {
        "pub",
        "no",
        "nos",
        "vol",
        "art",
        "sec",
        "para",
        "fig",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "etc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "col",
        "maj",
        "lt",
        "gov",
        "sen",
        "rep",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "vs",
    }
)


def first_sentence(value: str) -> str:
    """Text up to the end of its first sentence (for tight tables in one-page memos); abbreviations such as
    "Pub. L." or "U.S." and single initials do not end a sentence."""
    text = " ".join(value.split())
    for match in _SENTENCE_END.finditer(text):
        word = text[: match.start()].rsplit(" ", 1)[-1].lower()
        if len(word) > 1 and word not in _ABBREVIATIONS:
            return text[: match.end()]
    return text


def level_label(value: Level | None) -> str:
    return value.label if value is not None else "—"


def long_date(value: PartialDate | dt.date | None) -> str:
    if isinstance(value, dt.date):
        value = PartialDate.parse(value)
    return value.long() if value is not None else "—"


def portion_mark(value: Any) -> str:
    """``(TLP:AMBER) `` before a portion above TLP:CLEAR, nothing otherwise."""
    marking = value if isinstance(value, Marking) else value.marking
    return f"({marking.value}) " if marking > Marking.CLEAR else ""


def share_percent(value: float | None) -> str:
    """``0.25`` → ``25%``, ``0.088`` → ``8.8%`` (as the sensitivity sentences write them); None → ``—``."""
    return percent(value) if value is not None else "—"
