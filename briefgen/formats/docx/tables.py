"""Word tables: the markup of a table, its rows and cells, and column widths estimated from the cells' text the way
browsers lay out automatic tables. Widths go in both ``gridCol`` and each cell's ``tcW`` (Word and LibreOffice read
them differently)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import repeat
from types import MappingProxyType

from briefgen.formats.docx.xml import escape_attr

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
# A header row takes at most 2 lines while the columns' minimums fit the width; else 3; else (0) as many as its
# words need: a header of many words wraps further rather than squeeze every column below its longest word
# ("influenc" / "e" in the options paper's contributions table).
HEADER_LINES = (2, 3, 0)


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
    for lines in HEADER_LINES[1:]:  # a header may take more lines before any word is broken mid-word
        if sum(limits[0]) <= total:
            break
        limits = _limits(measured, em, keep_short=False, header_lines=lines)
    demands = [sum(m[0] for m in texts[1:]) / max(len(texts) - 1, 1) for texts in measured]
    return column_widths(*limits, total, demands)


# A cell's measure: (width on one line, longest word or hyphen-broken part, whether it is a short cell), in ems.
_Measure = tuple[float, float, bool]


def _limits(
    columns: Sequence[Sequence[_Measure]], em: int, keep_short: bool, header_lines: int = HEADER_LINES[0]
) -> tuple[list[int], list[int]]:
    minimums, maximums = [], []
    for texts in columns:
        widths = [(line, line if keep_short and short else word) for line, word, short in texts]
        widths[0] = (widths[0][0] * _BOLD_FACTOR, widths[0][1] * _BOLD_FACTOR)
        maximums.append(int(max(line for line, _ in widths) * em) + CELL_PADDING)
        header = widths[0][0] / header_lines if header_lines else 0.0  # a header takes at most that many lines
        longest = max(max(unbreakable for _, unbreakable in widths), header)
        minimums.append(min(int(longest * em), LONGEST_WORD_KEPT) + CELL_PADDING)
    return minimums, maximums


@lru_cache(maxsize=4096)  # cell texts repeat: levels, owners, "High: R-1"
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
