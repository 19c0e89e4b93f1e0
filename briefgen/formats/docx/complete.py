"""Completing a house template: the styles briefgen uses that an agency's own .docx or .dotx lacks are added from
briefgen's defaults (:mod:`~briefgen.formats.docx.house`), in the template's own fonts — each added paragraph style is
based on the template's Normal, each added heading on the template's nearest heading — and list styles get list
numbering of their own. A section without a page size or margins gets US Letter with 1-inch margins."""

from __future__ import annotations

import re
from collections.abc import Iterable

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.parts.numbering import NumberingPart
from docx.shared import Twips

from briefgen.formats.docx import house
from briefgen.formats.docx.xml import Element, escape_attr, w

LETTER = (12240, 15840)  # twips
INCH = 1440
_NUM_ID = re.compile(r'<w:numId w:val="\d+"/>')
_COLOUR = re.compile(r'<w:color w:val="[0-9A-Fa-f]{6}"/>')


def add_styles(document: Document, found: dict[str, Element], missing: Iterable[str]) -> list[str]:
    """Add each missing style to ``document`` (and to ``found``); return their names, in the order added."""
    root = document.styles.element
    ids = {style.get(w("styleId")) for style in root.iterchildren(w("style"))}
    added = []
    for name in missing:  # in STYLE_USES order: Normal, the headings, and each style after its basis
        kind, ppr, rpr, based_on = house.default_style(name)
        style_id = _unique(house.style_id_of(name), ids)
        basis = _basis(document, found, name, based_on)
        if name.startswith("Heading") and basis != _id(found.get("Normal")):
            rpr = _COLOUR.sub("", rpr)  # take the colour (and font) of the template's own heading
        if "<w:numPr>" in ppr:  # a list style: numbering of its own
            ppr = _NUM_ID.sub(f'<w:numId w:val="{_add_numbering(document, name, style_id)}"/>', ppr)
        element = parse_xml(_style_xml(kind, name, style_id, basis, ppr, rpr))
        root.append(element)
        found[name] = element
        added.append(name)
    return added


def _unique(wanted: str, ids: set[str | None]) -> str:
    candidate, n = wanted, 1
    while candidate in ids:
        n += 1
        candidate = f"{wanted}{n}"
    ids.add(candidate)
    return candidate


def _id(style: Element | None) -> str:
    return "" if style is None else str(style.get(w("styleId")) or "")


def _basis(document: Document, found: dict[str, Element], name: str, based_on: str) -> str:
    """The styleId an added style is based on: the nearest heading above it for a heading, the template's default
    table or character style for those, else the template's own version of briefgen's basis (Normal mostly)."""
    if name.startswith("Heading"):
        level = int(name.split()[-1])
        above = [found[f"Heading {n}"] for n in range(level - 1, 0, -1) if f"Heading {n}" in found]
        return _id(above[0]) if above else _id(found.get("Normal"))
    if based_on in ("Normal Table", "Default Paragraph Font"):
        kind = "table" if based_on == "Normal Table" else "character"
        return _default_style_id(document, kind)
    return _id(found.get(based_on))


def _default_style_id(document: Document, kind: str) -> str:
    for style in document.styles.element.iterchildren(w("style")):
        if style.get(w("type")) == kind and style.get(w("default")) in ("1", "true", "on"):
            return str(style.get(w("styleId")) or "")
    return ""


def _style_xml(kind: str, name: str, style_id: str, basis: str, ppr: str, rpr: str) -> str:
    based = f'<w:basedOn w:val="{escape_attr(basis)}"/>' if basis else ""
    props = (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
    if kind == "table":
        props = f"<w:pPr>{ppr}</w:pPr>{house.table_properties()}"
    word_name = house.WORD_NAMES.get(name)  # a style Word knows by another name in styles.xml ("toc 1")
    custom = "" if word_name else ' w:customStyle="1"'
    return (
        f'<w:style {nsdecls("w")} w:type="{kind}"{custom} w:styleId="{escape_attr(style_id)}">'
        f'<w:name w:val="{escape_attr(word_name or name)}"/>{based}<w:qFormat/>{props}</w:style>'
    )


def _add_numbering(document: Document, name: str, style_id: str) -> str:
    """A single-level list definition for an added list style, with ids no other definition uses; its numId."""
    root = numbering(document)
    abstracts = list(root.iterchildren(w("abstractNum")))
    nums = list(root.iterchildren(w("num")))
    abstract_id = 1 + max((int(a.get(w("abstractNumId"), "0")) for a in abstracts), default=-1)
    num_id = 1 + max((int(n.get(w("numId"), "0")) for n in nums), default=0)
    fmt, text, depth = house.list_format(name)
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="{0x4252_4800 + abstract_id:08X}"/><w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:pStyle w:val="{escape_attr(style_id)}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 * depth}" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    )
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        root.insert(0, abstract)
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    if nums:
        nums[-1].addnext(num)
    else:
        abstract.addnext(num)
    return str(num_id)


def numbering(document: Document) -> Element:
    """The root of the document's numbering part, made (empty) if the document has none."""
    part = document.part
    if not any(rel.reltype == RT.NUMBERING for rel in part.rels.values()):
        element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        numbering_part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, part.package)
        part.relate_to(numbering_part, RT.NUMBERING)
    return part.numbering_part.element


def default_page(document: Document) -> bool:
    """Give the last section US Letter with 1-inch margins where it sets no page size or margins; True if it did."""
    section = document.sections[-1]
    changed = False
    if section.page_width is None or section.page_height is None:
        section.page_width, section.page_height = Twips(LETTER[0]), Twips(LETTER[1])
        changed = True
    if None in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            if getattr(section, side) is None:
                setattr(section, side, Twips(INCH))
        changed = True
    return changed
