"""Native Word charts: a chart of :mod:`briefgen.formats.charts` as a DrawingML chart part (``word/charts/*.xml``,
drawn as vectors by Word and LibreOffice, its numbers readable in the part) and the inline drawing that shows it where
the memo's Markdown has the chart's image.

The part holds the data as caches of sheet references (what Word and LibreOffice read; there is no embedded
workbook, so Word shows the data but cannot edit it). Horizontal bars: the weighted comparison is stacked (a segment
per criterion), the tornado clusters the cut and the rise of each weight and starts its bars at the stated lead (the
category axis crosses the value axis there). Every text is escaped, the markup is written in schema order, and the
same chart always gives the same bytes."""

from __future__ import annotations

import posixpath
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from briefgen.formats.charts import Chart, Series
from briefgen.formats.docx.links import Links
from briefgen.formats.docx.package import Entry, deflated
from briefgen.formats.docx.xml import escape_attr, escape_text
from briefgen.formats.svg import PALETTE, TORNADO, axis_range

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
EMU_PER_TWIP = 635
_INCH = 914_400  # EMU
LABEL_CHARACTERS = 36  # a longer category is cut at a word, with an ellipsis (the table beside it has it whole)
FIRST_DRAWING_ID = 0x4247_0000  # docPr ids of briefgen's charts, clear of what a house template's pictures use
_CAT_AXIS, _VAL_AXIS = 0x42470001, 0x42470002


@dataclass
class ChartParts:
    """The charts of one memo, each given a part and a relationship when the body meets its image (the Markdown
    image whose target is the chart's SVG file): a chart the memo never shows adds nothing."""

    charts: Mapping[str, Chart]  # by the image target that stands for it
    links: Links  # the document part's relationships, shared with the hyperlinks
    width: int  # of the text, in twips
    document: str  # the document part's zip member ("word/document.xml")
    taken: frozenset[str]  # the reference's zip members
    placed: list[tuple[str, str, Chart]] = field(default_factory=list)  # (zip member, rId, chart), in order

    def drawing(self, target: str) -> str | None:
        """The run drawing the chart an image stands for; None if it stands for none."""
        chart = self.charts.get(target)
        if chart is None:
            return None
        number = len(self.placed) + 1
        rel_id = self.links.reserve()
        self.placed.append((self._member(), rel_id, chart))
        return drawing(chart, rel_id, number, self.width)

    def relationships(self) -> list[tuple[str, str, str]]:
        """(rId, type, target relative to the document part) of each chart placed."""
        folder = posixpath.dirname(self.document)
        return [(rid, RELATIONSHIP, posixpath.relpath(member, folder)) for member, rid, _ in self.placed]

    def entries(self, content_types: Entry) -> dict[str, Entry]:
        """The zip members the charts add, and ``[Content_Types].xml`` (``content_types``) with their overrides."""
        if not self.placed:
            return {}
        types = zlib.decompress(content_types.compressed, -15)
        types = with_overrides(types, ["/" + member for member, _, _ in self.placed])
        added = {member: deflated(member, chart_part(chart)) for member, _, chart in self.placed}
        return {content_types.name: deflated(content_types.name, types), **added}

    def _member(self) -> str:
        folder = posixpath.join(posixpath.dirname(self.document), "charts")
        used = self.taken | {member for member, _, _ in self.placed}
        n = len(self.placed) + 1
        while posixpath.join(folder, f"chart{n}.xml") in used:
            n += 1
        return posixpath.join(folder, f"chart{n}.xml")


