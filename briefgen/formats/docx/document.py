"""Markdown → Word: the rendered memo Markdown written into the house-style reference document.

The reference is opened, checked for every style the renderer uses (:mod:`~briefgen.formats.docx.reference`) and
prepared once (:mod:`~briefgen.formats.docx.skeleton`): a build makes one :class:`WordRenderer` and renders every
memo with it. The Markdown is parsed by pulldown-cmark (:mod:`~briefgen.formats.docx.parse`); its events are walked
once into WordprocessingML markup (:mod:`~briefgen.formats.docx.body`), which is spliced into the reference's
serialised document, so the cost of a memo grows with its own length only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from briefgen.errors import RenderError
from briefgen.formats.charts import Chart
from briefgen.formats.docx import xml as x
from briefgen.formats.docx.body import BodyWriter
from briefgen.formats.docx.chart import ChartParts
from briefgen.formats.docx.notes import Notes
from briefgen.formats.docx.package import CONTENT_TYPES, deflated
from briefgen.formats.docx.page import app_properties_xml, core_properties_xml, footer_markup, header_markup
from briefgen.formats.docx.parse import events
from briefgen.formats.docx.reference import REQUIRED_STYLES
from briefgen.formats.docx.skeleton import Skeleton, prepare

__all__ = ["DEFAULT_HEAT", "LEVELS", "REQUIRED_STYLES", "DocxSettings", "WordRenderer", "markdown_to_docx"]

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
    curly_quotes: bool = True  # typographic quotes and apostrophes (one memo; a renderer has its own setting)


@dataclass(frozen=True)
class WordRenderer:
    """Renders memos into one reference document, prepared once; heat colours resolved once."""

    skeleton: Skeleton
    heat: Mapping[str, str]  # level label -> fill, in level order
    curly_quotes: bool = True  # the house style's typographic quotes and apostrophes

    @classmethod
    def of(
        cls,
        reference: bytes,
        heat: Mapping[str, str],
        reference_name: str = "reference.docx",
        curly_quotes: bool = True,
    ) -> WordRenderer:
        problems = _heat_problems(heat)
        if problems:
            raise RenderError("\n".join(problems))
        fills = {label: heat[label].upper() for label in LEVELS}
        return cls(prepare(reference, reference_name), fills, curly_quotes)

    def render(self, markdown: str, settings: DocxSettings, charts: Sequence[Chart] = ()) -> bytes:
        """The .docx bytes of a memo, drawing ``charts`` where the Markdown has their images. Of ``settings``, the
        memo's own fields count (marking and properties): the reference and heat colours are the renderer's."""
        if not settings.marking.strip():
            raise RenderError(_EMPTY_MARKING)
        skeleton = self.skeleton
        numbering, links, note_links = skeleton.numbering_for_memo(), skeleton.links(), skeleton.note_links()
        styles = skeleton.reference.style_ids
        notes = Notes(styles["Footnote Reference"], styles["Footnote Text"], note_links)
        drawn = ChartParts({c.file: c for c in charts}, links, skeleton.reference.text_width,
                           skeleton.document.member, frozenset(skeleton.members))  # fmt: skip
        writer = BodyWriter(skeleton.reference, self.heat, numbering, links, notes, marking=settings.marking,
                            curly_quotes=self.curly_quotes, pictures=drawn.drawing)  # fmt: skip
        body = writer.markup(events(markdown))
        changed = {
            **skeleton.footnotes_entries(notes.part(), note_links),
            skeleton.document.member: skeleton.document.entry(body),
            skeleton.numbering.member: skeleton.numbering.entry("".join(numbering.added)),
            skeleton.rels_member: skeleton.rels_entry(links, drawn.relationships()),
            skeleton.core_member: deflated(skeleton.core_member, core_properties_xml(skeleton.core, settings)),
            skeleton.app_member: deflated(skeleton.app_member, app_properties_xml(settings.organisation)),
        }
        header, footer = (f(skeleton.reference, settings.marking) for f in (header_markup, footer_markup))
        changed |= {splice.member: splice.entry(header) for splice in skeleton.headers}
        changed |= {splice.member: splice.entry(footer) for splice in skeleton.footers}
        return skeleton.package(changed, drawn.entries(skeleton.static[CONTENT_TYPES]))


def markdown_to_docx(markdown: str, settings: DocxSettings) -> bytes:
    """Render memo Markdown to the bytes of a .docx in the reference document's house style (one memo; a build
    prepares a :class:`WordRenderer` once and renders every memo with it)."""
    problems = _heat_problems(settings.heat) + ([] if settings.marking.strip() else [_EMPTY_MARKING])
    if problems:
        raise RenderError("\n".join(problems))
    renderer = WordRenderer.of(settings.reference, settings.heat, settings.reference_name, settings.curly_quotes)
    return renderer.render(markdown, settings)


_EMPTY_MARKING = "marking: expected a marking such as 'TLP:AMBER', got an empty string"


def _heat_problems(heat: Mapping[str, str]) -> list[str]:
    """Every problem with the heat colours at once."""
    problems = []
    missing = [label for label in LEVELS if label not in heat]
    unknown = sorted(set(heat) - set(LEVELS))
    if missing or unknown:
        expected = f"heat: expected colours for exactly {list(LEVELS)}"
        problems.append(f"{expected}; missing {missing or 'none'}, unknown {unknown or 'none'}")
    problems += [
        f"heat: {label!r}: expected an RRGGBB hex colour, got {colour!r}"
        for label, colour in heat.items()
        if not x.hex_colour_ok(colour)
    ]
    return problems
