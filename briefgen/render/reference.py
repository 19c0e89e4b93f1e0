"""The reference document: building the house style, and opening one to render into.

:func:`build_reference_docx` makes ``templates/reference.docx`` reproducibly. It starts from
python-docx's default template and keeps only its package skeleton: every style is replaced
by the house definitions below, the numbering is redefined for the list styles, and parts
Word regenerates or never needs (stylesWithEffects, customXml, thumbnail) are dropped.
Fonts are named as Word knows them; LibreOffice on Linux substitutes the metric-compatible
Liberation fonts (Arial -> Liberation Sans, Courier New -> Liberation Mono), so line breaks
match. Run ``python -m briefgen.render.reference [PATH]`` to rewrite the file.

:func:`open_reference` opens any reference (the house one or a user's) and checks up front
that it has everything the renderer uses, reporting every missing style at once.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches
from docx.styles import BabelFish

from briefgen.errors import RenderError
from briefgen.render.docx_xml import Element, package_bytes, w

BODY_FONT = "Arial"
CODE_FONT = "Courier New"
ACCENT = "1F3864"  # dark navy headings
TEXT_WIDTH = 9360  # US Letter, 1-inch margins
KEPT_STYLES = ("Default Paragraph Font", "Normal Table", "No List")
PINNED_TIME = datetime(2000, 1, 1, tzinfo=UTC)

_SINGLE = '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
_FONTS = f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:cs="{BODY_FONT}"/>'
_CODE_FONTS = f'<w:rFonts w:ascii="{CODE_FONT}" w:hAnsi="{CODE_FONT}" w:cs="{CODE_FONT}"/>'
_DEFAULTS = f"""<w:docDefaults {nsdecls("w")}>
  <w:rPrDefault><w:rPr>{_FONTS}<w:sz w:val="22"/><w:szCs w:val="22"/>
    <w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
  <w:pPrDefault><w:pPr><w:widowControl/>
    <w:spacing w:after="120" w:line="252" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>"""


def _heading(level: int, before: int, size: int, italic: bool = False) -> tuple[str, str, str]:
    ppr = f'<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="60"/><w:outlineLvl w:val="{level - 1}"/>'
    rpr = f'<w:b/><w:bCs/>{"<w:i/><w:iCs/>" if italic else ""}<w:color w:val="{ACCENT}"/>'
    return f"heading {level}", ppr, rpr + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'


def _list_style(name: str, num_id: int) -> tuple[str, str, str]:
    return name, f'<w:numPr><w:numId w:val="{num_id}"/></w:numPr><w:spacing w:after="40"/>', ""


def _continue_style(name: str, depth: int) -> tuple[str, str, str]:
    return name, f'<w:spacing w:after="40"/><w:ind w:left="{360 * depth}"/>', ""


# Paragraph styles: (name in styles.xml, pPr children, rPr children); all based on Normal.
_PARAGRAPH_STYLES = (
    _heading(1, 240, 28),
    _heading(2, 200, 24),
    _heading(3, 160, 22),
    _heading(4, 120, 22, italic=True),
    _list_style("List Bullet", 1),
    _list_style("List Bullet 2", 2),
    _list_style("List Bullet 3", 3),
    _list_style("List Number", 4),
    _list_style("List Number 2", 5),
    _list_style("List Number 3", 6),
    _continue_style("List Continue", 1),
    _continue_style("List Continue 2", 2),
    _continue_style("List Continue 3", 3),
    (
        "Quote",
        '<w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="A6A6A6"/></w:pBdr>'
        '<w:ind w:left="360" w:right="360"/>',
        '<w:i/><w:iCs/><w:color w:val="404040"/>',
    ),
    (
        "Code Block",
        '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
        '<w:spacing w:after="120" w:line="240" w:lineRule="auto"/>',
        f'{_CODE_FONTS}<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    (
        "Table Text",
        '<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>',
        '<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    ("Table Heading", "<w:keepNext/>", "<w:b/><w:bCs/>"),
    (
        "header",
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>{_SINGLE}',
        '<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    (
        "footer",
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>{_SINGLE}',
        '<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
)
_BASED_ON = {"Table Heading": "Table Text"}

_CHARACTER_STYLES = (
    ("Code Char", f'{_CODE_FONTS}<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'),
    ("Hyperlink", '<w:color w:val="0563C1"/><w:u w:val="single"/>'),
)

_TABLE_STYLE = f"""<w:style {nsdecls("w")} w:type="table" w:styleId="TableGrid">
  <w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
  <w:pPr>{_SINGLE}</w:pPr>
  <w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>{
    "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
}</w:tblBorders>
    <w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="72" w:type="dxa"/>
      <w:bottom w:w="0" w:type="dxa"/><w:right w:w="72" w:type="dxa"/></w:tblCellMar>
  </w:tblPr>
