"""Markdown → Word: the rendered memo Markdown written into a copy of the house-style document.

The Markdown is parsed by markdown-it (CommonMark, HTML off, GFM tables and strikethrough); its token stream is walked
once into WordprocessingML markup (:mod:`~briefgen.formats.docx.body`), which lxml parses in one go into the reference
document's emptied body. The reference is checked first for every style used
(:mod:`~briefgen.formats.docx.reference`), and style ids are resolved once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from docx.document import Document

from briefgen.errors import RenderError
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.body import BodyWriter
from briefgen.formats.docx.package import package_bytes
from briefgen.formats.docx.page import pin_core_properties, write_marking
from briefgen.formats.docx.parse import parser
from briefgen.formats.docx.reference import REQUIRED_STYLES, open_reference
from briefgen.formats.docx.xml import Element

__all__ = ["DEFAULT_HEAT", "LEVELS", "REQUIRED_STYLES", "DocxSettings", "markdown_to_docx"]

LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")

DEFAULT_HEAT: Mapping[str, str] = MappingProxyType(
    {
        "Very Low": "006100",  # dark green, white text
        "Low": "92D050",  # light green, black text
        "Moderate": "FFEB84",  # pale yellow, black text
        "High": "F4B183",  # light orange, black text
        "Very High": "9C0006",  # dark red, white text
    }
)


@dataclass(frozen=True)
class DocxSettings:
    reference: bytes  # contents of the reference .docx (house style)
    marking: str  # overall marking, e.g. "TLP:AMBER"; shown in header and footer
    heat: Mapping[str, str]  # risk level label -> fill "RRGGBB"
    title: str
    subject: str = ""
    author: str = "briefgen"
    keywords: str = ""
    created: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    reference_name: str = "reference.docx"  # for error messages
    organisation: str = ""  # the Company of the document's extended properties


def markdown_to_docx(markdown: str, settings: DocxSettings) -> bytes:
    """Render memo Markdown to the bytes of a .docx in the reference document's house style."""
    heat = _checked_settings(settings)
    reference = open_reference(settings.reference, settings.reference_name)
    document = reference.document
    body = _emptied_body(document)
    numbering = x.ListNumbering.of(document.part.numbering_part.element, reference.numbered)
    writer = BodyWriter(reference, heat, numbering)
    body[0:0] = x.parse_fragment(writer.markup(parser().parse(markdown)))
    write_marking(reference, settings.marking)
    pin_core_properties(document, settings)
    return package_bytes(document.part.package)


def _checked_settings(settings: DocxSettings) -> dict[str, str]:
    """The heat colours in level order; every problem with the settings is reported at once."""
    problems = []
    missing = [label for label in LEVELS if label not in settings.heat]
    unknown = sorted(set(settings.heat) - set(LEVELS))
    if missing or unknown:
        expected = f"heat: expected colours for exactly {list(LEVELS)}"
        problems.append(f"{expected}; missing {missing or 'none'}, unknown {unknown or 'none'}")
    problems += [
        f"heat: {label!r}: expected an RRGGBB hex colour, got {colour!r}"
        for label, colour in settings.heat.items()
        if not x.hex_colour_ok(colour)
    ]
    if not settings.marking.strip():
        problems.append("marking: expected a marking such as 'TLP:AMBER', got an empty string")
    if problems:
        raise RenderError("\n".join(problems))
    return {label: settings.heat[label].upper() for label in LEVELS}


def _emptied_body(document: Document) -> Element:
    """The body with everything but its closing section properties removed."""
    body = document.element.body
    for child in list(body)[:-1]:
        body.remove(child)
    return body
