"""What every page carries and what the file says of itself: the marking right-aligned in the header and footer
(in the TLP 2.0 look), "Page X of Y", core properties pinned from the brief (no wall-clock time), and extended
properties (``docProps/app.xml``) naming briefgen and its version as the application and the brief's organisation
as the company — not whatever word processor last saved the reference document."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart

from briefgen.formats.docx import xml as x
from briefgen.formats.docx.reference import Reference
from briefgen.formats.docx.xml import Element

if TYPE_CHECKING:
    from briefgen.formats.docx.document import DocxSettings

# MISP colours of the TLP labels, shown as TLP 2.0 shows them: coloured text on black.
TLP_COLOURS: Mapping[str, str] = MappingProxyType(
    {"CLEAR": "FFFFFF", "WHITE": "FFFFFF", "GREEN": "33FF00", "AMBER": "FFC000", "RED": "FF2B2B"}
)
CORE_TEXT_LIMIT = 255  # python-docx refuses longer core-property strings


def header_markup(reference: Reference, marking: str) -> str:
    """The header's content: the marking, right-aligned."""
    label = marking.strip().upper()
    marking_run = x.run(label, **_marking_look(label))
    return x.paragraph_start(reference.style_ids["Header"], align="right") + marking_run + x.PARAGRAPH_END


def footer_markup(reference: Reference, marking: str) -> str:
    """The footer's content: "Page X of Y", then the marking at a right tab stop on the margin."""
    label = marking.strip().upper()
    width = reference.text_width
    stops = (*(("clear", pos) for pos in reference.footer_tabs if pos != width), ("right", width))
    return "".join(
        (
            x.paragraph_start(reference.style_ids["Footer"], tabs=stops),
            x.run("Page "),
            x.field("PAGE", "1"),
            x.run(" of "),
            x.field("NUMPAGES", "1"),
            x.run("\t"),
            x.run(label, **_marking_look(label)),
            x.PARAGRAPH_END,
        )
    )


def marking_stories(document: Document) -> tuple[list[XmlPart], list[XmlPart]]:
    """The header and footer parts that carry the marking, emptied: one default header and footer serve every page
    (no distinct first or even pages), each section's own."""
    document.settings.odd_and_even_pages_header_footer = False
    headers, footers = [], []
    for section in document.sections:
        section.different_first_page_header_footer = False
        headers.append(_emptied_story(section.header))
        footers.append(_emptied_story(section.footer))
    return headers, footers


def _marking_look(label: str) -> dict[str, Any]:
    """Bold; a TLP label in its colour on black, as TLP 2.0 shows it (CLEAR: white on black)."""
    prefix, _, name = label.partition(":")
    colour = TLP_COLOURS.get(name.split("+")[0]) if prefix == "TLP" else None
    if colour is None:
        return {"bold": True}
    return {"bold": True, "colour": colour, "background": "000000"}


def _emptied_story(story: Any) -> XmlPart:
    """A section's own header or footer part, emptied."""
    story.is_linked_to_previous = False
    part: XmlPart = story.part
    for child in list(part.element):
        part.element.remove(child)
    return part


def core_properties_xml(template: Element, settings: DocxSettings) -> bytes:
    """``docProps/core.xml``: the reference's core properties with those briefgen pins set from the memo (no
    wall-clock time, no last-printed date)."""
    element = copy.deepcopy(template)
    props = CoreProperties(element)
    props.title = _core_text(settings.title)
    props.subject = _core_text(settings.subject)
    props.author = props.last_modified_by = _core_text(settings.author)
    props.keywords = _core_text(settings.keywords)
    props.comments = ""
    props.created = props.modified = _utc(settings.created)
    props.revision = 1
    for printed in element.findall("{*}lastPrinted"):
        element.remove(printed)
    return serialize_part_xml(element)


def core_properties_part(document: Document) -> XmlPart:
    """The package's core properties part (python-docx adds one if the reference has none)."""
    document.core_properties  # noqa: B018 (creates the part when missing)
    core = document.part.package.part_related_by(RT.CORE_PROPERTIES)
    assert isinstance(core, XmlPart)
    return core


APP_PROPERTIES = "/docProps/app.xml"
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def pin_app_properties(document: Document, organisation: str) -> Part:
    """Replace the reference document's extended properties (its application, page and word counts, template) with
    briefgen's: the counts would describe the reference, not the memo, and Word recomputes them."""
    package = document.part.package
    for rel_id in [rid for rid, rel in package.rels.items() if rel.reltype == RT.EXTENDED_PROPERTIES]:
        del package.rels[rel_id]
    part = Part(PackURI(APP_PROPERTIES), CT.OFC_EXTENDED_PROPERTIES, app_properties_xml(organisation), package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)
    return part


def app_properties_xml(organisation: str) -> bytes:
    """``docProps/app.xml``: briefgen and its version as the application, the brief's organisation as the company."""
    from briefgen import __version__

    company = f"<Company>{x.escape_text(organisation)}</Company>" if organisation.strip() else ""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{_EXTENDED}" xmlns:vt="{_EXTENDED.replace("extended-properties", "docPropsVTypes")}">'
        f"<Application>briefgen/{x.escape_text(__version__)}</Application><DocSecurity>0</DocSecurity>{company}"
        "</Properties>"
    ).encode()


def _core_text(text: str) -> str:
    return x.xml_safe(text)[:CORE_TEXT_LIMIT]


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken as UTC so output never depends on the host."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