</w:style>"""

# List numbering: (style id, numFmt, level text) per list style, numIds 1..6 in this order.
_LISTS = (
    ("ListBullet", "bullet", "\u2022"),
    ("ListBullet2", "bullet", "\u25e6"),
    ("ListBullet3", "bullet", "\u25aa"),
    ("ListNumber", "decimal", "%1."),
    ("ListNumber2", "lowerLetter", "%1."),
    ("ListNumber3", "lowerRoman", "%1."),
)


def build_reference_docx() -> bytes:
    """The reference document's bytes; identical on every run."""
    document = docx.Document()
    _drop_extra_parts(document)
    _set_page(document)
    _set_styles(document)
    _set_numbering(document)
    _set_compatibility(document)
    _pin_core_properties(document)
    body = document.element.body
    for child in list(body)[:-1]:
        body.remove(child)
    return package_bytes(document.part.package)


def _drop_extra_parts(document: Document) -> None:
    """Drop stylesWithEffects (a stale copy of the styles), customXml and the thumbnail."""
    unwanted = (RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")
    rels = document.part.rels
    for rel_id in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
        del rels[rel_id]
    package_rels = document.part.package.rels
    for rel_id in [rid for rid, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rel_id]


def _set_page(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = section.bottom_margin = Inches(1)
    section.header_distance = section.footer_distance = Inches(0.5)
    section.gutter = Inches(0)


def _set_styles(document: Document) -> None:
    """Replace every style but the built-in defaults with the house styles."""
    root = document.styles.element
    for style in root.findall(w("style")):
        name = style.find(w("name"))
        if name is None or BabelFish.internal2ui(name.get(w("val"))) not in KEPT_STYLES:
            root.remove(style)
    root.replace(root.find(w("docDefaults")), parse_xml(_DEFAULTS))
    root.append(parse_xml(_style_xml("paragraph", "Normal", "", "", default=True)))
    for name, ppr, rpr in _PARAGRAPH_STYLES:
        root.append(parse_xml(_style_xml("paragraph", name, ppr, rpr, _BASED_ON.get(name, "Normal"))))
    for name, rpr in _CHARACTER_STYLES:
        root.append(parse_xml(_style_xml("character", name, "", rpr, "DefaultParagraphFont")))
    root.append(parse_xml(_TABLE_STYLE))


def _style_id(name: str) -> str:
    return BabelFish.internal2ui(name).replace(" ", "")


def _style_xml(kind: str, name: str, ppr: str, rpr: str, based_on: str = "", default: bool = False) -> str:
    basis = f'<w:basedOn w:val="{_style_id(based_on)}"/>' if based_on else ""
    follow = '<w:next w:val="Normal"/>' if name.startswith("heading") or name == "Quote" else ""
    marks_default = ' w:default="1"' if default else ""
    props = (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
    return (
        f'<w:style {nsdecls("w")} w:type="{kind}"{marks_default} w:styleId="{_style_id(name)}">'
        f'<w:name w:val="{name}"/>{basis}{follow}<w:qFormat/>{props}</w:style>'
    )


def _set_numbering(document: Document) -> None:
    """One single-level list definition per list style, linked both ways."""
    root = document.part.numbering_part.element
    for child in list(root):
        root.remove(child)
    for index, (style_id, fmt, text) in enumerate(_LISTS):
        depth = index % 3 + 1
        root.append(parse_xml(_abstract_num_xml(index, style_id, fmt, text, depth)))
    for index in range(len(_LISTS)):
        root.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{index + 1}"><w:abstractNumId w:val="{index}"/></w:num>')
        )


def _abstract_num_xml(index: int, style_id: str, fmt: str, text: str, depth: int) -> str:
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{index}">'
        f'<w:nsid w:val="{0x4252_4700 + index:08X}"/><w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:pStyle w:val="{style_id}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 * depth}" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    )


def _set_compatibility(document: Document) -> None:
    """Word 2013+ layout (mode 15): tables align their borders, not their text, to the margin."""
    for setting in document.settings.element.iter(w("compatSetting")):
        if setting.get(w("name")) == "compatibilityMode":
            setting.set(w("val"), "15")


def _pin_core_properties(document: Document) -> None:
    props = document.core_properties
    props.author = props.last_modified_by = "briefgen"
    props.title = props.subject = props.keywords = props.comments = props.category = ""
    props.created = props.modified = PINNED_TIME
    props.revision = 1


# --- opening a reference for rendering ----------------------------------------------

# Every style the renderer uses: name -> (style type, what it is needed for).
STYLE_USES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "Normal": ("paragraph", "body paragraphs"),
        **{f"Heading {n}": ("paragraph", f"level-{n} headings") for n in range(1, 5)},
        "List Bullet": ("paragraph", "bulleted lists"),
        "List Bullet 2": ("paragraph", "level-2 bulleted lists"),
        "List Bullet 3": ("paragraph", "level-3 bulleted lists"),
        "List Number": ("paragraph", "numbered lists"),
        "List Number 2": ("paragraph", "level-2 numbered lists"),
        "List Number 3": ("paragraph", "level-3 numbered lists"),
        "List Continue": ("paragraph", "further paragraphs in list items"),
        "List Continue 2": ("paragraph", "further paragraphs in level-2 list items"),
        "List Continue 3": ("paragraph", "further paragraphs in level-3 list items"),
        "Quote": ("paragraph", "block quotes"),
        "Code Block": ("paragraph", "code blocks"),
        "Table Text": ("paragraph", "table cells"),
        "Table Heading": ("paragraph", "table header cells"),
        "Header": ("paragraph", "the page header"),
        "Footer": ("paragraph", "the page footer"),
        "Code Char": ("character", "inline code"),
        "Hyperlink": ("character", "links"),
        "Table Grid": ("table", "tables"),
    }
)
REQUIRED_STYLES: tuple[str, ...] = tuple(STYLE_USES)
NUMBERED_STYLES = ("List Number", "List Number 2", "List Number 3")
DEFAULT_TABLE_FONT = 18  # half-points, if "Table Text" sets no size


