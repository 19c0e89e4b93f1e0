"""The house style: :func:`build_reference_docx` makes ``templates/reference.docx`` reproducibly. It starts from
python-docx's default template and keeps only its package skeleton: every style is replaced
by the house definitions below, the numbering is redefined for the list styles, and parts
Word regenerates or never needs (stylesWithEffects, customXml, thumbnail) are dropped.
Fonts are named as Word knows them; LibreOffice on Linux substitutes the metric-compatible
Liberation fonts (Arial -> Liberation Sans, Courier New -> Liberation Mono), so line breaks
match. Run ``python -m briefgen.formats.docx.house [PATH]`` to rewrite the file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches
from docx.styles import BabelFish

from briefgen.formats.docx.package import package_bytes
from briefgen.formats.docx.xml import w

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


_TOC_TABS = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
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
        "Title",
        '<w:keepNext/><w:keepLines/><w:spacing w:after="120"/>',
        f'<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="36"/><w:szCs w:val="36"/>',
    ),
    (
        "TOC Heading",
        '<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="60"/>',
        f'<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="28"/><w:szCs w:val="28"/>',
    ),
    ("toc 1", f'{_TOC_TABS}<w:spacing w:after="40"/>', ""),
    ("toc 2", f'{_TOC_TABS}<w:spacing w:after="40"/><w:ind w:left="360"/>', ""),
    (
        "footnote text",
        '<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
        '<w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
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
    ("footnote reference", '<w:vertAlign w:val="superscript"/>'),
)
# The built-in styles briefgen adds that Word names in lower case in styles.xml, and Word's ids for them.
WORD_NAMES = {
    "TOC 1": "toc 1",
    "TOC 2": "toc 2",
    "Footnote Text": "footnote text",
    "Footnote Reference": "footnote reference",
}
_STYLE_IDS = {
    "toc 1": "TOC1",
    "toc 2": "TOC2",
    "footnote text": "FootnoteText",
    "footnote reference": "FootnoteReference",
}

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


def default_style(name: str) -> tuple[str, str, str, str]:
    """briefgen's own definition of a style the renderer uses (by its UI name, "Heading 1"), for a house template
    that lacks it: (type, pPr children, rPr children, UI name of the style it is based on)."""
    for internal, ppr, rpr in _PARAGRAPH_STYLES:
        if BabelFish.internal2ui(internal).casefold() == name.casefold():
            return "paragraph", ppr, rpr, _BASED_ON.get(name, "Normal")
    for char_name, rpr in _CHARACTER_STYLES:
        if char_name.casefold() == name.casefold():
            return "character", "", rpr, "Default Paragraph Font"
    if name == "Normal":
        return "paragraph", "", "", ""
    if name == "Table Grid":
        return "table", _SINGLE, "", "Normal Table"
    raise KeyError(name)


def style_id_of(name: str) -> str:
    """The styleId Word gives the style named ``name`` in its user interface ("TOC 1" → "TOC1")."""
    internal = WORD_NAMES.get(name, name)
    return _STYLE_IDS.get(internal) or name.replace(" ", "")


def table_properties() -> str:
    """The ``w:tblPr`` of briefgen's "Table Grid": thin grey borders, narrow cell margins."""
    start = _TABLE_STYLE.index("<w:tblPr>")
    return _TABLE_STYLE[start : _TABLE_STYLE.index("</w:tblPr>") + len("</w:tblPr>")]


def list_format(name: str) -> tuple[str, str, int]:
    """(numFmt, level text, depth) of briefgen's numbering for list style ``name``."""
    for index, (style_id, fmt, text) in enumerate(_LISTS):
        if style_id == name.replace(" ", ""):
            return fmt, text, index % 3 + 1
    raise KeyError(name)


def build_reference_docx(samples: bool = False) -> bytes:
    """The reference document's bytes; identical on every run. With ``samples``, its body shows every style the
    renderer uses, each saying what it is for (``briefgen style export``: a designer restyles them in Word, and the
    body is ignored when memos are rendered into it)."""
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
    if samples:
        _add_samples(document)
    return package_bytes(document.part.package)


def _add_samples(document: Document) -> None:
    """One paragraph in each paragraph style, a table, and runs in the character styles."""
    from briefgen.formats.docx.reference import STYLE_USES

    document.add_paragraph("briefgen house style: restyle these in Word, then set style.reference", "Heading 1")
    for name, (kind, purpose) in STYLE_USES.items():
        if kind == "paragraph" and name not in ("Header", "Footer", "Table Text", "Table Heading"):
            document.add_paragraph(f"{name}: {purpose}", WORD_NAMES.get(name, name))
    table = document.add_table(rows=2, cols=2, style="Table Grid")
    for cell, (text, name) in zip(
        table._cells,
        [
            ("Table Heading", "Table Heading"),
            ("header cells", "Table Heading"),
            ("Table Text", "Table Text"),
            ("table cells", "Table Text"),
        ],
        strict=True,
    ):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = document.styles[name]
    paragraph = document.add_paragraph("Character styles: ", "Normal")
    paragraph.add_run("Code Char", "Code Char")
    paragraph.add_run(" for inline code, ")
    paragraph.add_run("Hyperlink", "Hyperlink")
    paragraph.add_run(" for links, ")
    paragraph.add_run("Footnote Reference", "footnote reference")
    paragraph.add_run(" for footnote numbers. Header and Footer style the page header and footer.")


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
    return _STYLE_IDS.get(name) or BabelFish.internal2ui(name).replace(" ", "")


def _style_xml(kind: str, name: str, ppr: str, rpr: str, based_on: str = "", default: bool = False) -> str:
    basis = f'<w:basedOn w:val="{_style_id(based_on)}"/>' if based_on else ""
    follow = (
        '<w:next w:val="Normal"/>' if name.startswith("heading") or name in ("Quote", "Title", "TOC Heading") else ""
    )
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


def main(argv: Sequence[str] | None = None) -> None:
    """Write the reference document to the path given (default ``templates/reference.docx``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "templates/reference.docx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_reference_docx())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
