"""A story (the body, a table cell, a footnote) of two Word documents merged into one with tracked changes.

Blocks — paragraphs, headings, tables and anything else a story holds — are aligned by key
(:mod:`~briefgen.formats.diffing`): a heading by its text under its parent headings, a paragraph by the first record
or risk id it names, else by its text, under its heading path; a table by its header row. Paired paragraphs are
compared word by word (:mod:`~briefgen.formats.docx.redline_runs`); a paragraph only in the new document is inserted,
one only in the old is deleted (``w:del`` runs and a deleted paragraph mark). Paired tables of the same columns are
aligned row by row, keyed by the id in the row or its first cell, so a reordered risk is one row deleted where it
was and one inserted where it is; a deleted or inserted row is marked in ``w:trPr``. Old blocks resting on material
withheld from the audience now (``covers``) show their deleted words as one ``[withheld]``; a run of such blocks is
one."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from briefgen.formats.diffing import WITHHELD, Block, Covers, align, id_finder
from briefgen.formats.docx.redline_runs import Items, Tracker, compared, paragraph_tokens, whole, write_runs
from briefgen.formats.docx.xml import Element, w

_BEFORE_RPR = frozenset((w("sectPr"), w("pPrChange")))
_STYLE = re.compile(rb'<w:pStyle w:val="([^"]*)"')


@dataclass(frozen=True)
class Side:
    """One document of the two: its relationship targets, and (the old one) its notes' text and list numbers."""

    links: Mapping[str, str]
    notes: Mapping[str, str] = field(default_factory=dict)  # footnote id → its text
    numbered: Callable[[], Mapping[Element, int]] = dict  # a numbered list item → its number (worked out if asked)


def text_of(element: Element) -> str:
    return "".join(element.itertext(w("t")))


