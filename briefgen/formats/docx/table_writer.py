"""A table as the body writer walks it: its cells' inline events collected (:class:`Table`), then written with column
widths shared by every table with the same header row (:class:`Layouts`: both heat maps, every risk register), the
header row and all-bold cells shaded grey, and risk-level cells in their heat colours."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefgen.formats.docx import xml as x
from briefgen.formats.docx.tables import cell_start, estimated_widths, row_start, table_start

if TYPE_CHECKING:
    from briefgen.formats.docx.body import BodyWriter

HEADER_FILL = "D9D9D9"
# A table this small (a heat map, a comparison matrix) is not split across pages; a register of long texts may be.
KEPT_ROWS = 8
KEPT_CELL = 60  # characters


def write(writer: BodyWriter, rows: Sequence[Sequence[Cell]]) -> None:
    """Write a table's markup into ``writer.out``."""
    out = writer.out
    cells = [[cell.text for cell in row] for row in rows]
    texts = [list(column) for column in zip(*cells, strict=True)]
    reference = writer.reference
    layout = writer.layouts.layout(texts, reference.text_width, reference.table_em, out, not writer.in_note)
    layout.place(out, table_start(writer.style("Table Grid"), layout.widths), -1, None)
    inline = writer.inline
    whole = len(rows) <= KEPT_ROWS and all(len(text) <= KEPT_CELL for column in texts for text in column)
    for index, row in enumerate(rows):
        header = index == 0
        out.append(row_start(header=header))
        style = writer.style("Table Heading" if header else "Table Text")
        keep = whole and index < len(rows) - 1  # a short table stays on one page: each row keeps with the next
        for column, (cell, width) in enumerate(zip(row, layout.widths, strict=True)):
            fill = cell_fill(cell, cells[index][column], header, writer.heat)
            colour = None if fill in (None, HEADER_FILL) else x.text_colour_on(fill)
            layout.place(out, cell_start(width, fill), column, fill)
            out.append(x.paragraph_start(style, align=cell.align, keep_next=keep))
            inline.reset(colour)
            for event in cell.events:
                inline.event(event)
            inline.flush()
            out += (x.PARAGRAPH_END, x.CELL_END)
        out.append(x.ROW_END)
    out.append(x.TABLE_END)


def cell_fill(cell: Cell, text: str, header: bool, heat: Mapping[str, str]) -> str | None:
    """Grey for headings (the header row, or a cell that is all bold, such as the heat
    matrix's likelihood labels); the level's heat colour for a level cell (``text``); else none."""
    if header or all_bold(cell.events):
        return HEADER_FILL
    return heat.get(text.partition(":")[0])  # "High" or "High: R-1, R-2"


@dataclass
class Cell:
    events: list[Any] = field(default_factory=list)
    align: str | None = None

    @property
    def text(self) -> str:
        return plain_text(self.events).strip()


@dataclass
class Table:
    """A table's cells as they are read: each cell's inline events, and its alignment."""

    align: tuple[str | None, ...]
    rows: list[list[Cell]] = field(default_factory=list)
    cell: Cell | None = None

    def event(self, event: Any) -> None:
        if type(event) is dict:
            ((kind, value),) = event.items()
            if kind == "Start" and value in ("TableHead", "TableRow"):
                self.rows.append([])
                return
            if kind == "Start" and value == "TableCell":
                row = self.rows[-1]
                self.cell = Cell(align=self.align[len(row)] if len(row) < len(self.align) else None)
                row.append(self.cell)
                return
            if kind == "End" and value in ("TableHead", "TableRow", "TableCell"):
                self.cell = None if value == "TableCell" else self.cell
                return
        if self.cell is not None:
            self.cell.events.append(event)


@dataclass
class Layout:
    """Column widths shared by the tables with one header row, and where each of their widths is written, so that
    a later table of the same kind (the second heat map, the next risk register) can widen them all alike."""

    texts: list[list[str]]  # every such table's cell texts, by column; the header once
    widths: list[int]
    places: list[tuple[int, int, str | None]] = field(default_factory=list)  # (markup index, column or -1, fill)

    def place(self, out: list[str], markup: str, column: int, fill: str | None) -> None:
        self.places.append((len(out), column, fill))
        out.append(markup)


@dataclass
class Layouts:
    by_header: dict[tuple[str, ...], Layout] = field(default_factory=dict)

    def layout(self, texts: list[list[str]], total: int, em: int, out: list[str], shared: bool = True) -> Layout:
        """The layout for a table of ``texts`` (by column, header first): a new one, or the one of the tables
        with the same header, its widths estimated again over all their cells and rewritten in ``out``."""
        header = tuple(column[0] for column in texts)
        known = self.by_header.get(header) if shared else None
        if known is None:
            layout = Layout(texts, estimated_widths(texts, total, em))
            if shared:
                self.by_header[header] = layout
            return layout
        known.texts = [old + new[1:] for old, new in zip(known.texts, texts, strict=True)]
        widths = estimated_widths(known.texts, total, em)
        if widths != known.widths:
            known.widths = widths
            for index, column, fill in known.places:
                out[index] = _rewidened(out[index], widths, column, fill)
        return known


def _rewidened(markup: str, widths: Sequence[int], column: int, fill: str | None) -> str:
    if column >= 0:
        return cell_start(widths[column], fill)
    style = re.search(r'<w:tblStyle w:val="([^"]*)"/>', markup)
    return table_start(style.group(1) if style else "", widths)


def plain_text(events: Sequence[Any]) -> str:
    """The text of inline events: text, code, raw HTML and image descriptions; a soft break is a space."""
    parts = []
    for event in events:
        if event == "SoftBreak":
            parts.append(" ")
        elif type(event) is dict:
            ((kind, value),) = event.items()
            if kind in ("Text", "Code", "InlineHtml"):
                parts.append(value)
    return "".join(parts)


def all_bold(events: Sequence[Any]) -> bool:
    """True when one ``**...**`` span holds the cell's whole content."""
    if len(events) < 3 or events[0] != {"Start": "Strong"} or events[-1] != {"End": "Strong"}:
        return False
    depth = 0
    for event in events[:-1]:
        depth += 1 if event == {"Start": "Strong"} else -1 if event == {"End": "Strong"} else 0
        if depth == 0:
            return False
    return True