def chart_part(chart: Chart) -> bytes:
    """The chart part's XML."""
    low, high, ticks = axis_range(chart)
    stacked = chart.kind == "stacked"
    colours = PALETTE if stacked else TORNADO
    series = "".join(_series(n, s, chart.categories, colours[n % len(colours)]) for n, s in enumerate(chart.series))
    grouping = "stacked" if stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if stacked else '<c:overlap val="0"/>'
    crossing = '<c:crosses val="autoZero"/>' if stacked else f'<c:crossesAt val="{_number(chart.origin)}"/>'
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:date1904 val="0"/><c:roundedCorners val="0"/><c:chart>'
        f"{_title(chart.caption, 1200, bold=True)}"
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="bar"/><c:grouping val="{grouping}"/><c:varyColors val="0"/>{series}'
        f'<c:gapWidth val="{60 if stacked else 40}"/>{overlap}'
        f'<c:axId val="{_CAT_AXIS}"/><c:axId val="{_VAL_AXIS}"/></c:barChart>'
        f'<c:catAx><c:axId val="{_CAT_AXIS}"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'<c:crossAx val="{_VAL_AXIS}"/>{crossing}<c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_VAL_AXIS}"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{_number(high)}"/><c:min val="{_number(low)}"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="b"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/>'
        f"</a:solidFill></a:ln></c:spPr></c:majorGridlines>{_title(chart.axis, 900)}"
        '<c:numFmt formatCode="0.0#" sourceLinked="0"/><c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/><c:crossAx val="{_CAT_AXIS}"/><c:crosses val="max"/>'
        f'<c:crossBetween val="between"/><c:majorUnit val="{_number(ticks[1] - ticks[0])}"/></c:valAx>'
        "</c:plotArea>"
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"><a:latin typeface="Arial"/></a:defRPr>'
        '</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr></c:chartSpace>'
    )
    return text.encode("utf-8")


def drawing(chart: Chart, rel_id: str, number: int, width_twips: int) -> str:
    """The run that shows the chart inline, as wide as the text."""
    cx = width_twips * EMU_PER_TWIP
    rows, legend = len(chart.categories), (len(chart.series) + 1) // 2
    cy = int(_INCH * (1.0 + 0.22 * legend + (0.42 if chart.kind == "stacked" else 0.34) * rows))
    ident = FIRST_DRAWING_ID + number
    return (
        f'<w:r><w:drawing><wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{ident}" name="Chart {number}" descr="{escape_attr(chart.caption)}"/>'
        f'<wp:cNvGraphicFramePr/><a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{escape_attr(rel_id)}"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def with_overrides(content_types: bytes, partnames: Sequence[str]) -> bytes:
    """``[Content_Types].xml`` with an override for each chart part."""
    added = "".join(f'<Override PartName="{escape_attr(p)}" ContentType="{CONTENT_TYPE}"/>' for p in partnames)
    head, sep, tail = content_types.decode("utf-8").rpartition("</Types>")
    return (head + added + sep + tail).encode("utf-8")


def _series(number: int, series: Series, categories: Sequence[str], colour: str) -> str:
    column = _column(number + 1)
    rows = len(categories)
    names = "".join(f'<c:pt idx="{i}"><c:v>{escape_text(label(c))}</c:v></c:pt>' for i, c in enumerate(categories))
    values = "".join(
        f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>' for i, v in enumerate(series.values) if v is not None
    )
    return (
        f'<c:ser><c:idx val="{number}"/><c:order val="{number}"/>'
        f'<c:tx><c:strRef><c:f>Sheet1!${column}$1</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{escape_text(series.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${rows + 1}</c:f><c:strCache>"
        f'<c:ptCount val="{rows}"/>{names}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>Sheet1!${column}$2:${column}${rows + 1}</c:f><c:numCache>"
        f'<c:formatCode>0.00</c:formatCode><c:ptCount val="{rows}"/>{values}</c:numCache></c:numRef></c:val>'
        "</c:ser>"
    )


def label(text: str) -> str:
    """A category as the chart shows it: whole up to :data:`LABEL_CHARACTERS`, else cut at a word with "…"."""
    if len(text) <= LABEL_CHARACTERS:
        return text
    cut = text[: LABEL_CHARACTERS - 1].rsplit(" ", 1)[0].rstrip(",;:-—")
    return f"{cut}…"


def _title(text: str, size: int, bold: bool = False) -> str:
    return (
        f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" b="{int(bold)}"/>'
        f'</a:pPr><a:r><a:rPr lang="en-US" sz="{size}" b="{int(bold)}"/><a:t>{escape_text(text)}</a:t></a:r>'
        '</a:p></c:rich></c:tx><c:overlay val="0"/></c:title>'
    )


def _column(index: int) -> str:
    """Spreadsheet column letters: 1 → B (A holds the categories), 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") if value else "0"
