"""The reference document prepared once, for every Word memo a build writes: opened and checked once, with every part
a memo does not change serialised and compressed once, and the parts it does change (the body, its relationships,
list numbering, header, footer, footnotes, core properties) kept as the text before and after the memo's own content.

Every memo has a footnotes part (``word/footnotes.xml``, the reference's own if it has one, its content replaced) with
the separator notes, and ``settings.xml`` names them in ``w:footnotePr`` in schema order (before ``w:compat``); a
``w:footnotePr`` the reference had there is replaced, not copied (pandoc #9522).

A memo's document is then its body markup spliced into the reference's text — no XML tree is built or serialised per
memo. The markup is well-formed by construction (:mod:`~briefgen.formats.docx.xml` escapes every text and attribute)
and its ``w:``/``r:`` prefixes are declared on the root of each part it goes into (checked here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import CT_Relationships, serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from briefgen.errors import RenderError
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.links import Links
from briefgen.formats.docx.notes import FOOTNOTE_SETTINGS, FOOTNOTES_END, FOOTNOTES_START, SEPARATORS
from briefgen.formats.docx.package import Entry, archive, deflated, entry_order, package_entries
from briefgen.formats.docx.page import core_properties_part, marking_stories, pin_app_properties
from briefgen.formats.docx.reference import Reference, open_reference
from briefgen.formats.docx.xml import Element, w

MARK = "briefgen:splice:6f1d2c"  # a comment where a memo's own content goes; split out of the serialised text
_NAMESPACES = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
               "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}  # fmt: skip


@dataclass(frozen=True)
class Splice:
    """A part of the reference serialised around the place where a memo's content goes."""

    member: str
    before: bytes
    after: bytes

    def entry(self, markup: str) -> Entry:
        return deflated(self.member, self.before + markup.encode("utf-8") + self.after)


@dataclass(frozen=True)
class Skeleton:
    reference: Reference
    members: tuple[str, ...]  # every zip member, in the order written
    static: Mapping[str, Entry]  # members no memo changes, compressed
    document: Splice  # the body's blocks go before its closing section properties
    numbering: Splice  # new list instances go after the reference's own
    next_num_id: int
    headers: tuple[Splice, ...]
    footers: tuple[Splice, ...]
    rels_member: str
    rels: tuple[tuple[str, str, str, bool], ...]  # (rId, type, target, external) of the document part
    footnotes_member: str
    footnotes_rels_member: str
    footnotes_rels: tuple[tuple[str, str, str, bool], ...]
    core_member: str
    core: Element  # the core properties element, copied and set per memo
    app_member: str  # the extended properties, which name the brief's organisation

    def links(self) -> Links:
        return Links.of(self.rels, RT.HYPERLINK)

    def note_links(self) -> Links:
        return Links.of(self.footnotes_rels, RT.HYPERLINK)

    def numbering_for_memo(self) -> x.ListNumbering:
        return x.ListNumbering(self.reference.numbered, self.next_num_id)

    def rels_entry(self, links: Links, parts: Sequence[tuple[str, str, str]] = ()) -> Entry:
        """The document part's relationships, with the memo's hyperlinks after the reference's own, then the parts
        the memo adds (``(rId, type, target)``: its charts)."""
        if not links.added and not parts:
            return self.static[self.rels_member]
        return deflated(self.rels_member, _relationships(self.rels, links, parts))

    def footnotes_entries(self, notes: bytes, links: Links) -> dict[str, Entry]:
        """The footnotes part and its relationships (the links in the notes)."""
        rels = self.footnotes_rels_member
        return {
            self.footnotes_member: deflated(self.footnotes_member, notes),
            rels: deflated(rels, _relationships(self.footnotes_rels, links)) if links.added else self.static[rels],
        }

    def package(self, changed: Mapping[str, Entry], added: Mapping[str, Entry] | None = None) -> bytes:
        """The package: the reference's members (``changed`` where the memo changes them), and the members the memo
        adds, in the order every package is written in."""
        if not added:
            return archive([changed.get(name) or self.static[name] for name in self.members])
        names = entry_order({*self.members, *added})  # [Content_Types].xml is among both
        return archive([added.get(name) or changed.get(name) or self.static[name] for name in names])


