"""The memo body: markdown-it's block tokens walked once, in order, into WordprocessingML markup. Level 1 headings use
"Heading 1" (not "Title") so the outline keeps every heading; levels 5 and 6 use "Heading 4". A table cell reading a
risk level ("High", or "High: R-1, R-2" in the heat matrix) gets the level's heat colour; a cell that is all bold is a
row heading, shaded grey like the header row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from markdown_it.token import Token

from briefgen.formats.docx import tables
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.reference import Reference

HEADER_FILL = "D9D9D9"
BLOCK_SPACE = 120  # twips between a list or table and the next paragraph, as between body paragraphs


@dataclass
class _OpenList:
    style: str  # e.g. "List Number 2"
    depth: int
    numbering: tuple[str, str] | None  # (numId, ilvl) of an ordered list's own instance
    item_started: bool = False


@dataclass
class _RunFormat:
    bold: int = 0
    italic: int = 0
    strike: int = 0
    colour: str | None = None


@dataclass(frozen=True)
class _Cell:
    children: Sequence[Token]
    text: str
    align: str | None


class BodyWriter:
    """Turns markdown-it's block tokens into WordprocessingML body markup, in order."""

    def __init__(self, reference: Reference, heat: Mapping[str, str], numbering: x.ListNumbering) -> None:
        self.reference, self.heat, self.numbering = reference, heat, numbering
        self.out: list[str] = []
        self.lists: list[_OpenList] = []
        self.quote_depth = 0
        self.last_start: tuple[int, str | None, tuple[str, str] | None] = (-1, None, None)
        self.after_table = False

    def markup(self, tokens: Sequence[Token]) -> str:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "table_open":
                end = _closing_index(tokens, index)
                self._table(_table_rows(tokens[index + 1 : end]))
                index = end
            else:
                self._block(token)
            index += 1
        return "".join(self.out)

    def _block(self, token: Token) -> None:
        match token.type:
            case "heading_open":
                self.after_table = False  # a heading keeps its style's own space before
                self._start(self._style(f"Heading {min(int(token.tag[1:]), 4)}"))
            case "paragraph_open":
                self._block_paragraph()
            case "heading_close" | "paragraph_close":
                self.out.append(x.PARAGRAPH_END)
            case "inline":
                self._inline(token.children or ())
            case "bullet_list_open" | "ordered_list_open":
                self._open_list(token)
            case "bullet_list_close" | "ordered_list_close":
                self._close_list()
            case "list_item_open":
                self.lists[-1].item_started = False
            case "list_item_close" if not self.lists[-1].item_started:
                self._block_paragraph()  # an empty item still shows its bullet
                self.out.append(x.PARAGRAPH_END)
            case "blockquote_open" | "blockquote_close":
                self.quote_depth += token.nesting
            case "code_block" | "fence":
                self._start(self._style("Code Block"))
                self.out += (x.run(token.content.rstrip("\n")), x.PARAGRAPH_END)
            case "hr":
                self.out += (x.paragraph_start(rule_below=True), x.PARAGRAPH_END)

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

    def _open_list(self, token: Token) -> None:
        if self.lists and not self.lists[-1].item_started:
            self._block_paragraph()  # "- - x": the outer item's bullet gets its own line
            self.out.append(x.PARAGRAPH_END)
        depth = min(len(self.lists) + 1, 3)
        ordered = token.type == "ordered_list_open"
        style = f"List {'Number' if ordered else 'Bullet'}{'' if depth == 1 else f' {depth}'}"
        start = int(token.attrGet("start") or 1)
        numbering = self.numbering.new_list(style, start) if ordered else None
        self.lists.append(_OpenList(style, depth, numbering))

    def _close_list(self) -> None:
        """Close a list; after the outermost one, space its last paragraph like body text."""
        self.lists.pop()
        index, style_id, num = self.last_start
        if not self.lists and index >= 0:
            self.out[index] = x.paragraph_start(style_id, num=num, space_after=BLOCK_SPACE)

    def _inline(self, children: Sequence[Token], colour: str | None = None) -> None:
        """Runs (and hyperlinks) for an inline token's children."""
        fmt = _RunFormat(colour=colour)
        link_style: str | None = None
        for child in children:
            match child.type:
                case "text" | "image":  # an image shows its alt text
                    self._run(child.content, fmt, link_style)
                case "softbreak":
                    self._run(" ", fmt, link_style)
                case "hardbreak":
                    self.out.append(x.LINE_BREAK)
                case "code_inline":
                    self._run(child.content, fmt, link_style or self._style("Code Char"))
                case "strong_open" | "strong_close":
                    fmt.bold += child.nesting
                case "em_open" | "em_close":
                    fmt.italic += child.nesting
                case "s_open" | "s_close":
                    fmt.strike += child.nesting
                case "link_open":
                    link_style = self._open_link(str(child.attrGet("href") or ""))
                case "link_close":
                    self.out.append(x.HYPERLINK_END if link_style else "")
                    link_style = None
                case _:
                    self._run(child.content, fmt, link_style)

    def _run(self, text: str, fmt: _RunFormat, style_id: str | None) -> None:
        if text:
            self.out.append(x.run(text, style_id=style_id, bold=fmt.bold > 0, italic=fmt.italic > 0,
                                  strike=fmt.strike > 0, colour=fmt.colour))  # fmt: skip

    def _open_link(self, href: str) -> str | None:
        """Open a hyperlink and return the link style id; None (no link) for an empty target."""
        if not href:
            return None
        if href.startswith("#"):
            self.out.append(x.hyperlink_start(anchor=href[1:]))
        else:
            rel_id = self.reference.document.part.relate_to(href, RT.HYPERLINK, is_external=True)
            self.out.append(x.hyperlink_start(rel_id=rel_id))
        return self._style("Hyperlink")

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
                self._inline(cell.children, colour)
                self.out += (x.PARAGRAPH_END, x.CELL_END)
            self.out.append(x.ROW_END)
        self.out.append(x.TABLE_END)
        self.after_table = True

    def _cell_fill(self, cell: _Cell, header: bool) -> str | None:
        """Grey for headings (the header row, or a cell that is all bold, such as the heat
        matrix's likelihood labels); the level's heat colour for a level cell; else none."""
        if header or _all_bold(cell.children):
            return HEADER_FILL
        return _level_fill(cell.text, self.heat)


