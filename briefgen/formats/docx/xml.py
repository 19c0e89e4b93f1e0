"""Low-level WordprocessingML: markup for paragraphs, runs, links, fields and list numbering; colours.

The body is written as one string of WordprocessingML, spliced as it is into the reference's serialised document
(:mod:`~briefgen.formats.docx.skeleton`): no element is created in Python. Every piece of text goes through
:func:`escape_text` and every attribute value through :func:`escape_attr`, so no input can change the markup's
structure, and the markup is well-formed by construction. Properties are written in the order the schema requires
(CT_PPr, CT_RPr, CT_TcPr), by construction.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from docx.oxml.ns import qn

Element = Any  # lxml ships no type information; elements are lxml.etree._Element

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_SPLIT = re.compile("([\t\n\u2011])")

PARAGRAPH_END = "</w:p>"
HYPERLINK_END = "</w:hyperlink>"
CELL_END = "</w:tc>"
ROW_END = "</w:tr>"
TABLE_END = "</w:tbl>"
LINE_BREAK = "<w:r><w:br/></w:r>"


@cache
def w(name: str) -> str:
    """Clark name of a ``w:`` tag or attribute, e.g. ``{http://...}p`` for ``p``."""
    return qn(f"w:{name}")


def xml_safe(text: str) -> str:
    """Return ``text`` with characters XML cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def escape_text(text: str) -> str:
    if _NEEDS_ESCAPING.search(text) is None:  # the common case: nothing to do
        return text
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(value: str) -> str:
    return escape_text(value).replace('"', "&quot;")


@cache  # few distinct paragraph starts occur in a document
def paragraph_start(
    style_id: str | None = None,
    *,
    num: tuple[str, str] | None = None,
    keep_next: bool = False,
    rule_below: bool = False,
    tabs: tuple[tuple[str, int], ...] = (),
    space_after: int | None = None,
    space_before: int | None = None,
    align: str | None = None,
) -> str:
    """``<w:p>`` and its properties; ``num`` is a (numId, ilvl) pair overriding the style's
    numbering, ``tabs`` are (``left``/``right``/``clear``..., position) pairs; ``keep_next`` keeps the paragraph on
    the page of the block after it."""
    props = []
    if style_id is not None:
        props.append(f'<w:pStyle w:val="{escape_attr(style_id)}"/>')
    if keep_next:
        props.append("<w:keepNext/>")
    if num is not None:
        props.append(f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>')
    if rule_below:
        props.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>')
    stops = "".join(f'<w:tab w:val="{k}" w:pos="{p}"/>' for k, p in sorted(tabs, key=lambda t: t[1]))
    if stops:
        props.append(f"<w:tabs>{stops}</w:tabs>")
    if space_after is not None or space_before is not None:
        before = f' w:before="{space_before}"' if space_before is not None else ""
        after = f' w:after="{space_after}"' if space_after is not None else ""
        props.append(f"<w:spacing{before}{after}/>")
    if align is not None:
        props.append(f'<w:jc w:val="{escape_attr(align)}"/>')
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>" if props else "<w:p>"


def run(
    text: str,
    *,
    style_id: str | None = None,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    colour: str | None = None,
    background: str | None = None,
) -> str:
    """A ``w:r`` holding ``text``; tabs and newlines become ``w:tab``/``w:br``."""
    props = run_properties(style_id, bold, italic, strike, colour, background)
    content = text_content(text)
    return f"<w:r>{props}{content}</w:r>" if props or content else "<w:r/>"  # as lxml writes an empty one


@cache
def run_properties(
    style_id: str | None, bold: bool, italic: bool, strike: bool, colour: str | None, background: str | None
) -> str:
    """``w:rPr`` for a run (empty when plain); few combinations occur, so it is cached."""
    props = [
        f'<w:rStyle w:val="{escape_attr(style_id)}"/>' if style_id else "",
        "<w:b/>" if bold else "",
        "<w:i/>" if italic else "",
        "<w:strike/>" if strike else "",
        f'<w:color w:val="{colour}"/>' if colour else "",
        f'<w:shd w:val="clear" w:color="auto" w:fill="{background}"/>' if background else "",
    ]
    joined = "".join(props)
    return f"<w:rPr>{joined}</w:rPr>" if joined else ""


def text_content(text: str) -> str:
    """Run content for ``text``: ``w:t`` pieces, with ``w:tab``, ``w:br`` and ``w:noBreakHyphen`` (for U+2011, the
    non-breaking hyphen) between them."""
    if "\t" not in text and "\n" not in text and "\u2011" not in text:
        return f'<w:t xml:space="preserve">{escape_text(text)}</w:t>' if text else ""
    parts = []
    for piece in _TEXT_SPLIT.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece == "\u2011":
            parts.append("<w:noBreakHyphen/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{escape_text(piece)}</w:t>')
    return "".join(parts)


def hyperlink_start(*, rel_id: str | None = None, anchor: str | None = None) -> str:
    """``<w:hyperlink>`` to an external relationship or to a bookmark in the document."""
    target = f'r:id="{escape_attr(rel_id)}"' if rel_id is not None else f'w:anchor="{escape_attr(anchor or "")}"'
    return f'<w:hyperlink {target} w:history="1">'


def field(instruction: str, cached: str, **run_format: Any) -> str:
    """A complex field: ``begin`` / ``instrText`` / ``separate`` / cached result / ``end``.

    ``run_format`` is passed to :func:`run` for the result so the field looks like its text.
    """
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape_text(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(cached, **run_format)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


@dataclass
class ListNumbering:
    """Numbering instances for numbering.xml: one ``w:num`` per ordered list, so that each list restarts (at its own
    start number) instead of continuing the previous one. ``added`` is their markup, in order: it follows every
    ``w:num`` and ``w:abstractNum`` of the reference."""

    numbered: Mapping[str, tuple[str, str]]  # list style name -> (abstractNumId, ilvl)
    next_id: int
    added: list[str] = dataclasses.field(default_factory=list)

    def new_list(self, style_name: str, start: int) -> tuple[str, str]:
        """Add an instance of the style's list definition starting at ``start``; return (numId, ilvl)."""
        abstract_id, ilvl = self.numbered[style_name]
        num_id = str(self.next_id)
        self.next_id += 1
        self.added.append(
            f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{escape_attr(abstract_id)}"/>'
            f'<w:lvlOverride w:ilvl="{escape_attr(ilvl)}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
        )
        return num_id, ilvl


def next_num_id(root: Element) -> int:
    """The first numId after every ``w:num`` of a numbering part."""
    ids = [int(n) for num in root.iterchildren(w("num")) if (n := num.get(w("numId"), "")).isdigit()]
    return max(ids, default=0) + 1


# --- colours ------------------------------------------------------------------------


def hex_colour_ok(value: str) -> bool:
    """True for an ``RRGGBB`` hex colour."""
    return re.fullmatch("[0-9A-Fa-f]{6}", value) is not None


def relative_luminance(fill: str) -> float:
    """WCAG 2 relative luminance of an ``RRGGBB`` colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(fill[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


@cache
def text_colour_on(fill: str) -> str:
    """``FFFFFF`` or ``000000``: whichever contrasts more with ``fill`` (WCAG ratio).

    The crossover is at luminance ~0.18: above it black text always has the higher ratio.
    """
    lum = relative_luminance(fill)
    return "FFFFFF" if 1.05 / (lum + 0.05) > (lum + 0.05) / 0.05 else "000000"
