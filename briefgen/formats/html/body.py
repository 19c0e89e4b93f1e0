"""The memo body as HTML: the parser's events walked once, in order, as the Word stage walks them — every text
escaped, raw HTML written as the text it is, a link only where the Word stage makes one (no ``javascript:``), an
image never fetched (a chart's image becomes the chart's SVG inline; any other image shows its description), risk-level
table cells shaded with the heat colours, footnotes (``[^n]``) as linked notes with links back, and text typeset as
in Word (non-breaking spaces and hyphens; curly quotes as the house style says)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from briefgen.formats.charts import Chart
from briefgen.formats.docx.links import link_target
from briefgen.formats.docx.outline import Anchors
from briefgen.formats.docx.table_writer import HEADER_FILL
from briefgen.formats.docx.typeset import typeset
from briefgen.formats.docx.xml import escape_attr as xml_attr
from briefgen.formats.docx.xml import escape_text as xml_text
from briefgen.formats.docx.xml import text_colour_on
from briefgen.formats.svg import chart_svg

_BLOCKS = {"Paragraph": "p", "BlockQuote": "blockquote", "Item": "li", "TableHead": "thead", "TableRow": "tr"}
_INLINE = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "del", "Superscript": "sup", "Subscript": "sub"}


@dataclass
class _Cell:
    header: bool
    align: str | None
    parts: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    depth: int = 0  # of Strong spans, to tell "**a** b **c**" from "**a b c**"
    whole: bool = True


@dataclass
class BodyHtml:
    """Turns the parser's events into HTML, in order."""

    heat: Mapping[str, str]  # risk level label → fill
    charts: Mapping[str, Chart]  # by the image target that stands for each
    out: list[str] = field(default_factory=list)
    anchors: Anchors = field(default_factory=Anchors)  # heading ids, as the Markdown contents and Word make them
    notes: dict[str, int] = field(default_factory=dict)  # footnote label → its number (order of first reference)
    references: dict[str, int] = field(default_factory=dict)  # label → references so far
    heading: list[str] | None = None  # a heading's text, collected for its id
    image: list[str] | None = None  # an image's description, collected
    table: tuple[str, ...] | None = None  # column alignments of the open table
    cell: _Cell | None = None
    in_head: bool = False
    in_notes: bool = False  # the notes' list is open
    note: str | None = None  # the label of the note being written
    drawn: int = 0
    curly: bool = True  # the house style's curly quotes
    _row_start: int = 0  # where the open row's cells start in ``out``
    _before: str = ""  # the text written last in this block (its last character decides a quote's side)

    def markup(self, events: Iterable[Any]) -> str:
        for event in events:
            if isinstance(event, str):
                self._bare(event)
                continue
            ((kind, value),) = event.items()
            if self.image is not None and kind != "End":
                self.image.append(str(value) if kind in ("Text", "Code", "InlineHtml") else "")
            elif kind == "Start":
                self._start(value)
            elif kind == "End":
                self._end(value)
            elif kind == "FootnoteReference":
                self._reference(str(value))
            else:  # Text, Code, Html, InlineHtml, math: text
                self._text(str(value), code=kind == "Code")
        self._close_notes()
        return "".join(self.out)

    # --- output, into the open cell if there is one

    def _emit(self, markup: str, text: str = "") -> None:
        if self.cell is not None:
            self.cell.parts.append(markup)
            self.cell.text.append(text)
        else:
            self.out.append(markup)
        if self.heading is not None:
            self.heading.append(text)

    def _text(self, value: str, code: bool = False) -> None:
        if code:
            self._emit(f"<code>{xml_text(value)}</code>", value)
        else:
            shown = typeset(value, self._before, self.curly)
            self._before = shown or self._before
            self._emit(xml_text(shown), value)  # a heading's id is made from the text as written
        self._mark_cell(None)

    def _bare(self, event: str) -> None:
        if event == "Rule":
            self._block("<hr>\n")
        else:
            self._emit("<br>\n" if event == "HardBreak" else "\n", " ")

    def _block(self, markup: str) -> None:
        if self.in_notes and self.note is None and not markup.startswith("</"):
            self._close_notes()  # a block after the notes
        self.out.append(markup)

    # --- tags

    def _start(self, tag: Any) -> None:
        name, value = (tag, None) if isinstance(tag, str) else next(iter(tag.items()))
        value = cast(Any, value)
        if name not in _INLINE and name not in ("Link", "Image"):
            self._before = ""  # a block (or a cell) starts: a quote at its start opens
        if name in _INLINE:
            self._mark_cell(name)
            self._emit(f"<{_INLINE[name]}>")
        elif name == "Link":
            href = link_target(f"mailto:{value['dest_url']}" if value["link_type"] == "Email" else value["dest_url"])
            self._emit(f'<a href="{xml_attr(href)}">' if href else "<a>")
        elif name == "Image":
            self.image = [str(value["dest_url"])]
        elif name == "Heading":
            self.heading = []
            self._block(f"<h{int(value['level'][1:])}>")
        elif name == "List":
            self._block("<ul>\n" if value is None else f'<ol start="{int(value)}">\n' if value != 1 else "<ol>\n")
        elif name in ("CodeBlock", "HtmlBlock"):
            self._block("<pre><code>" if name == "CodeBlock" else "<p>")
        elif name == "Table":
            self.table = tuple(value)
            self._block("<table>\n")
        elif name == "TableCell":
            row = sum(1 for part in self.out[self._row_start :] if part.startswith(("<td", "<th")))
            align = self.table[row].lower() if self.table and row < len(self.table) else "none"
            self.cell = _Cell(self.in_head, None if align == "none" else align)
        elif name == "FootnoteDefinition":
            self._definition(str(value))
        elif name in _BLOCKS:
            if name == "TableHead":
                self.in_head = True
            if name in ("TableHead", "TableRow"):
                self._row_start = len(self.out) + 1
            self._block(f"<{_BLOCKS[name]}>" + ("<tr>" if name == "TableHead" else ""))

    def _end(self, tag: Any) -> None:
        name = tag if isinstance(tag, str) else next(iter(tag))
        if name in _INLINE:
            self._mark_cell(name, end=True)
            self._emit(f"</{_INLINE[name]}>")
        elif name == "Link":
            self._emit("</a>")
        elif name == "Image":
            self._picture()
        elif name == "Heading":
            self._heading_end(tag)
        elif name == "List":
            self._block("</ul>\n" if tag["List"] is False else "</ol>\n")
        elif name in ("CodeBlock", "HtmlBlock"):
            self._block("</code></pre>\n" if name == "CodeBlock" else "</p>\n")
        elif name == "Table":
            self.table = None
            self._block("</tbody></table>\n")
        elif name == "TableCell":
            self._cell_end()
        elif name == "FootnoteDefinition":
            self._definition_end()
        elif name in _BLOCKS:
            if name == "TableHead":
                self.in_head = False
                self._block("</tr></thead>\n<tbody>\n")
            else:
                self._block(f"</{_BLOCKS[name]}>\n")

    def _heading_end(self, tag: Any) -> None:
        level = int(tag["Heading"][1:])
        text, self.heading = "".join(self.heading or ()), None
        ident = self.anchors.unique(text) or "section"
        opening = next(i for i in range(len(self.out) - 1, -1, -1) if self.out[i] == f"<h{level}>")
        self.out[opening] = f'<h{level} id="{xml_attr(ident)}">'
        self.out.append(f"</h{level}>\n")

    def _picture(self) -> None:
        target, *alt = self.image or [""]
        self.image = None
        chart = self.charts.get(target)
        if chart is None:
            self._text("".join(alt))
            return
        self.drawn += 1
        self._emit(f'<span class="chart">{chart_svg(chart, f"chart{self.drawn}")}</span>')

    def _mark_cell(self, name: str | None, end: bool = False) -> None:
        """Track whether one bold span holds the cell's whole content (a row heading, shaded like the header)."""
        cell = self.cell
        if cell is None:
            return
        if name == "Strong":
            if not end and cell.depth == 0 and cell.parts:
                cell.whole = False
            cell.depth += -1 if end else 1
        elif cell.depth == 0 and (end or name is None):
            cell.whole = cell.whole and name == "Strong"
        elif cell.depth == 0:
            cell.whole = False

    def _cell_end(self) -> None:
        cell, self.cell = self.cell, None
        assert cell is not None
        text = "".join(cell.text).strip()
        bold = cell.whole and bool(cell.parts) and cell.parts[0] == "<strong>" and cell.parts[-1] == "</strong>"
        fill = HEADER_FILL if cell.header or bold else self.heat.get(text.partition(":")[0])
        styles = [f"text-align:{cell.align}"] if cell.align else []
        if fill:
            styles.append(f"background:#{fill}")
            if fill != HEADER_FILL:
                styles.append(f"color:#{text_colour_on(fill)}")
        style = f' style="{";".join(styles)}"' if styles else ""
        kind = "th" if cell.header else "td"
        self.out.append(f"<{kind}{style}>{''.join(cell.parts)}</{kind}>")

    # --- footnotes

    def _reference(self, label: str) -> None:
        number = self.notes.setdefault(label, len(self.notes) + 1)
        count = self.references[label] = self.references.get(label, 0) + 1
        ident = f"fnref-{_note_id(label)}" + (f"-{count}" if count > 1 else "")
        self._emit(f'<sup class="fnref"><a href="#fn-{_note_id(label)}" id="{ident}">{number}</a></sup>', str(number))

    def _definition(self, label: str) -> None:
        if not self.in_notes:
            self.out.append('<section class="footnotes" aria-label="Notes">\n<ol>\n')
            self.in_notes = True
        number = self.notes.setdefault(label, len(self.notes) + 1)
        self.out.append(f'<li id="fn-{_note_id(label)}" value="{number}">')
        self.note = label

    def _definition_end(self) -> None:
        """Close a note, with a link back to each place that cites it."""
        label, self.note = self.note or "", None
        self.out += (
            f' <a class="back" href="#fnref-{_note_id(label)}{f"-{n}" if n > 1 else ""}" aria-label="Back to the text">'
            "↩</a>"
            for n in range(1, self.references.get(label, 0) + 1)
        )
        self.out.append("</li>\n")

    def _close_notes(self) -> None:
        if self.in_notes:
            self.out.append("</ol>\n</section>\n")
            self.in_notes = False


def _note_id(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}", label)