def _closing_index(tokens: Sequence[Token], start: int) -> int:
    """Index of the token closing the block opened at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting if tokens[index].block else 0
        if depth == 0:
            return index
    return len(tokens) - 1


def _table_rows(tokens: Sequence[Token]) -> list[list[_Cell]]:
    """The cells of a table's tokens, row by row (markdown-it pads rows to equal length)."""
    rows: list[list[_Cell]] = []
    align: str | None = None
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            align = style.removeprefix("text-align:") or None
        elif token.type == "inline":
            children = token.children or []
            rows[-1].append(_Cell(children, _plain_text(children), align))
    return rows


def _plain_text(children: Sequence[Token]) -> str:
    parts = [" " if c.type == "softbreak" else c.content for c in children if not c.nesting]
    return "".join(parts).strip()


def _all_bold(children: Sequence[Token]) -> bool:
    """True when one ``**...**`` span holds the cell's whole content."""
    if not any(child.type == "strong_open" for child in children[:2]):
        return False
    tokens = [c for c in children if c.type != "text" or c.content]  # markdown-it leaves empty ones
    if len(tokens) < 3 or tokens[0].type != "strong_open" or tokens[-1].type != "strong_close":
        return False
    depth = 0
    for child in tokens[:-1]:
        depth += child.nesting if child.type in ("strong_open", "strong_close") else 0
        if depth == 0:
            return False
    return True


def _level_fill(text: str, heat: Mapping[str, str]) -> str | None:
    """The heat fill for a cell reading "High" or "High: R-1, R-2"; None for other text."""
    return heat.get(text.partition(":")[0])
