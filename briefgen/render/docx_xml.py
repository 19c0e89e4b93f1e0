"""Low-level WordprocessingML: markup for paragraphs, runs, fields, tables; package bytes.

The body is written as one string of WordprocessingML and parsed once by lxml
(:func:`parse_fragment`), which is several times faster than creating each element in
Python. Every piece of text goes through :func:`escape_text` and every attribute value
through :func:`escape_attr`, so no input can change the markup's structure. Properties are
written in the order the schema requires (CT_PPr, CT_RPr, CT_TcPr), by construction.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from types import MappingProxyType
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import OpcPackage
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

Element = Any  # lxml ships no type information; elements are lxml.etree._Element

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_SPLIT = re.compile("([\t\n])")

PARAGRAPH_END = "</w:p>"
HYPERLINK_END = "</w:hyperlink>"
CELL_END = "</w:tc>"
ROW_END = "</w:tr>"
TABLE_END = "</w:tbl>"
LINE_BREAK = "<w:r><w:br/></w:r>"

# Column widths are estimated from Arial / Liberation Sans advance widths, in ems.
_CHAR_EMS = MappingProxyType(
    {
        **dict.fromkeys("abcdeghknopqsuvxyz$#?_0123456789", 0.556),
        **dict.fromkeys("ijl.,:;!|' ", 0.25),
        **dict.fromkeys('ft/\\[]()-r"*', 0.32),
        **dict.fromkeys("mwMW@%", 0.85),
        **dict.fromkeys("ABCDEFGHIJKLNOPQRSTUVXYZ&", 0.70),
    }
)
_OTHER_CHAR_EMS = 0.7  # anything else: accented letters, other scripts, symbols
_BOLD_FACTOR = 1.1
CELL_PADDING = 2 * 72 + 36  # the reference's Table Grid cell margins, plus slack
SHORT_CELL = 12  # characters; a cell this short, such as "Very High", stays on one line
CROWDED_SHARE = 0.6  # short cells stay whole while the columns' minimums take at most this share of the width
LONGEST_WORD_KEPT = 1800  # twips; a longer word may break rather than widen its column

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONTENT_TYPES = "[Content_Types].xml"


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


def parse_fragment(markup: str) -> list[Element]:
    """Parse a run of ``w:`` block or inline markup; return its top-level elements."""
    return list(parse_xml(f"<w:body {nsdecls('w', 'r')}>{markup}</w:body>"))


@cache  # few distinct paragraph starts occur in a document
def paragraph_start(
    style_id: str | None = None,
    *,
    num: tuple[str, str] | None = None,
    rule_below: bool = False,
    tabs: tuple[tuple[str, int], ...] = (),
    space_after: int | None = None,
    space_before: int | None = None,
    align: str | None = None,
) -> str:
    """``<w:p>`` and its properties; ``num`` is a (numId, ilvl) pair overriding the style's
    numbering, ``tabs`` are (``left``/``right``/``clear``..., position) pairs."""
    props = []
    if style_id is not None:
        props.append(f'<w:pStyle w:val="{escape_attr(style_id)}"/>')
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
    return f"<w:r>{props}{text_content(text)}</w:r>"


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
    """Run content for ``text``: ``w:t`` pieces, with ``w:tab`` and ``w:br`` between them."""
    if "\t" not in text and "\n" not in text:
        return f'<w:t xml:space="preserve">{escape_text(text)}</w:t>' if text else ""
    parts = []
    for piece in _TEXT_SPLIT.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
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
    """Adds numbering instances to numbering.xml: one ``w:num`` per ordered list, so that
    each list restarts (at its own start number) instead of continuing the previous one."""

    root: Element  # w:numbering
    numbered: Mapping[str, tuple[str, str]]  # list style name -> (abstractNumId, ilvl)
    next_id: int

    @classmethod
    def of(cls, root: Element, numbered: Mapping[str, tuple[str, str]]) -> ListNumbering:
        ids = [int(n) for num in root.iterchildren(w("num")) if (n := num.get(w("numId"), "")).isdigit()]
        return cls(root, numbered, max(ids, default=0) + 1)

    def new_list(self, style_name: str, start: int) -> tuple[str, str]:
        """Add an instance of the style's list definition starting at ``start``; return (numId, ilvl)."""
        abstract_id, ilvl = self.numbered[style_name]
        num_id = str(self.next_id)
        self.next_id += 1
        (num,) = parse_fragment(
            f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{escape_attr(abstract_id)}"/>'
            f'<w:lvlOverride w:ilvl="{escape_attr(ilvl)}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
        )
        siblings = list(self.root.iterchildren(w("num"), w("abstractNum")))
        if siblings:
            siblings[-1].addnext(num)  # every w:num follows every w:abstractNum
        else:
            self.root.insert(0, num)
        return num_id, ilvl


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


