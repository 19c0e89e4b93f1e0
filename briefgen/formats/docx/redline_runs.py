"""Runs with tracked changes: a paragraph's content as tokens, two paragraphs' tokens compared, and the result written
back as ``w:r`` runs inside ``w:ins`` and ``w:del`` (deleted text as ``w:delText``).

A token is a word (with the white space after it) carrying its run's properties and the target of the hyperlink it
stands in, or one element the diff does not look into: a tab, a break, a field character, a footnote reference, a
drawing, and anything else a run may hold (a token compared by its markup). Runs keep the properties (``w:rPr``) of
the text they came from, so a deleted bold word is a deleted bold word. Deleted content keeps no hyperlink, drawing
or bookmark of the old document (their relationships and ids are the old document's); a deleted footnote reference
is handed to the footnotes (:class:`Tracker`), which copy the note or drop the reference."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from briefgen.formats.diffing import WITHHELD, tokens, word_diff
from briefgen.formats.docx.xml import Element, w

Status = Literal["equal", "delete", "insert"]
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Run children a deleted run keeps (in w:del); anything else — a drawing, a picture, an embedded object — is dropped.
_KEEP_DELETED = frozenset(
    w(n) for n in ("tab", "br", "cr", "fldChar", "sym", "noBreakHyphen", "softHyphen", "lastRenderedPageBreak")
)
_MARKERS = frozenset(w(n) for n in ("bookmarkStart", "bookmarkEnd", "proofErr"))


@dataclass
class Tracker:
    """What every tracked change of one document shares: author, date and one id counter (so the redline is
    byte-deterministic), and what the footnotes must know of the references the body compares."""

    author: str
    date: str
    next_id: int = 1
    paired_note: Callable[[str, str], None] = lambda old, new: None
    deleted_note: Callable[[str], str | None] = lambda old: None
    inserted_note: Callable[[str], None] = lambda new: None

    def change(self, kind: str) -> Element:
        """A new ``w:ins`` or ``w:del`` element, with the next id."""
        element = etree.Element(w(kind))
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self.next_id += 1
        return element


@dataclass(frozen=True, eq=False)
class Token:
    key: tuple[object, ...]  # what is compared: kind, text or markup, run properties, link target
    text: str = ""
    props: bytes = b""  # the run's properties, serialised: runs are grouped by them
    properties: Element | None = None  # the run's w:rPr
    link: Element | None = None  # the w:hyperlink it stands in
    node: Element | None = None  # an element the diff does not look into
    top: bool = False  # the element stands in the paragraph itself, outside any run (a bookmark)


@dataclass
class Items:
    """A paragraph's new content: (status, token, the old token it matched) in order."""

    items: list[tuple[Status, Token, Token | None]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(status != "equal" for status, _, _ in self.items)


def paragraph_tokens(paragraph: Element, links: Mapping[str, str]) -> list[Token]:
    """The tokens of a paragraph (or of a hyperlink in it); ``links`` maps the document's relationship ids to their
    targets, so that a link compares by where it goes."""
    out: list[Token] = []
    for child in paragraph:
        tag = child.tag
        if tag == w("pPr") or tag == w("del") or not isinstance(tag, str):
            continue
        if tag == w("r"):
            _run_tokens(child, None, None, out)
        elif tag == w("hyperlink"):
            target = links.get(child.get(_R, ""), "") or "#" + child.get(w("anchor"), "")
            for run in child:
                if run.tag == w("r"):
                    _run_tokens(run, child, target, out)
        elif tag == w("ins"):
            for run in child:
                if run.tag == w("r"):
                    _run_tokens(run, None, None, out)
        elif tag in _MARKERS:  # a bookmark's id and name are the document's own: compared by kind alone
            out.append(Token(("top", tag), node=child, top=True))
        else:
            out.append(Token(("top", etree.tostring(child)), node=child, top=True))
    return out


def _run_tokens(run: Element, link: Element | None, target: str | None, out: list[Token]) -> None:
    properties = run.find(w("rPr"))
    props = etree.tostring(properties) if properties is not None else b""
    for child in run:
        tag = child.tag
        if tag == w("rPr") or not isinstance(tag, str):
            continue
        if tag == w("t"):
            out += [
                Token(("t", piece, props, target), piece, props, properties, link) for piece in tokens(child.text or "")
            ]
        elif tag == w("footnoteReference"):
            out.append(Token(("note", props, target), "", props, properties, link, child))
        else:
            out.append(Token(("atom", etree.tostring(child), props, target), "", props, properties, link, child))


def compared(old: Sequence[Token], new: Sequence[Token], withheld: bool) -> Items:
    """The new paragraph's content, word by word against the old; each deleted stretch of a paragraph resting on
    withheld material is one deleted ``[withheld]``."""
    result = Items()
    for chunk in word_diff([t.key for t in old], [t.key for t in new]):
        if chunk.op == "equal":
            pairs = zip(new[slice(*chunk.new)], old[slice(*chunk.old)], strict=True)
            result.items += [("equal", n, o) for n, o in pairs]
        elif chunk.op == "insert":
            result.items += [("insert", t, None) for t in new[slice(*chunk.new)]]
        elif withheld:
            result.items.append(("delete", Token(("t", WITHHELD), WITHHELD), None))
        else:
            result.items += [("delete", t, None) for t in old[slice(*chunk.old)]]
    return result


def whole(toks: Sequence[Token], status: Status, withheld: bool = False) -> Items:
    """A paragraph all inserted or all deleted (a withheld one: one deleted ``[withheld]``)."""
    if withheld:
        return Items([("delete", Token(("t", WITHHELD), WITHHELD), None)])
    return Items([(status, t, None) for t in toks])


def write_runs(paragraph: Element, items: Items, tracker: Tracker) -> None:
    """Replace the content of ``paragraph`` (all but its properties) with ``items`` as tracked runs."""
    for child in list(paragraph):
        if child.tag != w("pPr"):
            paragraph.remove(child)
    _Writer(paragraph, tracker).write(items)


class _Writer:
    """Groups tokens into hyperlinks, then changes (``w:ins``/``w:del``), then runs of equal properties."""

    def __init__(self, paragraph: Element, tracker: Tracker) -> None:
        self.paragraph, self.tracker = paragraph, tracker
        self.link: Element | None = None  # the source hyperlink of the open one
        self.link_out: Element | None = None
        self.status: Status = "equal"
        self.wrap: Element | None = None
        self.run: Element | None = None
        self.run_key: object = None

    def write(self, items: Items) -> None:
        for status, token, old in items.items:
            if token.top:
                if status != "delete":
                    self._close_link()
                    self.paragraph.append(copy.deepcopy(token.node))
                continue
            self._place(status, token.link if status != "delete" else None)
            self._add(status, token, old)

    def _close_link(self) -> None:
        self.link = self.link_out = None
        self._close_wrap()

    def _close_wrap(self) -> None:
        self.wrap, self.status = None, "equal"
        self.run = None

    def _place(self, status: Status, link: Element | None) -> None:
        if link is not self.link:
            self._close_link()
            if link is not None:
                self.link = link
                self.link_out = etree.SubElement(self.paragraph, w("hyperlink"), dict(link.attrib))
        if status != self.status:
            self._close_wrap()
            self.status = status
            if status != "equal":
                self.wrap = self.tracker.change("ins" if status == "insert" else "del")
                parent = self.link_out if self.link_out is not None else self.paragraph
                parent.append(self.wrap)

    def _new_run(self, token: Token) -> Element:
        parent = self.wrap if self.wrap is not None else self.link_out if self.link_out is not None else self.paragraph
        run = etree.SubElement(parent, w("r"))
        if token.properties is not None:
            run.append(copy.deepcopy(token.properties))
        self.run, self.run_key = run, token.props
        return run

    def _add(self, status: Status, token: Token, old: Token | None) -> None:
        run = self.run if self.run is not None and self.run_key == token.props else self._new_run(token)
        if token.node is None:
            self._text(run, token.text, status)
            return
        node = self._node(status, token, old)
        if node is not None:
            run.append(node)

    def _text(self, run: Element, text: str, status: Status) -> None:
        tag = w("delText") if status == "delete" else w("t")
        last = run[-1] if len(run) else None
        if last is not None and last.tag == tag:
            last.text = (last.text or "") + text
            return
        element = etree.SubElement(run, tag)
        element.text = text
        element.set(_SPACE, "preserve")

    def _node(self, status: Status, token: Token, old: Token | None) -> Element | None:
        """The element a token stands for, as the change needs it (None: nothing is written)."""
        node = token.node
        assert node is not None
        if node.tag == w("footnoteReference"):
            return self._note(status, node, old)
        if status != "delete":
            return copy.deepcopy(node)
        if node.tag == w("instrText"):
            deleted = etree.Element(w("delInstrText"))
            deleted.text = node.text
            deleted.set(_SPACE, "preserve")
            return deleted
        return copy.deepcopy(node) if node.tag in _KEEP_DELETED else None

    def _note(self, status: Status, node: Element, old: Token | None) -> Element | None:
        ident = node.get(w("id"), "")
        if status == "equal" and old is not None and old.node is not None:
            self.tracker.paired_note(old.node.get(w("id"), ""), ident)
        elif status == "insert":
            self.tracker.inserted_note(ident)
        else:
            copied = self.tracker.deleted_note(ident)
            if copied is None:
                return None
            node = copy.deepcopy(node)
            node.set(w("id"), copied)
            return node
        return copy.deepcopy(node)
