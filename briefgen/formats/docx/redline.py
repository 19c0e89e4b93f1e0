"""The Word redline: two versions of a memo, each rendered to Word by the normal writer, merged into the new version
in full with Word tracked changes against the old (``w:ins``, ``w:del``/``w:delText``, tracked paragraph marks and
table rows), as Word's Compare would give it — but aligned by what each paragraph, row and note is.

It compares the two documents' XML, not the writer's internals: the body (:mod:`~.redline_story`), then each
footnote whose reference the body matched, word by word; a note whose reference was deleted is copied in deleted, one
whose reference was inserted is marked inserted. Deleted list items keep their list (or a copy of the old list's
numbering); deleted content keeps no hyperlink, drawing or bookmark of the old document, so no relationship of it is
carried over. Every change has the author and date given and an id from one counter: the same two versions give the
same bytes. Anything of the new document the redline does not change (styles, header and footer, properties) is
carried over as it stands: the caller renders the new version with the redline's own marking."""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from briefgen.errors import RenderError
from briefgen.formats.diffing import Covers
from briefgen.formats.docx.package import Entry, archive, deflated
from briefgen.formats.docx.redline_runs import Tracker, paragraph_tokens, whole, write_runs
from briefgen.formats.docx.redline_story import Side, Story, text_of
from briefgen.formats.docx.xml import Element, w

DOCUMENT = "word/document.xml"
NUMBERING = "word/numbering.xml"
FOOTNOTES = "word/footnotes.xml"
RELS = "word/_rels/document.xml.rels"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_blank_text=False)


@dataclass(frozen=True)
class RedlineSettings:
    date: str  # ISO 8601, the day the new version's content changed: 2026-11-23T00:00:00Z
    author: str = "briefgen"
    covers: Covers | None = None  # an old block resting on now-withheld material
    ids: frozenset[str] = frozenset()  # record and risk ids, which identify paragraphs and rows across versions
    headings: Mapping[str, int] = field(default_factory=dict)  # heading style id → level


def redline_docx(old: bytes, new: bytes, settings: RedlineSettings) -> bytes:
    """The new document with tracked changes against the old one (both written by briefgen's Word writer)."""
    old_parts, new_parts = _Package(old), _Package(new)
    old_doc, new_doc = _xml(old_parts.read(DOCUMENT)), _xml(new_parts.read(DOCUMENT))
    old_notes, new_notes = (_xml(p.read(FOOTNOTES)) if FOOTNOTES in p.entries else None for p in (old_parts, new_parts))
    tracker = Tracker(settings.author, settings.date)
    old_numbering = _Lazy(lambda: _xml(old_parts.read(NUMBERING)) if NUMBERING in old_parts.entries else None)
    old_side = Side(
        _links(old_parts.get(RELS)), _note_texts(old_notes), lambda: _ordinals(old_doc, old_numbering.value)
    )  # fmt: skip
    story = Story(tracker, old_side, Side(_links(new_parts.get(RELS))), settings.headings, settings.ids,
                  settings.covers)  # fmt: skip
    notes = _Notes(story, old_notes, new_notes)
    tracker.paired_note, tracker.deleted_note, tracker.inserted_note = notes.paired, notes.deleted, notes.inserted
    old_body, new_body = old_doc.find(w("body")), new_doc.find(w("body"))
    closing = [c for c in new_body if c.tag == w("sectPr")]
    merged = story.merge(
        [c for c in old_body if c.tag != w("sectPr")], [c for c in new_body if c.tag != w("sectPr")]
    )  # fmt: skip
    for child in list(new_body):
        new_body.remove(child)
    new_body.extend([*merged, *closing])
    changed = {DOCUMENT: _serialised(new_doc)}
    if story.deleted_lists and NUMBERING in new_parts.entries and old_numbering.value is not None:
        numbering = _xml(new_parts.read(NUMBERING))
        if _renumber(story, old_numbering.value, numbering):
            changed[NUMBERING] = _serialised(numbering)
    if new_notes is not None:
        notes.finish()
        changed[FOOTNOTES] = _serialised(new_notes)
    kept = new_parts.entries
    return archive([deflated(name, changed[name]) if name in changed else kept[name] for name in kept])


class _Lazy:
    """A value worked out the first time it is asked for."""

    def __init__(self, make: Callable[[], Element | None]) -> None:
        self._make: Callable[[], Element | None] | None = make
        self._value: Element | None = None

    @property
    def value(self) -> Element | None:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


