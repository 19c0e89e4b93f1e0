"""Opening a reference document to render into: :func:`open_reference` opens any reference (the house one or a
user's) and checks up front that it has everything the renderer uses, reporting every missing style at once."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import docx
from docx.document import Document
from docx.styles import BabelFish

from briefgen.errors import RenderError
from briefgen.formats.docx.xml import Element, w

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