# --- tables -------------------------------------------------------------------------


def table_start(style_id: str, widths: Sequence[int]) -> str:
    """``<w:tbl>`` with fixed layout, total width ``sum(widths)`` twips, and its grid."""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape_attr(style_id)}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        f' w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )


def row_start(*, header: bool) -> str:
    """A row that never splits across pages; a header row repeats at the top of each page."""
    return f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>"


@cache
def cell_start(width: int, fill: str | None = None) -> str:
    """``<w:tc>`` with its width (dxa) and optional solid fill.

    In ``w:tcPr`` the schema puts ``w:shd`` after tcW/gridSpan/vMerge/tcBorders and before
    noWrap/tcMar/vAlign; here it follows tcW, the only other property written.
    """
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'


def estimated_widths(columns: Sequence[Sequence[str]], total: int, em: int) -> list[int]:
    """Widths (twips, summing to ``total``) for columns of cell texts; the first row is bold.

    ``em`` is the table font size in twips. Each column fits what must stay on one line;
    the rest of the room goes to the columns with the longest text (:func:`column_widths`).
    Short cells ("Very High") stay whole while that leaves the long-text columns room enough;
    in a crowded table (a risk register) they may wrap, so that the prose columns stay readable.
    """
    measured = [[_measure(text) for text in texts] for texts in columns]
    whole = _limits(measured, em, keep_short=True)
    limits = whole if sum(whole[0]) <= total * CROWDED_SHARE else _limits(measured, em, keep_short=False)
    demands = [sum(m[0] for m in texts[1:]) / max(len(texts) - 1, 1) for texts in measured]
    return column_widths(*limits, total, demands)


# A cell's measure: (width on one line, longest word or hyphen-broken part, whether it is a short cell), in ems.
_Measure = tuple[float, float, bool]


def _limits(columns: Sequence[Sequence[_Measure]], em: int, keep_short: bool) -> tuple[list[int], list[int]]:
    minimums, maximums = [], []
    for texts in columns:
        widths = [(line, line if keep_short and short else word) for line, word, short in texts]
        widths[0] = (widths[0][0] * _BOLD_FACTOR, widths[0][1] * _BOLD_FACTOR)
        maximums.append(int(max(line for line, _ in widths) * em) + CELL_PADDING)
        longest = max(max(unbreakable for _, unbreakable in widths), widths[0][0] / 2)  # a header takes ≤ 2 lines
        minimums.append(min(int(longest * em), LONGEST_WORD_KEPT) + CELL_PADDING)
    return minimums, maximums


def _measure(text: str) -> _Measure:
    """Widths of ``text`` on one line and of what must stay on one line (its longest word; a short cell such as
    "Very High" is kept whole when the table has room)."""
    words = text.split()
    widths = [_ems(word) for word in words]
    line = sum(widths) + _CHAR_EMS[" "] * max(len(words) - 1, 0)
    unbreakable = max((_unbreakable_ems(word, ems) for word, ems in zip(words, widths, strict=True)), default=0.0)
    return line, unbreakable, len(text) <= SHORT_CELL


