"""Word footnotes from Markdown footnotes (``text[^1]`` … ``[^1]: the note``), as pandoc writes them.

Each reference in the text is a run in the FootnoteReference style holding ``w:footnoteReference``; its note, in
``word/footnotes.xml``, is the definition's paragraphs in the FootnoteText style, the first opening with a
``w:footnoteRef`` run (the number, in the same style) and a space. Notes are numbered 1, 2, … in reading order; a
definition referenced twice gives two notes (a Word note belongs to one reference), and a definition never
referenced gives none. The part opens with the separator notes Word requires, ids -1 and 0, which hold no
``w:footnoteRef``; ``settings.xml`` names them in ``w:footnotePr`` (:mod:`~briefgen.formats.docx.skeleton`).
Links inside notes get relationships of the footnotes part's own."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.formats.docx import xml as x
from briefgen.formats.docx.links import Links

MARK = "\x00"  # where a note's number goes in its first paragraph; no escaped text holds a NUL
_NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_SINGLE = '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
SEPARATORS = (
    f'<w:footnote w:type="separator" w:id="-1"><w:p>{_SINGLE}<w:r><w:separator/></w:r></w:p></w:footnote>'
    f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p>{_SINGLE}'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
)
FOOTNOTES_START = f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:footnotes {_NAMESPACES}>"
FOOTNOTES_END = "</w:footnotes>"
FOOTNOTE_SETTINGS = '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'


def reference_run(style_id: str, note_id: int, colour: str | None = None) -> str:
    """The run in the text that refers to note ``note_id``."""
    tint = f'<w:color w:val="{colour}"/>' if colour else ""
    style = f'<w:rStyle w:val="{x.escape_attr(style_id)}"/>'
    return f'<w:r><w:rPr>{style}{tint}</w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'


@dataclass
class Notes:
    """The notes of one memo as its body is written: references in reading order, definitions by label."""

    reference_style: str  # FootnoteReference
    text_style: str  # FootnoteText
    links: Links  # the footnotes part's relationships
    references: list[str] = field(default_factory=list)  # the label of each reference; note id = position + 1
    definitions: dict[str, str] = field(default_factory=dict)  # label -> its paragraphs, MARK where the number goes

    def reference(self, label: str, colour: str | None = None) -> str:
        self.references.append(label)
        return reference_run(self.reference_style, len(self.references), colour)

    def define(self, label: str, markup: str) -> None:
        """A definition's paragraphs; the first definition of a label counts, as in CommonMark."""
        if MARK not in markup:  # no paragraph of its own to hold the number (empty, or a table first)
            markup = x.paragraph_start(self.text_style) + MARK + x.PARAGRAPH_END + markup
        self.definitions.setdefault(label, markup)

    def part(self) -> bytes:
        """``word/footnotes.xml``: the separators, then one note per reference."""
        number = self._number_run()
        bare = x.paragraph_start(self.text_style) + MARK + x.PARAGRAPH_END
        notes = [
            f'<w:footnote w:id="{index}">{self.definitions.get(label, bare).replace(MARK, number)}</w:footnote>'
            for index, label in enumerate(self.references, start=1)
        ]
        return (FOOTNOTES_START + SEPARATORS + "".join(notes) + FOOTNOTES_END).encode("utf-8")

    def _number_run(self) -> str:
        style = x.escape_attr(self.reference_style)
        return f'<w:r><w:rPr><w:rStyle w:val="{style}"/></w:rPr><w:footnoteRef/></w:r>{x.run(" ")}'
