"""The memo body: the parser's events walked once, in order, into WordprocessingML markup. Level 1 headings use
"Heading 1" (not "Title") so the outline keeps every heading; levels 5 and 6 use "Heading 4". A table cell reading a
risk level ("High", or "High: R-1, R-2" in the heat matrix) gets the level's heat colour; a cell that is all bold is a
row heading, shaded grey like the header row. Raw HTML is written as the text it is."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefgen.formats.docx import tables
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.links import Links, link_target
from briefgen.formats.docx.parse import Event
from briefgen.formats.docx.reference import Reference

HEADER_FILL = "D9D9D9"
BLOCK_SPACE = 120  # twips between a list or table and the next paragraph, as between body paragraphs
_ALIGN = {"Left": "left", "Center": "center", "Right": "right"}
_INLINE = frozenset({"Text", "Code", "InlineHtml", "FootnoteReference", "TaskListMarker", "InlineMath"})
_INLINE_TAGS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"})


@dataclass
class _OpenList:
    style: str  # e.g. "List Number 2"
    depth: int
    numbering: tuple[str, str] | None  # (numId, ilvl) of an ordered list's own instance
    item_started: bool = False


@dataclass
class _Cell:
    events: list[Event] = field(default_factory=list)
    align: str | None = None

    @property
    def text(self) -> str:
        return plain_text(self.events).strip()


@dataclass
class _Table:
    align: tuple[str | None, ...]
    rows: list[list[_Cell]] = field(default_factory=list)
    cell: _Cell | None = None


class BodyWriter:
    """Turns the parser's events into WordprocessingML body markup, in order."""

    def __init__(self, reference: Reference, heat: Mapping[str, str], numbering: x.ListNumbering, links: Links,
                 pictures: Callable[[str], str | None] | None = None) -> None:  # fmt: skip
        self.reference, self.heat, self.numbering, self.links = reference, heat, numbering, links
        self.pictures = pictures  # image target → the run drawing it (a chart), or None: the image's alt text
        self.out: list[str] = []
        self.lists: list[_OpenList] = []
        self.quote_depth = 0
        self.last_start: tuple[int, str | None, tuple[str, str] | None] = (-1, None, None)
        self.after_table = False
        self.open_paragraph = False  # a paragraph (or heading) is open
        self.implicit = False  # ... opened for the text of a tight list item, which comes without a Paragraph
        self.table: _Table | None = None
        self.verbatim: list[str] | None = None  # the text of a code or HTML block, collected to its end
        self.inline = _Inline(self)

    def markup(self, events: Iterable[Event]) -> str:
        for event in events:
            if type(event) is str:  # "SoftBreak", "HardBreak", "Rule"
                if event == "Rule":
                    self._close_implicit()
                    self.out += (x.paragraph_start(rule_below=True), x.PARAGRAPH_END)
                else:
                    self._inline_event(event)
                continue
            ((kind, value),) = event.items()
            if kind == "Start":
                self._start_tag(value, event)
            elif kind == "End":
                self._end_tag(value, event)
            elif self.verbatim is not None:
                self.verbatim.append(value)
            else:
                self._inline_event(event)
        return "".join(self.out)

    # --- blocks -------------------------------------------------------------------------

    def _start_tag(self, tag: str | dict[str, Any], event: Event) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name in _INLINE_TAGS or self.table is not None:
            self._inline_event(event)
            return
        self._close_implicit()
        match name:
            case "Paragraph":
                self._block_paragraph()
                self.open_paragraph = True
                self.inline.reset()
            case "Heading":
                assert isinstance(tag, dict)
                self.after_table = False  # a heading keeps its style's own space before
                self._start(self._style(f"Heading {min(int(tag['Heading']['level'][1:]), 4)}"))
                self.open_paragraph = True
                self.inline.reset()
            case "List":
                assert isinstance(tag, dict)
                self._open_list(tag["List"])
            case "Item":
                self.lists[-1].item_started = False
            case "BlockQuote":
                self.quote_depth += 1
            case "CodeBlock" | "HtmlBlock":
                self.verbatim = []
            case "Table":
                assert isinstance(tag, dict)
                self.table = _Table(tuple(_ALIGN.get(a) for a in tag["Table"]))

    def _end_tag(self, tag: str | dict[str, Any], event: Event) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name in _INLINE_TAGS or (self.table is not None and name != "Table"):
            self._inline_event(event)
            return
        match name:
            case "Paragraph" | "Heading":
                self.inline.flush()
                self.out.append(x.PARAGRAPH_END)
                self.open_paragraph = False
            case "Item":
                self._close_implicit()
                if not self.lists[-1].item_started:
                    self._block_paragraph()  # an empty item still shows its bullet
                    self.out.append(x.PARAGRAPH_END)
            case "List":
                self._close_list()
            case "BlockQuote":
                self.quote_depth -= 1
            case "CodeBlock":
                self._start(self._style("Code Block"))
                self.out += (x.run(_verbatim(self).rstrip("\n")), x.PARAGRAPH_END)
            case "HtmlBlock":
                self._block_paragraph()  # raw HTML is text here, as in a paragraph
                self.out += (x.run(" ".join(line.strip() for line in _verbatim(self).splitlines())), x.PARAGRAPH_END)
            case "Table":
                assert self.table is not None
                rows, self.table = self.table.rows, None
                self._table(rows)

    def _style(self, name: str) -> str:
        return self.reference.style_ids[name]

    def _start(self, style_id: str | None, num: tuple[str, str] | None = None) -> None:
        """Open a paragraph, remembering where, so a list's last item can get space after; the first
        paragraph after a table gets space before, as a paragraph after a paragraph would."""
        self.last_start = (len(self.out), style_id, num)
        space_before = BLOCK_SPACE if self.after_table else None
        self.after_table = False
        self.out.append(x.paragraph_start(style_id, num=num, space_before=space_before))

    def _block_paragraph(self) -> None:
        """Open a paragraph styled for where it stands: list item, block quote or body."""
        if self.lists:
            current = self.lists[-1]
            if not current.item_started:
                current.item_started = True
                self._start(self._style(current.style), current.numbering)
            else:
                suffix = "" if current.depth == 1 else f" {current.depth}"
                self._start(self._style(f"List Continue{suffix}"))
        elif self.quote_depth:
            self._start(self._style("Quote"))
        else:
            self._start(None)

    def _close_implicit(self) -> None:
        if self.implicit:
            self.inline.flush()
            self.out.append(x.PARAGRAPH_END)
            self.implicit = self.open_paragraph = False

    def _open_list(self, start: int | None) -> None:
        if self.lists and not self.lists[-1].item_started:
            self._block_paragraph()  # "- - x": the outer item's bullet gets its own line
            self.out.append(x.PARAGRAPH_END)
        depth = min(len(self.lists) + 1, 3)
        ordered = start is not None
        style = f"List {'Number' if ordered else 'Bullet'}{'' if depth == 1 else f' {depth}'}"
        numbering = self.numbering.new_list(style, start) if start is not None else None
        self.lists.append(_OpenList(style, depth, numbering))

    def _close_list(self) -> None:
        """Close a list; after the outermost one, space its last paragraph like body text."""
        self.lists.pop()
        index, style_id, num = self.last_start
        if not self.lists and index >= 0:
            self.out[index] = x.paragraph_start(style_id, num=num, space_after=BLOCK_SPACE)

    # --- inline -------------------------------------------------------------------------

    def _inline_event(self, event: Event) -> None:
        table = self.table
        if table is not None:
            _table_event(table, event)
            return
        if not self.open_paragraph:  # the text of a tight list item
            self._block_paragraph()
            self.open_paragraph = self.implicit = True
            self.inline.reset()
        self.inline.event(event)

    def _table(self, rows: Sequence[Sequence[_Cell]]) -> None:
        self.last_start = (-1, None, None)  # a list ending in a table needs no extra space
        texts = [[cell.text for cell in column] for column in zip(*rows, strict=True)]
        widths = tables.estimated_widths(texts, self.reference.text_width, self.reference.table_em)
        self.out.append(tables.table_start(self._style("Table Grid"), widths))
        for index, row in enumerate(rows):
            header = index == 0
            self.out.append(tables.row_start(header=header))
            style = self._style("Table Heading" if header else "Table Text")
            for cell, width in zip(row, widths, strict=True):
                fill = self._cell_fill(cell, header)
                colour = None if fill in (None, HEADER_FILL) else x.text_colour_on(fill)
                self.out += (tables.cell_start(width, fill), x.paragraph_start(style, align=cell.align))
                self.inline.reset(colour)
                for event in cell.events:
                    self.inline.event(event)
                self.inline.flush()
                self.out += (x.PARAGRAPH_END, x.CELL_END)
            self.out.append(x.ROW_END)
        self.out.append(x.TABLE_END)
        self.after_table = True

    def _cell_fill(self, cell: _Cell, header: bool) -> str | None:
        """Grey for headings (the header row, or a cell that is all bold, such as the heat
        matrix's likelihood labels); the level's heat colour for a level cell; else none."""
        if header or all_bold(cell.events):
            return HEADER_FILL
        return self.heat.get(cell.text.partition(":")[0])  # "High" or "High: R-1, R-2"