@dataclass
class Story:
    """Merges stories of the two documents into the new one, in place; remembers what the numbering needs."""

    tracker: Tracker
    old: Side
    new: Side
    headings: Mapping[str, int]  # heading style id → level
    ids: frozenset[str] = frozenset()
    covers: Covers | None = None
    numbers: dict[str, str] = field(default_factory=dict)  # an old list's numId → the new list it continues as
    deleted_lists: list[Element] = field(default_factory=list)  # deleted list items, to renumber once all is seen

    def __post_init__(self) -> None:
        self._find = id_finder(self.ids)
        self._ordinals: Mapping[Element, int] | None = None

    # ---------------------------------------------------------------- blocks

    def merge(
        self, old: Sequence[Element], new: Sequence[Element], path: tuple[str, ...] = (), marks: bool = True
    ) -> list[Element]:
        """The merged story: new elements (changed in place) and copies of deleted old ones, in order. ``marks``:
        deleted and inserted paragraphs get a tracked paragraph mark (not in a table cell or a note, whose last
        paragraph has none to lose). Elements whose markup is the same in both are matched first, as they stand;
        only the stretches between them are aligned by key."""
        old_bytes = [etree.tostring(e, with_tail=False) for e in old]
        new_bytes = [etree.tostring(e, with_tail=False) for e in new]
        old_paths, new_paths = self._paths(old, old_bytes, path), self._paths(new, new_bytes, path)
        out: list[tuple[Element, str]] = []
        matcher = SequenceMatcher(None, old_bytes, new_bytes, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    self._same(old[i], new[j], old_bytes[i])
                    out.append((new[j], "equal"))
            else:
                out += self._stretch(old[i1:i2], new[j1:j2], old_paths[i1:i2], new_paths[j1:j2], out)
        if marks:
            for element, status in out[:-1]:
                if status != "equal" and element.tag == w("p"):
                    self._mark(element, status)
        return self._spaced([e for e, _ in out])

    def _stretch(
        self,
        old: Sequence[Element],
        new: Sequence[Element],
        old_paths: Sequence[tuple[str, ...]],
        new_paths: Sequence[tuple[str, ...]],
        before: list[tuple[Element, str]],
    ) -> list[tuple[Element, str]]:
        """A stretch of differing blocks aligned by key, merged."""
        a = [self._block(e, p) for e, p in zip(old, old_paths, strict=True)]
        b = [self._block(e, p) for e, p in zip(new, new_paths, strict=True)]
        out: list[tuple[Element, str]] = []
        for i, j in align(a, b):
            if i is not None and j is not None:
                out += [(e, "equal") for e in self._paired(old[i], new[j], old_paths[i])]
            elif i is not None:
                deleted = self._deleted(old[i], old_paths[i], a[i].text)
                last = out[-1][0] if out else before[-1][0] if before else None
                if deleted is not None and not (_is_withheld(deleted) and last is not None and _is_withheld(last)):
                    out.append((deleted, "del"))
            elif j is not None:
                out.append((self._inserted(new[j]), "ins"))
        return out

    def _same(self, old: Element, new: Element, markup: bytes) -> None:
        """Blocks of the same markup: their notes are still compared, and their lists continue."""
        if b"footnoteReference" in markup:
            self._same_notes(old, new)
        if b"numPr" in markup:
            for a, b in zip(old.iter(w("p")), new.iter(w("p")), strict=True):
                self._continues(a, b)

    def _paths(
        self, elements: Sequence[Element], markup: Sequence[bytes], base: tuple[str, ...]
    ) -> list[tuple[str, ...]]:
        """The headings each element stands under (a heading: its own last)."""
        out = []
        path = list(base)
        for element, data in zip(elements, markup, strict=True):
            style = _STYLE.search(data, 0, 400) if element.tag == w("p") else None
            level = self.headings.get(style.group(1).decode(), 0) if style else 0
            if level:
                path = [*path[: len(base) + level - 1], text_of(element).strip()]
            out.append(tuple(path))
        return out

    def _spaced(self, elements: list[Element]) -> list[Element]:
        """Two tables in a row get an empty paragraph between them, deleted (so it goes when the changes are
        accepted): Word would join adjacent tables into one."""
        out: list[Element] = []
        for element in elements:
            if out and out[-1].tag == w("tbl") and element.tag == w("tbl"):
                spacer = etree.Element(w("p"))
                self._mark(spacer, "del")
                out.append(spacer)
            out.append(element)
        return out

    def _block(self, element: Element, path: tuple[str, ...]) -> Block:
        """What aligns the element: a heading by its text under its parent headings, a paragraph by the first id
        it names (else its text) under its headings, a table by its header row."""
        tag, text = element.tag, text_of(element)
        if tag == w("p") and len(path) and self._level(element):
            return Block("h", "\x1f".join(path[:-1]) + f"|h|{text.strip()}", text)
        where = "\x1f".join(path)
        if tag == w("p"):
            return Block("p", f"{where}|p|{self._find(text) or text.strip()}", text)
        if tag == w("tbl"):
            rows = element.findall(w("tr"))
            return Block("tbl", f"{where}|tbl|{text_of(rows[0]) if rows else ''}", text)
        return Block("other", f"{where}|{tag}|{text}", text)

    def _level(self, paragraph: Element) -> int:
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        return self.headings.get(style.get(w("val"), ""), 0) if style is not None else 0

    def _withheld(self, element: Element, text: str, path: tuple[str, ...]) -> bool:
        if self.covers is None:
            return False
        if self._ordinals is None:
            self._ordinals = self.old.numbered()
        number = self._ordinals.get(element)
        notes = [self.old.notes.get(ref.get(w("id"), ""), "") for ref in element.iter(w("footnoteReference"))]
        return self.covers(" ".join([f"{number}. {text}" if number else text, *notes]), path)

    # ---------------------------------------------------------------- paired, deleted, inserted

    def _paired(self, old: Element, new: Element, path: tuple[str, ...]) -> list[Element]:
        """Two blocks aligned (whose markup differs)."""
        if new.tag == w("p"):
            self._paragraph(old, new, path)
            return [new]
        if new.tag == w("tbl"):
            return self._table(old, new, path)
        return [new]

    def _paragraph(self, old: Element, new: Element, path: tuple[str, ...]) -> None:
        self._continues(old, new)
        before, after = paragraph_tokens(old, self.old.links), paragraph_tokens(new, self.new.links)
        items = compared(before, after, False)
        if not items.changed:  # the same words (a link renumbered): as it stands
            self._same_notes(old, new)
            return
        if any(status == "delete" for status, _, _ in items.items) and self._withheld(old, text_of(old), path):
            items = compared(before, after, True)
        write_runs(new, items, self.tracker)

    def _same_notes(self, old: Element, new: Element) -> None:
        """The footnotes of two blocks the same but for their notes: compared with each other."""
        olds, news = old.iter(w("footnoteReference")), new.iter(w("footnoteReference"))
        for a, b in zip(olds, news, strict=False):
            self.tracker.paired_note(a.get(w("id"), ""), b.get(w("id"), ""))

    def _continues(self, old: Element, new: Element) -> None:
        """Note that the old paragraph's list continues as the new one's."""
        a, b = _num_id(old), _num_id(new)
        if a is not None and b is not None:
            self.numbers.setdefault(a, b)

    def _deleted(self, old: Element, path: tuple[str, ...], text: str) -> Element | None:
        if old.tag == w("p"):
            element = copy.deepcopy(old)
            withheld = self._withheld(old, text, path)
            write_runs(element, whole(paragraph_tokens(old, self.old.links), "delete", withheld), self.tracker)
            if _num_id(element) is not None:
                self.deleted_lists.append(element)
            return element
        if old.tag == w("tbl"):
            table = copy.deepcopy(old)
            copies = zip(table.findall(w("tr")), old.findall(w("tr")), strict=True)
            _replace_rows(table, _collapsed([self._deleted_row(row, source, path) for row, source in copies]))
            return table
        return None  # anything else of the old document (a contents field) is not carried over

    def _inserted(self, new: Element) -> Element:
        if new.tag == w("p"):
            write_runs(new, whole(paragraph_tokens(new, self.new.links), "insert"), self.tracker)
        elif new.tag == w("tbl"):
            for row in new.findall(w("tr")):
                self._inserted_row(row)
        return new

    def _mark(self, paragraph: Element, status: str) -> None:
        """Track the paragraph mark itself as inserted or deleted."""
        props = paragraph.find(w("pPr"))
        if props is None:
            props = etree.Element(w("pPr"))
            paragraph.insert(0, props)
        run_props = props.find(w("rPr"))
        if run_props is None:
            run_props = etree.Element(w("rPr"))
            later = [i for i, child in enumerate(props) if child.tag in _BEFORE_RPR]
            props.insert(later[0] if later else len(props), run_props)
        run_props.insert(0, self.tracker.change(status))

    # ---------------------------------------------------------------- tables

    def _table(self, old: Element, new: Element, path: tuple[str, ...]) -> list[Element]:
        if _columns(old) != _columns(new):  # another table: the old one deleted, the new one inserted
            deleted = self._deleted(old, path, text_of(old))
            return [e for e in (deleted, self._inserted(new)) if e is not None]
        olds, news = old.findall(w("tr")), new.findall(w("tr"))
        pairs = align(self._rows(olds), self._rows(news))
        widths = _widths(new)
        out: list[tuple[Element, bool]] = []
        for i, j in pairs:
            if i is not None and j is not None:
                out.append((self._row(olds[i], news[j], path), False))
            elif i is not None:
                row, withheld = self._deleted_row(copy.deepcopy(olds[i]), olds[i], path)
                for cell, width in zip(row.findall(w("tc")), widths, strict=False):
                    _set_width(cell, width)
                out.append((row, withheld))
            elif j is not None:
                out.append((self._inserted_row(news[j]), False))
        _replace_rows(new, _collapsed(out))
        return [new]

    def _rows(self, rows: Sequence[Element]) -> list[Block]:
        blocks = []
        for index, row in enumerate(rows):
            cells = row.findall(w("tc"))
            text = text_of(row)
            first = text_of(cells[0]).strip() if cells else ""
            key = "header" if index == 0 else self._find(text) or first
            blocks.append(Block("tr", key, text))
        return blocks

    def _row(self, old: Element, new: Element, path: tuple[str, ...]) -> Element:
        for a, b in zip(old.findall(w("tc")), new.findall(w("tc")), strict=True):
            merged = self.merge(_content(a), _content(b), path, marks=False)
            for child in _content(b):
                b.remove(child)
            b.extend(merged)
        return new

    def _deleted_row(self, row: Element, old: Element, path: tuple[str, ...]) -> tuple[Element, bool]:
        """``row`` (a copy of the old ``old``) deleted: every run, and the row itself in its properties; and whether
        it rests on withheld material (then it says only ``[withheld]``)."""
        withheld = self._withheld(old, text_of(old), path)
        for index, (cell, source) in enumerate(zip(row.findall(w("tc")), old.findall(w("tc")), strict=True)):
            paragraphs = [p for p in _content(cell) if p.tag == w("p")]
            sources = [p for p in _content(source) if p.tag == w("p")]
            for child in _content(cell):
                if child.tag != w("p") or (withheld and child is not paragraphs[0]):
                    cell.remove(child)
            if not paragraphs:
                continue
            if withheld:
                content = whole([], "delete", True) if index == 0 else Items()
                write_runs(paragraphs[0], content, self.tracker)
                continue
            for paragraph, original in zip(paragraphs, sources, strict=True):
                write_runs(paragraph, whole(paragraph_tokens(original, self.old.links), "delete"), self.tracker)
        _track_row(row, self.tracker.change("del"))
        return row, withheld

    def _inserted_row(self, row: Element) -> Element:
        for cell in row.findall(w("tc")):
            for paragraph in _content(cell):
                if paragraph.tag == w("p"):
                    write_runs(paragraph, whole(paragraph_tokens(paragraph, self.new.links), "insert"), self.tracker)
        _track_row(row, self.tracker.change("ins"))
        return row


def _num_id(paragraph: Element) -> str | None:
    num = paragraph.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    return num.get(w("val")) if num is not None else None


def _is_withheld(element: Element) -> bool:
    """A deleted paragraph that says only ``[withheld]``."""
    if element.tag != w("p"):
        return False
    deleted = element.findall(f"{w('del')}/{w('r')}/{w('delText')}")
    return len(deleted) == 1 and deleted[0].text == WITHHELD and not element.findall(f".//{w('t')}")


def _collapsed(rows: list[tuple[Element, bool]]) -> list[Element]:
    """The rows, each run of withheld deleted rows made one."""
    out: list[Element] = []
    last = False
    for row, withheld in rows:
        if not (withheld and last):
            out.append(row)
        last = withheld
    return out


def _content(cell: Element) -> list[Element]:
    return [child for child in cell if child.tag != w("tcPr")]


def _columns(table: Element) -> tuple[int, int]:
    """The table's grid columns, and the most cells a row has."""
    cells = max((len(row.findall(w("tc"))) for row in table.findall(w("tr"))), default=0)
    return len(table.findall(f"{w('tblGrid')}/{w('gridCol')}")), cells


def _widths(table: Element) -> list[str]:
    return [col.get(w("w"), "") for col in table.findall(f"{w('tblGrid')}/{w('gridCol')}")]


def _set_width(cell: Element, width: str) -> None:
    found = cell.find(f"{w('tcPr')}/{w('tcW')}")
    if found is not None and width:
        found.set(w("w"), width)


def _replace_rows(table: Element, rows: list[Element]) -> None:
    for row in table.findall(w("tr")):
        table.remove(row)
    table.extend(rows)


def _track_row(row: Element, change: Element) -> None:
    """``change`` (``w:ins`` or ``w:del``) at the end of the row's properties, which are made if missing."""
    props = row.find(w("trPr"))
    if props is None:
        props = etree.Element(w("trPr"))
        row.insert(1 if len(row) and row[0].tag == w("tblPrEx") else 0, props)
    props.append(change)