@dataclass(frozen=True)
class Reference:
    """A reference document opened for one render, with what the renderer needs resolved."""

    document: Document
    style_ids: Mapping[str, str]  # style name -> styleId, for every required style
    text_width: int  # twips between the margins
    table_em: int  # twips per em of the "Table Text" font
    footer_tabs: tuple[int, ...]  # tab stops the "Footer" style sets
    numbered: Mapping[str, tuple[str, str]]  # numbered list style -> (abstractNumId, ilvl)


def open_reference(data: bytes, name: str) -> Reference:
    """Open and check a reference document; a RenderError names the file and the problems."""
    document = _readable(data, name)
    styles = _required_styles(document, name)
    return Reference(
        document=document,
        style_ids={style_name: style.get(w("styleId")) for style_name, style in styles.items()},
        text_width=_text_width(document, name),
        table_em=_half_points(styles["Table Text"], DEFAULT_TABLE_FONT) * 10,
        footer_tabs=_tab_positions(styles["Footer"]),
        numbered=_numbered_lists(document, styles, name),
    )


def _readable(data: bytes, name: str) -> Document:
    try:
        return docx.Document(io.BytesIO(data))
    # zipfile, lxml and python-docx each raise their own types for unreadable bytes.
    except Exception as exc:
        raise RenderError(f"{name}: not a readable Word document ({type(exc).__name__}: {exc})") from exc