def prepare(data: bytes, name: str) -> Skeleton:
    """Open and check the reference document (a RenderError names the file and every problem), and prepare it."""
    reference = open_reference(data, name)
    document = reference.document
    body = document.element.body
    for child in list(body)[:-1]:  # all but the closing section properties (open_reference checked them)
        body.remove(child)
    body.insert(0, etree.Comment(MARK))
    headers, footers = marking_stories(document)
    for story in (*headers, *footers):
        story.element.append(etree.Comment(MARK))
    notes_part = _footnotes_part(document)
    core = core_properties_part(document)
    app = pin_app_properties(document, "")  # the company is the brief's: set per memo
    numbering = document.part.numbering_part
    next_num_id = x.next_num_id(numbering.element)
    lists = list(numbering.element.iterchildren(w("num"), w("abstractNum")))
    if lists:
        lists[-1].addnext(etree.Comment(MARK))
    else:
        numbering.element.insert(0, etree.Comment(MARK))
    part = document.part
    spliced = (_splice(part, name), _splice(numbering, name))
    header_splices = tuple(_splice(story, name) for story in headers)
    footer_splices = tuple(_splice(story, name) for story in footers)
    entries = package_entries(part.package)
    notes_rels = notes_part.partname.rels_uri.membername
    entries.setdefault(notes_rels, serialize_part_xml(CT_Relationships.new()))
    changing = {s.member for s in (*spliced, *header_splices, *footer_splices)}
    changing |= {core.partname.membername, app.partname.membername, notes_part.partname.membername}
    return Skeleton(
        reference=reference,
        members=tuple(entry_order(entries)),
        static={n: deflated(n, d) for n, d in entries.items() if n not in changing},
        document=spliced[0],
        numbering=spliced[1],
        next_num_id=next_num_id,
        headers=header_splices,
        footers=footer_splices,
        rels_member=part.partname.rels_uri.membername,
        rels=_rels_of(part),
        footnotes_member=notes_part.partname.membername,
        footnotes_rels_member=notes_rels,
        footnotes_rels=_rels_of(notes_part),
        core_member=core.partname.membername,
        core=core.element,
        app_member=app.partname.membername,
    )


def _rels_of(part: Part) -> tuple[tuple[str, str, str, bool], ...]:
    return tuple((r.rId, r.reltype, r.target_ref, r.is_external) for r in part.rels.values())


def _relationships(
    rels: tuple[tuple[str, str, str, bool], ...], links: Links, parts: Sequence[tuple[str, str, str]] = ()
) -> bytes:
    """A part's relationships: its own, then the memo's new hyperlinks, then the parts the memo adds."""
    element = CT_Relationships.new()
    for rid, kind, target, external in rels:
        element.add_rel(rid, kind, target, external)
    for target, rid in links.added.items():
        element.add_rel(rid, RT.HYPERLINK, target, True)
    for rid, kind, target in parts:
        element.add_rel(rid, kind, target, False)
    return serialize_part_xml(element)


def _footnotes_part(document: Document) -> Part:
    """The document's footnotes part (added if it has none), holding only the separators until a memo fills it;
    ``settings.xml`` names the separators."""
    part = document.part
    found = next((rel.target_part for rel in part.rels.values() if rel.reltype == RT.FOOTNOTES), None)
    blob = (FOOTNOTES_START + SEPARATORS + FOOTNOTES_END).encode("utf-8")
    if found is None:
        found = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, part.package)
        part.relate_to(found, RT.FOOTNOTES)
    else:
        found._blob = blob
    settings = document.settings.element
    for old in settings.findall(w("footnotePr")):
        settings.remove(old)
    footnote_settings = parse_xml(FOOTNOTE_SETTINGS.replace("<w:footnotePr>", f"<w:footnotePr {nsdecls('w')}>"))
    settings.insert_element_before(footnote_settings, *_AFTER_FOOTNOTE_SETTINGS)
    return found


# What follows w:footnotePr in w:settings (CT_Settings, ECMA-376 Part 1, 17.15.1.78).
_AFTER_FOOTNOTE_SETTINGS = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def _splice(part: XmlPart, name: str) -> Splice:
    """The part serialised, split at the splice mark; its root must declare ``w:`` and ``r:`` as briefgen's markup
    uses them."""
    nsmap = part.element.nsmap
    for prefix, uri in _NAMESPACES.items():
        if nsmap.get(prefix) not in (None, uri):
            raise RenderError(f"{name}: {part.partname} binds the prefix {prefix}: to {nsmap[prefix]}, not {uri}")
    missing = {p: u for p, u in _NAMESPACES.items() if p not in nsmap}
    if missing:
        etree.cleanup_namespaces(part.element, top_nsmap=missing, keep_ns_prefixes=list(nsmap))
    text = serialize_part_xml(part.element)
    mark = f"<!--{MARK}-->".encode()
    if text.count(mark) != 1:
        raise RenderError(f"{name}: {part.partname} holds briefgen's own splice mark {MARK!r}")
    before, after = text.split(mark)
    return Splice(part.partname.membername, before, after)