def _unbreakable_ems(word: str, ems: float) -> float:
    """A long word may break after a hyphen ("remote-" / "sensing"); a short one ("R-CIV-1") stays whole."""
    if len(word) <= SHORT_CELL or "-" not in word:
        return ems
    return max(_ems(part) for part in re.split(r"(?<=-)", word) if part)


def _ems(text: str) -> float:
    """Approximate width of ``text`` in ems."""
    return sum(map(_CHAR_EMS.get, text, repeat(_OTHER_CHAR_EMS)))


def column_widths(
    minimums: Sequence[int], maximums: Sequence[int], total: int, demands: Sequence[float] | None = None
) -> list[int]:
    """Split ``total`` twips over columns the way browsers lay out automatic tables.

    ``minimums`` are the widths of what must stay on one line in each column (its longest
    word), ``maximums`` of its longest cell on one line. If every cell fits on one line,
    widths follow the maximums; if not even the minimums fit, they follow the minimums;
    otherwise each column gets its minimum plus a share of the remaining room, in proportion to
    ``demands`` (default ``maximum - minimum``; the build passes each column's mean text length, so
    prose columns get the room), never past its maximum.
    """
    highs = [max(low, high) for low, high in zip(minimums, maximums, strict=True)]
    if sum(highs) <= total:
        return _apportion([float(h) for h in highs], total)
    if sum(minimums) >= total:
        return _apportion([float(m) for m in minimums], total)
    weights = list(demands) if demands is not None else [h - m for m, h in zip(minimums, highs, strict=True)]
    widths = [float(m) for m in minimums]
    active = [i for i, (w, h) in enumerate(zip(widths, highs, strict=True)) if h > w and weights[i] > 0]
    while active and total - sum(widths) > 1:
        room, weight = total - sum(widths), sum(weights[i] for i in active)
        for i in active:
            widths[i] = min(float(highs[i]), widths[i] + room * weights[i] / weight)
        active = [i for i in active if highs[i] - widths[i] > 1]
    return _apportion(widths, total)


def _apportion(shares: Sequence[float], total: int) -> list[int]:
    """Round ``shares`` (scaled to ``total``) to integers summing to exactly ``total``."""
    scale = total / sum(shares)
    exact = [s * scale for s in shares]
    widths = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (widths[i] - exact[i], i))
    for i in by_remainder[: total - sum(widths)]:
        widths[i] += 1
    return widths


# --- package bytes ------------------------------------------------------------------


def package_bytes(package: OpcPackage) -> bytes:
    """The package as .docx bytes: equal content always gives equal bytes.

    Written here rather than by python-docx's ``save``, which stamps zip entries with the
    current time: every entry gets a fixed timestamp and attributes, ``[Content_Types].xml``
    comes first and the other entries are sorted.
    """
    parts = list(package.iter_parts())
    entries = {CONTENT_TYPES: _content_types(parts), "_rels/.rels": _bytes(package.rels.xml)}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if part.rels:
            entries[part.partname.rels_uri.membername] = _bytes(part.rels.xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(entries, key=lambda name: (name != CONTENT_TYPES, name)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=1)  # fastest; a few KB larger
    return out.getvalue()


def _content_types(parts: Sequence[Part]) -> bytes:
    """``[Content_Types].xml``: defaults for .rels and .xml, an override for every part."""
    overrides = "".join(
        f'<Override PartName="{escape_attr(partname)}" ContentType="{escape_attr(content_type)}"/>'
        for partname, content_type in sorted((str(part.partname), part.content_type) for part in parts)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{CT.OPC_RELATIONSHIPS}"/>'
        f'<Default Extension="xml" ContentType="{CT.XML}"/>{overrides}</Types>'
    ).encode()


def _bytes(xml: str | bytes) -> bytes:
    return xml.encode() if isinstance(xml, str) else xml
