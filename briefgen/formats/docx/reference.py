"""Opening a reference document to render into: :func:`open_reference` opens any reference (the house one or an
agency's own .docx or .dotx) and checks up front that it has everything the renderer uses.

The package is refused by its declared sizes before anything is unpacked (a zip bomb costs nothing). Each style the
renderer uses is found by its name, an alias, its styleId or, for Normal and the headings, by what makes it that
built-in style (the default paragraph style; a heading's outline level), so a template with localised style names
("Überschrift 1") works; a style that is missing is added from briefgen's defaults
(:mod:`~briefgen.formats.docx.complete`) and named in :attr:`Reference.added`. A style of the wrong type (a
"Quote" character style) is an error: the template means something else by it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import docx
from docx.document import Document
from docx.styles import BabelFish

from briefgen.errors import RenderError
from briefgen.formats.docx.complete import add_styles, default_page, numbering
from briefgen.formats.docx.xml import Element, w

# Every style the renderer uses: name -> (style type, what it is needed for).
STYLE_USES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "Normal": ("paragraph", "body paragraphs"),
        **{f"Heading {n}": ("paragraph", f"level-{n} headings") for n in range(1, 5)},
        "Title": ("paragraph", "the memo's title"),
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
        "TOC Heading": ("paragraph", "the title of the contents"),
        "TOC 1": ("paragraph", "level-1 entries of the contents"),
        "TOC 2": ("paragraph", "level-2 entries of the contents"),
        "Footnote Text": ("paragraph", "footnotes"),
        "Code Char": ("character", "inline code"),
        "Hyperlink": ("character", "links"),
        "Footnote Reference": ("character", "footnote numbers"),
        "Table Grid": ("table", "tables"),
    }
)
REQUIRED_STYLES: tuple[str, ...] = tuple(STYLE_USES)
NUMBERED_STYLES = ("List Number", "List Number 2", "List Number 3")
DEFAULT_TABLE_FONT = 18  # half-points, if "Table Text" sets no size
# A reference document is a small zip: refused by what its directory declares, before anything is unpacked.
MAX_ENTRIES = 2_000
MAX_UNPACKED = 64 * 1024 * 1024
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_TEMPLATE_MAIN, _DOCUMENT_MAIN = f"{_MAIN}.template.main+xml", f"{_MAIN}.document.main+xml"


class ReferenceFaults(RenderError):
    """Every problem with one reference document, each a sentence; the message names the file on each line."""

    def __init__(self, name: str, messages: Sequence[str]) -> None:
        self.name = name
        self.messages = tuple(messages)
        super().__init__("\n".join(f"{name}: {message}" for message in self.messages))


@dataclass(frozen=True)
class Reference:
    """A reference document opened for one render, with what the renderer needs resolved."""

    document: Document
    style_ids: Mapping[str, str]  # style name -> styleId, for every required style
    text_width: int  # twips between the margins
    table_em: int  # twips per em of the "Table Text" font
    footer_tabs: tuple[int, ...]  # tab stops the "Footer" style sets
    numbered: Mapping[str, tuple[str, str]]  # numbered list style -> (abstractNumId, ilvl)
    added: tuple[str, ...] = ()  # styles the document lacked, added from briefgen's defaults
    page_set: bool = False  # the document set no page size or margins: US Letter, 1-inch margins


def open_reference(data: bytes, name: str) -> Reference:
    """Open and check a reference document; a RenderError names the file and the problems."""
    document = _readable(data, name)
    found, missing = _required_styles(document, name)
    added = tuple(add_styles(document, found, missing))
    page_set = _has_body_section(document, name) and default_page(document)
    styles = {style_name: found[style_name] for style_name in REQUIRED_STYLES}
    return Reference(
        document=document,
        style_ids={style_name: style.get(w("styleId")) for style_name, style in styles.items()},
        text_width=_text_width(document, name),
        table_em=_half_points(styles["Table Text"], DEFAULT_TABLE_FONT) * 10,
        footer_tabs=_tab_positions(styles["Footer"]),
        numbered=_numbered_lists(document, styles, name),
        added=added,
        page_set=page_set,
    )


def _readable(data: bytes, name: str) -> Document:
    package = _package(data, name)
    try:
        return docx.Document(io.BytesIO(package))
    # zipfile, lxml and python-docx each raise their own types for unreadable bytes.
    except Exception as exc:
        raise ReferenceFaults(name, [f"not a readable Word document ({type(exc).__name__}: {exc})"]) from exc


def _package(data: bytes, name: str) -> bytes:
    """The bytes python-docx is to open: refused by the zip directory's declared sizes before anything is
    unpacked; a Word template (.dotx) is given a document's content type, as Word does on "New from template"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            declared = sum(entry.file_size for entry in entries)
            if len(entries) > MAX_ENTRIES or declared > MAX_UNPACKED:
                raise ReferenceFaults(
                    name,
                    [
                        f"declares {len(entries):,} files and {declared:,} bytes unpacked, over the limits of "
                        f"{MAX_ENTRIES:,} files and {MAX_UNPACKED:,} bytes for a reference document: refused"
                    ],
                )
            types = package.read("[Content_Types].xml") if "[Content_Types].xml" in package.namelist() else b""
            if _TEMPLATE_MAIN.encode() not in types:
                return data
            return _repacked(package, entries, types.replace(_TEMPLATE_MAIN.encode(), _DOCUMENT_MAIN.encode()))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        reason = "not a zip package (a .docx or .dotx is one)" if isinstance(exc, zipfile.BadZipFile) else str(exc)
        raise ReferenceFaults(name, [f"not a readable Word document: {reason}"]) from None