class _Inline:
    """Runs (and hyperlinks) for a paragraph's inline events. Text next to raw HTML joins one run, as markdown-it
    gave it (one text token) when it read HTML as text."""

    def __init__(self, writer: BodyWriter) -> None:
        self.writer = writer
        self.out = writer.out
        self.reset()

    def reset(self, colour: str | None = None) -> None:
        self.bold = self.italic = self.strike = 0
        self.colour = colour
        self.link_style: str | None = None
        self.linked = False  # a hyperlink element is open
        self.pending: list[str] = []
        self.image: list[str] | None = None  # an image's alt text, collected: it shows as one plain run
        self.image_target = ""  # ... unless the writer draws what the image's target stands for (a chart)

    def event(self, event: Event) -> None:
        if self.image is not None and event != {"End": "Image"}:
            if type(event) is dict and next(iter(event)) in ("Text", "Code", "InlineHtml"):
                self.image.append(next(iter(event.values())))
            return
        if type(event) is str:
            self.flush()
            if event == "SoftBreak":
                self._run(" ")
            else:
                self.out.append(x.LINE_BREAK)
            return
        ((kind, value),) = event.items()
        if kind in ("Text", "InlineHtml"):
            self.pending.append(value)
            return
        self.flush()
        if kind == "Code":
            self._run(value, self.link_style or self.writer._style("Code Char"))
        elif kind == "Start":
            self._start(value)
        elif kind == "End":
            self._end(value)
        else:  # anything else the parser may show (with no extension on, nothing does): as its text
            self._run(str(value))

    def _start(self, tag: str | dict[str, dict[str, str]]) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name == "Strong":
            self.bold += 1
        elif name == "Emphasis":
            self.italic += 1
        elif name == "Strikethrough":
            self.strike += 1
        elif name == "Image":
            assert isinstance(tag, dict)
            self.image, self.image_target = [], str(tag["Image"]["dest_url"])
        elif name == "Link":
            assert isinstance(tag, dict)
            self._open_link(tag["Link"])

    def _end(self, tag: str | dict[str, object]) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name == "Strong":
            self.bold -= 1
        elif name == "Emphasis":
            self.italic -= 1
        elif name == "Strikethrough":
            self.strike -= 1
        elif name == "Image":
            alt, self.image = "".join(self.image or ()), None
            pictures = self.writer.pictures
            drawn = pictures(self.image_target) if pictures else None
            self.out.append(drawn) if drawn else self._run(alt)
        elif name == "Link":
            if self.linked:
                self.out.append(x.HYPERLINK_END)
            self.link_style, self.linked = None, False

    def _open_link(self, link: Mapping[str, object]) -> None:
        """Open a hyperlink; an empty or unsafe target (``javascript:``...) shows its text without a link."""
        url = str(link["dest_url"])
        href = link_target(f"mailto:{url}" if link["link_type"] == "Email" else url)
        if not href:
            return
        if href.startswith("#"):
            self.out.append(x.hyperlink_start(anchor=href[1:]))
        else:
            self.out.append(x.hyperlink_start(rel_id=self.writer.links.external(href)))
        self.link_style, self.linked = self.writer._style("Hyperlink"), True

    def flush(self) -> None:
        if self.pending:
            text = "".join(self.pending)
            self.pending = []
            self._run(text)

    def _run(self, text: str, style_id: str | None = None) -> None:
        if text:
            self.out.append(x.run(text, style_id=style_id or self.link_style, bold=self.bold > 0,
                                  italic=self.italic > 0, strike=self.strike > 0, colour=self.colour))  # fmt: skip


