"""The memo body: the parser's events walked once, in order, into WordprocessingML markup.

Headings take the outline's styles (:mod:`~briefgen.formats.docx.outline`: the memo's title in Title, its top
sections in Heading 1), each with a bookmark; they are styled once the whole memo is read. A footnote definition is
written into its note (:mod:`~briefgen.formats.docx.notes`), not into the body. The marking banner the Markdown opens
and ends with is dropped: Word shows the marking in the header and footer of every page. A table cell reading a risk
level ("High", or "High: R-1, R-2" in the heat matrix) gets the level's heat colour; a cell that is all bold is a row
heading, shaded grey like the header row; tables with the same header row get the same column widths. A paragraph
that is all bold (a run-in heading such as "**Pros**") or that introduces a table keeps with the block after it.
Raw HTML is written as the text it is.

**Directives** (the block-level hook): an HTML comment block ``<!-- briefgen:NAME ARGS -->`` whose NAME the writer
has a handler for calls ``handler(writer, ARGS)`` instead of being written as text; if a matching
``<!-- /briefgen:NAME -->`` follows, the blocks between them (what a Markdown reader sees instead: a contents list,
an image and its table) are skipped. A handler appends markup to ``writer.out``, or reserves a place with
:meth:`BodyWriter.later` to fill once the whole memo is read (the contents, which lists headings after it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from briefgen.formats.docx import table_writer as tables
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.inline import Inline
from briefgen.formats.docx.links import Links
from briefgen.formats.docx.notes import MARK, Notes
from briefgen.formats.docx.outline import ContentsStyles, Outline, bookmark_end
from briefgen.formats.docx.parse import Event
from briefgen.formats.docx.reference import Reference
from briefgen.formats.docx.table_writer import Cell, Table

BLOCK_SPACE = 120  # twips between a list or table and the next paragraph, as between body paragraphs
_ALIGN = {"Left": "left", "Center": "center", "Right": "right"}
_INLINE_TAGS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"})
_TEXT = frozenset({"Text", "Code", "InlineHtml"})
_DIRECTIVE = re.compile(r"<!-- briefgen:([a-z][a-z0-9-]*)(?: (.*?))? -->")
_TAG = re.compile(r"<[^>]+>")

Directive = Callable[["BodyWriter", str], None]
Start = tuple[int, dict[str, Any]]  # where a paragraph start is in the markup, and what it was written with


@dataclass
class _OpenList:
    style: str  # e.g. "List Number 2"
    depth: int
    numbering: tuple[str, str] | None  # (numId, ilvl) of an ordered list's own instance
    item_started: bool = False


def _contents(writer: BodyWriter, args: str) -> None:
    writer.later(writer.contents)


DIRECTIVES: Mapping[str, Directive] = MappingProxyType({"contents": _contents})


class BodyWriter:
    """Turns the parser's events into WordprocessingML body markup, in order."""

    def __init__(
        self,
        reference: Reference,
        heat: Mapping[str, str],
        numbering: x.ListNumbering,
        links: Links,
        notes: Notes,
        *,
        marking: str = "",
        curly_quotes: bool = True,
        pictures: Callable[[str], str | None] | None = None,
        directives: Mapping[str, Directive] = DIRECTIVES,
    ) -> None:
        self.reference, self.heat, self.numbering, self.links, self.notes = reference, heat, numbering, links, notes
        self.marking, self.curly_quotes, self.directives = marking.strip().upper(), curly_quotes, directives
        self.pictures = pictures  # image target → the run drawing it (a chart), or None: the image's alt text
        self.out: list[str] = []
        self.lists: list[_OpenList] = []
        self.quote_depth = 0
        self.last_start: Start | None = None  # the last paragraph opened (a list's last item gets space after)
        self.introduces: Start | None = None  # the paragraph just written, if the next block may be a table
        self.after_table = False
        self.open_paragraph = False  # a paragraph (or heading) is open
        self.implicit = False  # ... opened for the text of a tight list item, which comes without a Paragraph
        self.table: Table | None = None
        self.verbatim: list[str] | None = None  # the text of a code or HTML block, collected to its end
        self.in_note = False  # writing a footnote definition
        self.note_mark = False  # ... whose first paragraph is still to open (it holds the note's number)
        self.paragraph_style: str | None = None  # body paragraphs' style: Normal, or FootnoteText in a note
        self.outline = Outline()
        self.heading_text: list[str] | None = None  # the text of the heading being written
        self.blocks = 0  # top-level blocks so far (the banner dropped)
        self.last_block = (-1, "")  # where the last top-level block starts, and what it is
        self.layouts = tables.Layouts()
        self.skipping = ""  # "region": inside a directive's region; "end": at its end marker
        self.finishers: list[tuple[int, Callable[[], str]]] = []
        self.inline = Inline(self)
        self.events: Sequence[Event] = ()
        self.position = 0

    def markup(self, events: Sequence[Event]) -> str:
        self.events = events
        for position, event in enumerate(events):
            if self.skipping:
                self._skip(event)
            elif type(event) is str:  # "SoftBreak", "HardBreak", "Rule"
                if event == "Rule":
                    self._close_implicit()
                    self._top_block("Rule")
                    self.out += (x.paragraph_start(rule_below=True), x.PARAGRAPH_END)
                else:
                    self._inline_event(event)
            else:
                ((kind, value),) = event.items()
                if kind == "Start":
                    self._start_tag(value, event)
                elif kind == "End":
                    self.position = position
                    self._end_tag(value, event)
                elif self.verbatim is not None:
                    self.verbatim.append(value)
                else:
                    self._inline_event(event)
        return self._finished()

    def style(self, name: str) -> str:
        return self.reference.style_ids[name]

    def later(self, fill: Callable[[], str]) -> None:
        """Reserve the current place in the body for markup made once the whole memo is read."""
        self.finishers.append((len(self.out), fill))
        self.out.append("")

    # --- blocks -------------------------------------------------------------------------

    def _start_tag(self, tag: str | dict[str, Any], event: Event) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name in _INLINE_TAGS or self.table is not None:
            self._inline_event(event)
            return
        self._close_implicit()
        if name != "FootnoteDefinition":
            self._top_block(name)
        if name == "Heading" and self.in_note:
            name = "Paragraph"  # a note holds no heading
        match name:
            case "Paragraph":
                self._block_paragraph()
                self.open_paragraph = True
                self.inline.reset()
            case "Heading":
                assert isinstance(tag, dict)
                self._open_heading(int(tag["Heading"]["level"][1:]))
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
                self._keep_with_next(self.introduces)
                self.table = Table(tuple(_ALIGN.get(a) for a in tag["Table"]))
            case "FootnoteDefinition":
                assert isinstance(tag, dict)
                self._open_note(str(tag["FootnoteDefinition"]))
        self.introduces = None

    def _end_tag(self, tag: str | dict[str, Any], event: Event) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name in _INLINE_TAGS or (self.table is not None and name != "Table"):
            self._inline_event(event)
            return
        if name == "Heading" and (self.in_note or self.heading_text is None):
            name = "Paragraph"
        match name:
            case "Paragraph":
                self.inline.flush()
                self.out.append(x.PARAGRAPH_END)
                self.open_paragraph = False
                self._paragraph_written()
            case "Heading":
                self._close_heading()
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
                self._start(self.style("Code Block"))
                self.out += (x.run(_verbatim(self).rstrip("\n")), x.PARAGRAPH_END)
            case "HtmlBlock":
                self._html_block(_verbatim(self))
            case "Table":
                assert self.table is not None
                rows, self.table = self.table.rows, None
                self._table(rows)
            case "FootnoteDefinition":
                self._close_note()

    def _top_block(self, name: str) -> None:
        """Count a block that starts at the top level of the body (not in a list, quote, table or note)."""
        if not (self.lists or self.quote_depth or self.in_note or self.table is not None):
            self.blocks += 1
            self.last_block = (len(self.out), name)

    def _start(self, style_id: str | None, num: tuple[str, str] | None = None) -> None:
        """Open a paragraph, remembering where, so a list's last item can get space after; the first
        paragraph after a table gets space before, as a paragraph after a paragraph would."""
        options: dict[str, Any] = {"num": num}
        if self.after_table:
            options["space_before"] = BLOCK_SPACE
        self.after_table = False
        self.last_start = (len(self.out), {"style_id": style_id, **options})
        self.out.append(x.paragraph_start(style_id, **options))
        if self.note_mark:
            self.out.append(MARK)
            self.note_mark = False

    def _restart(self, start: Start | None, **changes: Any) -> None:
        """Write a paragraph's start again, with ``changes`` to what it was written with."""
        if start is not None:
            index, options = start
            options.update(changes)
            self.out[index] = x.paragraph_start(**options)

    def _keep_with_next(self, start: Start | None) -> None:
        self._restart(start, keep_next=True)

    def _paragraph_written(self) -> None:
        """A run-in heading ("**Pros**") keeps with what follows; any paragraph may introduce a table."""
        if self.inline.wrote and self.inline.all_bold:
            self._keep_with_next(self.last_start)
        self.introduces = self.last_start
        index, name = self.last_block
        if self.blocks == 1 and name == "Paragraph" and self._is_banner(index):
            del self.out[index:]
            self.blocks, self.introduces, self.last_start = 0, None, None

    def _block_paragraph(self) -> None:
        """Open a paragraph styled for where it stands: list item, block quote or body."""
        if self.lists:
            current = self.lists[-1]
            if not current.item_started:
                current.item_started = True
                self._start(self.style(current.style), current.numbering)
            else:
                suffix = "" if current.depth == 1 else f" {current.depth}"
                self._start(self.style(f"List Continue{suffix}"))
        elif self.quote_depth:
            self._start(self.style("Quote"))
        else:
            self._start(self.paragraph_style)

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
        if not self.lists:
            self._restart(self.last_start, space_after=BLOCK_SPACE)

    # --- headings, notes, directives ------------------------------------------------------

    def _open_heading(self, level: int) -> None:
        """A heading's style waits for the whole outline (:meth:`_finished`); its text is collected for its anchor."""
        self.after_table = False  # a heading keeps its style's own space before
        self.last_start = None
        self.heading_start = len(self.out)
        self.out.append("")
        self.heading_text = []
        self.heading_level = level
        self.open_paragraph = True
        self.inline.reset()

    def _close_heading(self) -> None:
        self.inline.flush()
        text, self.heading_text = "".join(self.heading_text or ()), None
        self.open_paragraph = False
        start = self.heading_start
        first = self.blocks == 1 and self.last_block == (start, "Heading")
        if first and text.strip().upper() == self.marking:
            del self.out[start:]  # a banner written as a heading
            self.blocks = 0
            return
        number = self.outline.add(start, self.heading_level, text, first)
        self.out += (bookmark_end(number), x.PARAGRAPH_END)

    def _open_note(self, label: str) -> None:
        """Write a footnote definition apart from the body, in the note style."""
        self.saved = (self.out, self.lists, self.quote_depth, self.last_start, self.after_table)
        self.out = self.inline.out = []
        self.lists, self.quote_depth, self.last_start, self.after_table = [], 0, None, False
        self.in_note = self.note_mark = True
        self.paragraph_style = self.style("Footnote Text")
        self.note_label = label

    def _close_note(self) -> None:
        self._close_implicit()
        self.notes.define(self.note_label, "".join(self.out))
        self.out, self.lists, self.quote_depth, self.last_start, self.after_table = self.saved
        self.inline.out = self.out
        self.in_note = self.note_mark = False
        self.paragraph_style = None

    def _html_block(self, text: str) -> None:
        directive = _DIRECTIVE.fullmatch(text.strip())
        handler = self.directives.get(directive.group(1)) if directive else None
        if directive is None or handler is None or self.in_note:
            self._block_paragraph()  # raw HTML is text here, as in a paragraph
            self.out += (x.run(" ".join(line.strip() for line in text.splitlines())), x.PARAGRAPH_END)
            return
        end = f"<!-- /briefgen:{directive.group(1)} -->"
        for event in self.events[self.position + 1 :]:
            if type(event) is dict and event.get("Html", "").strip() == end:
                self.skipping, self.skip_end = "region", end
                break
        handler(self, directive.group(2) or "")

    def _skip(self, event: Event) -> None:
        """Inside a directive's region: skip to its end marker's block, inclusive."""
        if self.skipping == "region":
            if type(event) is dict and event.get("Html", "").strip() == self.skip_end:
                self.skipping = "end"
        elif event == {"End": "HtmlBlock"}:
            self.skipping = ""

    def contents(self) -> str:
        """The table of contents: every heading of levels 1 and 2 (the memo's title aside)."""
        styles = ContentsStyles(self.style("TOC Heading"), tuple(self.style(f"TOC {n}") for n in (1, 2)))
        return self.outline.contents(styles, self.curly_quotes)

    def _finished(self) -> str:
        """Drop the closing banner, style the headings, fill what waited for the whole memo."""
        index, name = self.last_block
        if name == "Paragraph" and index >= 0 and self._is_banner(index):
            del self.out[index:]
        self.outline.style(self.out, self.style)
        for place, fill in self.finishers:
            if place < len(self.out):
                self.out[place] = fill()
        return "".join(self.out) or "<w:p/>"

    def _is_banner(self, index: int) -> bool:
        """True when the markup from ``index`` is one paragraph reading the memo's marking."""
        text = _TAG.sub("", "".join(self.out[index:]).replace("<w:noBreakHyphen/>", "-"))
        return bool(self.marking) and text.replace("&amp;", "&").strip().upper() == self.marking

    # --- inline and tables ----------------------------------------------------------------

    def _inline_event(self, event: Event) -> None:
        table = self.table
        if table is not None:
            table.event(event)
            return
        if not self.open_paragraph:  # the text of a tight list item
            self._block_paragraph()
            self.open_paragraph = self.implicit = True
            self.inline.reset()
        if self.heading_text is not None and type(event) is dict:
            ((kind, value),) = event.items()
            if kind in _TEXT:
                self.heading_text.append(value)
        self.inline.event(event)

    def _table(self, rows: Sequence[Sequence[Cell]]) -> None:
        self.last_start = None  # a list ending in a table needs no extra space
        tables.write(self, rows)
        self.after_table = True


def _verbatim(writer: BodyWriter) -> str:
    text, writer.verbatim = "".join(writer.verbatim or ()), None
    return text