def _repacked(package: zipfile.ZipFile, entries: list[zipfile.ZipInfo], types: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in entries:
            target.writestr(entry.filename, types if entry.filename == "[Content_Types].xml" else package.read(entry))
    return out.getvalue()


def _required_styles(document: Document, name: str) -> tuple[dict[str, Element], list[str]]:
    """Each required style the document has (by name, alias, styleId or built-in identity), and those it lacks; a
    style of the wrong type is an error, every one reported at once."""
    styles = list(document.styles.element.iterchildren(w("style")))
    index = _StyleIndex(styles)
    found: dict[str, Element] = {}
    missing, problems = [], []
    for style_name, (kind, purpose) in STYLE_USES.items():
        style = index.find(style_name, kind)
        if style is None and (named := index.named(style_name)) is not None:
            problems.append(
                f"style {style_name!r} is a {named.get(w('type'))} style, expected a {kind} style "
                f"(needed for {purpose})"
            )
        elif style is None:
            missing.append(style_name)
        else:
            found[style_name] = style
    if problems:
        raise ReferenceFaults(name, problems)
    return found, missing


class _StyleIndex:
    """A document's styles by UI name, alias and styleId (case does not matter), and by built-in identity."""

    def __init__(self, styles: list[Element]) -> None:
        self.styles = styles
        self.by_name: dict[str, Element] = {}
        self.by_alias: dict[str, Element] = {}
        self.by_id: dict[str, Element] = {}
        for style in styles:
            if not style.get(w("styleId")):
                continue  # nothing could refer to it
            name_element = style.find(w("name"))
            if name_element is not None:
                self.by_name.setdefault(BabelFish.internal2ui(name_element.get(w("val"), "")).casefold(), style)
            aliases = style.find(w("aliases"))
            for alias in (aliases.get(w("val"), "") if aliases is not None else "").split(","):
                self.by_alias.setdefault(alias.strip().casefold(), style)
            self.by_id.setdefault(str(style.get(w("styleId"))).casefold(), style)

    def named(self, style_name: str) -> Element | None:
        return self.by_name.get(style_name.casefold())

    def find(self, style_name: str, kind: str) -> Element | None:
        key = style_name.casefold()
        candidates = [
            self.by_name.get(key),
            self.by_alias.get(key),
            self.by_id.get(key.replace(" ", "")),
            *self._built_in(style_name),
        ]
        return next((s for s in candidates if s is not None and (s.get(w("type")) or "paragraph") == kind), None)

    def _built_in(self, style_name: str) -> list[Element]:
        """Normal is the default paragraph style; "Heading N" the paragraph style of outline level N-1 whose name
        ends in N, whatever the language of its name."""
        paragraphs = [s for s in self.styles if (s.get(w("type")) or "paragraph") == "paragraph"]
        if style_name == "Normal":
            return [s for s in paragraphs if s.get(w("default")) in ("1", "true", "on")]
        if style_name.startswith("Heading "):
            level = style_name.split()[-1]
            return [s for s in paragraphs if _outline_level(s) == int(level) - 1 and _ui_name(s).endswith(level)]
        return []


def _ui_name(style: Element) -> str:
    name = style.find(w("name"))
    return "" if name is None else BabelFish.internal2ui(name.get(w("val"), ""))


def _outline_level(style: Element) -> int | None:
    level = style.find(f"{w('pPr')}/{w('outlineLvl')}")
    value = None if level is None else level.get(w("val"), "")
    return int(value) if value and value.isdigit() else None


def _has_body_section(document: Document, name: str) -> bool:
    body = document.element.body
    if body is None or len(body) == 0 or body[-1].tag != w("sectPr"):
        raise ReferenceFaults(name, ["the body does not end with section properties (w:sectPr)"])
    return True


def _text_width(document: Document, name: str) -> int:
    """Twips between the margins of the section that ends the body."""
    section = document.sections[-1]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:
        raise ReferenceFaults(name, ["the section has no page width or margins"])
    gutter = section.gutter.twips if section.gutter is not None else 0
    width = int(page.twips - left.twips - right.twips - gutter)
    if width <= 0:
        raise ReferenceFaults(name, [f"the margins leave no room for text ({width} twips)"])
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
    numbering_root = numbering(document)
    abstract_of = {
        num.get(w("numId")): abstract.get(w("val"))
        for num in numbering_root.iterchildren(w("num"))
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
                f"style {style_name!r} has no list numbering (its w:numPr must name a w:num in numbering.xml)"
            )
    if problems:
        raise ReferenceFaults(name, problems)
    return found