def _required_styles(document: Document, name: str) -> dict[str, Element]:
    """Each required style's ``w:style``; every missing or mistyped one is reported at once."""
    found: dict[str, Element] = {}
    for style in document.styles.element.iterchildren(w("style")):
        name_element = style.find(w("name"))
        if name_element is not None:
            found.setdefault(BabelFish.internal2ui(name_element.get(w("val"), "")), style)
    problems = []
    for style_name, (kind, purpose) in STYLE_USES.items():
        style = found.get(style_name)
        if style is None:
            problems.append(f"{name}: missing style {style_name!r} (needed for {purpose})")
        elif not style.get(w("styleId")):
            problems.append(f"{name}: style {style_name!r} has no w:styleId (needed for {purpose})")
        elif (style.get(w("type")) or "paragraph") != kind:
            problems.append(
                f"{name}: style {style_name!r} is a {style.get(w('type'))} style, "
                f"expected a {kind} style (needed for {purpose})"
            )
    if problems:
        raise RenderError("\n".join(problems))
    return {style_name: found[style_name] for style_name in REQUIRED_STYLES}


def _text_width(document: Document, name: str) -> int:
    """Twips between the margins of the section that ends the body."""
    body = document.element.body
    if body is None or len(body) == 0 or body[-1].tag != w("sectPr"):
        raise RenderError(f"{name}: the body does not end with section properties (w:sectPr)")
    section = document.sections[-1]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:
        raise RenderError(f"{name}: the section has no page width or margins")
    gutter = section.gutter.twips if section.gutter is not None else 0
    width = int(page.twips - left.twips - right.twips - gutter)
    if width <= 0:
        raise RenderError(f"{name}: the margins leave no room for text ({width} twips)")
    return width


def _half_points(style: Element, default: int) -> int:
    size = style.find(f"{w('rPr')}/{w('sz')}")
    value = None if size is None else size.get(w("val"))
    return int(value) if value and value.isdigit() else default


def _tab_positions(style: Element) -> tuple[int, ...]:
    tabs = style.findall(f"{w('pPr')}/{w('tabs')}/{w('tab')}")
    return tuple(int(pos) for tab in tabs if (pos := tab.get(w("pos"), "")).lstrip("-").isdigit())


def _numbered_lists(document: Document, styles: Mapping[str, Element], name: str) -> dict[str, tuple[str, str]]:
    """The list definition (abstractNumId, ilvl) behind each numbered list style."""
    numbering = document.part.numbering_part.element
    abstract_of = {
        num.get(w("numId")): abstract.get(w("val"))
        for num in numbering.iterchildren(w("num"))
        if (abstract := num.find(w("abstractNumId"))) is not None
    }
    found, problems = {}, []
    for style_name in NUMBERED_STYLES:
        num_pr = styles[style_name].find(f"{w('pPr')}/{w('numPr')}")
        num_id = None if num_pr is None else num_pr.find(w("numId"))
        ilvl = None if num_pr is None else num_pr.find(w("ilvl"))
        key = None if num_id is None else num_id.get(w("val"))
        if key in abstract_of:
            found[style_name] = (abstract_of[key], "0" if ilvl is None else ilvl.get(w("val"), "0"))
        else:
            problems.append(
                f"{name}: style {style_name!r} has no list numbering (its w:numPr must name a w:num in numbering.xml)"
            )
    if problems:
        raise RenderError("\n".join(problems))
    return found


def main(argv: Sequence[str] | None = None) -> None:
    """Write the reference document to the path given (default ``templates/reference.docx``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "templates/reference.docx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_reference_docx())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
