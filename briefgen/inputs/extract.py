"""The text of a source document, from its file's bytes: plain text and Markdown, HTML (lxml), PDF (pypdf) and Word
(the document's own XML, without deleted text). Only the words: normalising them for comparison is
``analysis/quotes``. Each library is imported only when a file of its kind is read."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from briefgen.errors import BriefgenError

MAX_SOURCE_BYTES = 64 * 1024 * 1024
MAX_PDF_PAGES = 5_000
MAX_XML_BYTES = 256 * 1024 * 1024  # a Word part, unpacked: a zip bomb ends here, not in memory
VERSION = "1"  # bump when extraction changes, so cached texts are extracted again


class SourceTextError(BriefgenError):
    """A source file briefgen cannot read text from (damaged, encrypted, of an unknown kind)."""


def kind_of(name: str) -> str | None:
    """The extractor for a file name, by its suffix (case-insensitive), or None."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _KINDS.get(suffix)


def extract_text(data: bytes, kind: str) -> str:
    """The text of a file of ``kind`` ('text', 'markdown', 'html', 'pdf' or 'docx'); SourceTextError if unreadable."""
    return _EXTRACTORS[kind](data)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceTextError(f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None


def _markdown(data: bytes) -> str:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(_text(data))
    return _html(html.encode("utf-8"))


# Elements whose content is no part of the text a reader sees.
_HIDDEN = ("script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object")
_BLOCK_NAMES = (
    "address article aside blockquote br caption dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul"
)
_BLOCKS = frozenset(_BLOCK_NAMES.split())


def _html(data: bytes) -> str:
    from lxml import etree, html

    if not data.strip():
        return ""
    try:
        parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceTextError(f"not readable HTML: {exc}") from None
    etree.strip_elements(root, *_HIDDEN, with_tail=False)
    parts: list[str] = []
    _walk(root, parts)
    return "".join(parts)


def _walk(element: Any, parts: list[str]) -> None:
    block = isinstance(element.tag, str) and element.tag.lower() in _BLOCKS
    if block:
        parts.append("\n")
    if isinstance(element.tag, str) and element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


def _pdf(data: bytes) -> str:
    with _quiet("pypdf"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceTextError("the PDF is encrypted: save an unencrypted copy")
            if len(reader.pages) > MAX_PDF_PAGES:
                raise SourceTextError(f"the PDF has {len(reader.pages):,} pages, over the {MAX_PDF_PAGES:,}-page limit")
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except SourceTextError:
            raise
        except Exception as exc:  # pypdf raises many kinds for a damaged file; all mean the same to the user
            raise SourceTextError(f"not a readable PDF: {type(exc).__name__}: {exc}") from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def _docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if _DOCX_PARTS[0] not in names:
                raise SourceTextError("not a Word document: it has no word/document.xml")
            return "\n".join(_docx_part(package, name) for name in _DOCX_PARTS if name in names)
    except zipfile.BadZipFile as exc:
        raise SourceTextError(f"not a Word document: {exc}") from None


def _docx_part(package: zipfile.ZipFile, name: str) -> str:
    from lxml import etree

    if package.getinfo(name).file_size > MAX_XML_BYTES:
        raise SourceTextError(f"{name} unpacks to more than {MAX_XML_BYTES:,} bytes: refused")
    with package.open(name) as handle:
        xml = handle.read(MAX_XML_BYTES + 1)
    if len(xml) > MAX_XML_BYTES:
        raise SourceTextError(f"{name} unpacks to more than {MAX_XML_BYTES:,} bytes: refused")
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SourceTextError(f"{name} is not well-formed XML: {exc}") from None
    return "\n".join("".join(_runs(p)) for p in root.iter(f"{_W}p"))


_SKIPPED = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_W}delText", f"{_W}instrText", f"{_W}p"})


def _runs(paragraph: Any) -> Iterator[str]:
    """The text of one paragraph as Word shows it with changes accepted: deleted and moved-away text left out
    (``w:del``, ``w:moveFrom``), field codes left out, tabs and breaks as spaces. Nested paragraphs (text boxes)
    are read as paragraphs of their own."""
    for child in paragraph:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            yield " "
        elif tag == f"{_W}noBreakHyphen":
            yield "-"
        else:
            yield from _runs(child)


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """A library's log warnings about a damaged file are not briefgen's output."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "text": _text,
    "markdown": _markdown,
    "html": _html,
    "pdf": _pdf,
    "docx": _docx,
}
_KINDS = {
    "txt": "text",
    "text": "text",
    "md": "markdown",
    "markdown": "markdown",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "pdf": "pdf",
    "docx": "docx",
}