class _Package:
    """A .docx briefgen wrote: its members as they stand, compressed (an unchanged one is written again as it is,
    not inflated and deflated), and any of them read on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                self.entries = {info.filename: self._entry(package, info) for info in package.infolist()}
        except (zipfile.BadZipFile, ValueError, KeyError) as exc:
            raise RenderError(f"redline: not a Word document briefgen wrote: {exc}") from None

    def _entry(self, package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Entry:
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x08:  # not as briefgen writes them
            return deflated(info.filename, package.read(info))
        name_length, extra_length = struct.unpack("<2H", self.data[info.header_offset + 26 : info.header_offset + 30])
        start = info.header_offset + 30 + name_length + extra_length
        return Entry(info.filename, self.data[start : start + info.compress_size], info.CRC, info.file_size)

    def read(self, name: str) -> bytes:
        entry = self.entries[name]
        data = zlib.decompress(entry.compressed, -15)
        if zlib.crc32(data) != entry.crc or len(data) != entry.size:
            raise RenderError(f"redline: {name} is damaged")
        return data

    def get(self, name: str) -> bytes | None:
        return self.read(name) if name in self.entries else None


def _xml(data: bytes) -> Element:
    return etree.fromstring(data, _PARSER)


def _serialised(root: Element) -> bytes:
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


def _links(rels: bytes | None) -> dict[str, str]:
    """Relationship id → target, for hyperlinks."""
    if rels is None:
        return {}
    root = _xml(rels)
    return {r.get("Id", ""): r.get("Target", "") for r in root.iter(f"{_PACKAGE_RELS}Relationship")}


def _note_texts(notes: Element | None) -> dict[str, str]:
    if notes is None:
        return {}
    return {note.get(w("id"), ""): text_of(note) for note in notes.iterchildren(w("footnote"))}


def _ordinals(document: Element, numbering: Element | None) -> dict[Element, int]:
    """The number each item of a numbered list shows (from its list's start), so that a deleted note can be told by
    its number."""
    starts: dict[tuple[str, str], int] = {}
    if numbering is not None:
        for num in numbering.iterchildren(w("num")):
            for override in num.iterchildren(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None and start.get(w("val"), "").isdigit():
                    starts[(num.get(w("numId"), ""), override.get(w("ilvl"), "0"))] = int(start.get(w("val"), "1"))
    counters: dict[tuple[str, str], int] = {}
    out: dict[Element, int] = {}
    for paragraph in document.iter(w("p")):
        num = paragraph.find(f"{w('pPr')}/{w('numPr')}")
        if num is None:
            continue
        ident, level = num.find(w("numId")), num.find(w("ilvl"))
        key = (
            ident.get(w("val"), "") if ident is not None else "",
            level.get(w("val"), "0") if level is not None else "0",
        )
        counters[key] = counters.get(key, starts.get(key, 1) - 1) + 1
        out[paragraph] = counters[key]
    return out


def _renumber(story: Story, old: Element, new: Element) -> bool:
    """Deleted list items keep their list: the new list their old one continues as, the same list where both
    documents define it alike, or else a copy of the old definition added to the new numbering."""
    old_nums = {n.get(w("numId"), ""): n for n in old.iterchildren(w("num"))}
    new_nums = {n.get(w("numId"), ""): n for n in new.iterchildren(w("num"))}
    copies: dict[str, str] = {}
    next_id = max((int(n) for n in new_nums if n.isdigit()), default=0) + 1
    for paragraph in story.deleted_lists:
        found = paragraph.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        assert found is not None
        ident = found.get(w("val"), "")
        if ident in story.numbers:
            found.set(w("val"), story.numbers[ident])
        elif (
            ident in new_nums
            and ident in old_nums
            and etree.tostring(new_nums[ident]) == etree.tostring(old_nums[ident])
        ):
            continue
        elif ident in old_nums:
            if ident not in copies:
                definition = copy.deepcopy(old_nums[ident])
                definition.set(w("numId"), str(next_id))
                copies[ident] = str(next_id)
                next_id += 1
                last = list(new.iterchildren(w("num")))
                (last[-1].addnext if last else new.append)(definition)
            found.set(w("val"), copies[ident])
    return bool(copies)


class _Notes:
    """Footnotes: a note whose reference the body matched is compared with the old one; a deleted reference's note
    is copied in (under a new id), deleted; an inserted reference's note is marked inserted."""

    def __init__(self, story: Story, old: Element | None, new: Element | None) -> None:
        self.story = story
        self.old = {n.get(w("id"), ""): n for n in old.iterchildren(w("footnote"))} if old is not None else {}
        self.new_root = new
        self.new = {n.get(w("id"), ""): n for n in new.iterchildren(w("footnote"))} if new is not None else {}
        ids = [int(i) for i in self.new if i.lstrip("-").isdigit()]
        self.next_id = max(ids, default=0) + 1
        self.pairs: list[tuple[str, str]] = []
        self.seen: set[str] = set()

    def paired(self, old: str, new: str) -> None:
        if old in self.old and new in self.new and new not in self.seen:
            self.seen.add(new)
            self.pairs.append((old, new))

    def inserted(self, new: str) -> None:
        note = self.new.get(new)
        if note is None or new in self.seen:
            return
        self.seen.add(new)
        for paragraph in note.iter(w("p")):
            write_runs(
                paragraph, whole(paragraph_tokens(paragraph, self.story.new.links), "insert"), self.story.tracker
            )

    def deleted(self, old: str) -> str | None:
        source = self.old.get(old)
        if source is None or self.new_root is None:
            return None
        note = copy.deepcopy(source)
        ident = str(self.next_id)
        self.next_id += 1
        note.set(w("id"), ident)
        withheld = self.story.covers is not None and self.story.covers(text_of(source), ())
        for index, paragraph in enumerate(list(note.iter(w("p")))):
            if withheld and index:
                paragraph.getparent().remove(paragraph)
                continue
            tokens = paragraph_tokens(paragraph, self.story.old.links)
            write_runs(paragraph, whole(tokens, "delete", withheld), self.story.tracker)
        self.new_root.append(note)
        return ident

    def finish(self) -> None:
        """Compare every note whose reference the body matched (pairs found while the body was merged)."""
        for old, new in self.pairs:
            target = self.new[new]
            merged = self.story.merge(list(self.old[old]), list(target), (), marks=False)
            for child in list(target):
                target.remove(child)
            target.extend(merged)