def _verbatim(writer: BodyWriter) -> str:
    text, writer.verbatim = "".join(writer.verbatim or ()), None
    return text


def _table_event(table: _Table, event: Event) -> None:
    """Collect a table's cells: each cell's inline events, and its alignment."""
    if type(event) is dict:
        ((kind, value),) = event.items()
        if kind == "Start" and value in ("TableHead", "TableRow"):
            table.rows.append([])
            return
        if kind == "Start" and value == "TableCell":
            row = table.rows[-1]
            table.cell = _Cell(align=table.align[len(row)] if len(row) < len(table.align) else None)
            row.append(table.cell)
            return
        if kind == "End" and value in ("TableHead", "TableRow", "TableCell"):
            table.cell = None if value == "TableCell" else table.cell
            return
    if table.cell is not None:
        table.cell.events.append(event)


def plain_text(events: Sequence[Event]) -> str:
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


def all_bold(events: Sequence[Event]) -> bool:
    """True when one ``**...**`` span holds the cell's whole content."""
    if len(events) < 3 or events[0] != {"Start": "Strong"} or events[-1] != {"End": "Strong"}:
        return False
    depth = 0
    for event in events[:-1]:
        depth += 1 if event == {"Start": "Strong"} else -1 if event == {"End": "Strong"} else 0
        if depth == 0:
            return False
    return True
