"""A paragraph's inline events as runs: text (typeset: :mod:`~briefgen.formats.docx.typeset`), bold, italic and
struck-through spans, inline code, links (to the web, or to a heading's bookmark), images as their description (or,
where the writer draws the image's target, a chart, as that drawing), and footnote references. Text next to raw HTML
joins one run, as markdown-it gave it (one text token) when it read HTML as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import unquote

from briefgen.formats.docx import xml as x
from briefgen.formats.docx.links import link_target
from briefgen.formats.docx.outline import bookmark
from briefgen.formats.docx.parse import Event
from briefgen.formats.docx.typeset import typeset

if TYPE_CHECKING:
    from briefgen.formats.docx.body import BodyWriter

_TEXT = frozenset({"Text", "Code", "InlineHtml"})


class Inline:
    """Runs (and hyperlinks) for one paragraph or table cell at a time."""

    def __init__(self, writer: BodyWriter) -> None:
        self.writer = writer
        self.out = writer.out
        self.reset()

    def reset(self, colour: str | None = None) -> None:
        self.bold = self.italic = self.strike = 0
        self.colour = colour
        self.link_style: str | None = None
        self.linked = False  # a hyperlink element is open
        self.pending: list[str] = []
        self.image: list[str] | None = None  # an image's alt text, collected: it shows as one plain run
        self.image_target = ""  # ... unless the writer draws what the image's target stands for (a chart)
        self.before = ""  # the text written last in this paragraph (its last character decides a quote's side)
        self.all_bold = True  # every character so far was bold (a run-in heading such as "**Pros**")
        self.wrote = False

    def event(self, event: Event) -> None:
        if self.image is not None and event != {"End": "Image"}:
            if type(event) is dict and next(iter(event)) in _TEXT:
                self.image.append(next(iter(event.values())))
            return
        if type(event) is str:
            self.flush()
            if event == "SoftBreak":
                self._run(" ")
            else:
                self.out.append(x.LINE_BREAK)
            return
        ((kind, value),) = event.items()
        if kind in ("Text", "InlineHtml"):
            self.pending.append(value)
            return
        self.flush()
        if kind == "Code":
            self._run(value, self.link_style or self.writer.style("Code Char"), typeset_text=False)
        elif kind == "Start":
            self._start(value)
        elif kind == "End":
            self._end(value)
        elif kind == "FootnoteReference":
            self._note(value)
        else:  # anything else the parser may show (with no extension on, nothing does): as its text
            self._run(str(value))

    def _start(self, tag: str | dict[str, dict[str, str]]) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name == "Strong":
            self.bold += 1
        elif name == "Emphasis":
            self.italic += 1
        elif name == "Strikethrough":
            self.strike += 1
        elif name == "Image":
            assert isinstance(tag, dict)
            self.image, self.image_target = [], str(tag["Image"]["dest_url"])
        elif name == "Link":
            assert isinstance(tag, dict)
            self._open_link(tag["Link"])

    def _end(self, tag: str | dict[str, object]) -> None:
        name = tag if type(tag) is str else next(iter(tag))
        if name == "Strong":
            self.bold -= 1
        elif name == "Emphasis":
            self.italic -= 1
        elif name == "Strikethrough":
            self.strike -= 1
        elif name == "Image":
            alt, self.image = "".join(self.image or ()), None
            pictures = self.writer.pictures
            drawn = pictures(self.image_target) if pictures else None
            if drawn:
                self.out.append(drawn)
                self.wrote, self.all_bold = True, False
            else:
                self._run(alt)
        elif name == "Link":
            if self.linked:
                self.out.append(x.HYPERLINK_END)
            self.link_style, self.linked = None, False

    def _open_link(self, link: Mapping[str, object]) -> None:
        """Open a hyperlink; an empty or unsafe target (``javascript:``...) shows its text without a link. A link to
        ``#anchor`` goes to the bookmark of the heading with that anchor."""
        url = str(link["dest_url"])
        href = link_target(f"mailto:{url}" if link["link_type"] == "Email" else url)
        if not href:
            return
        if href.startswith("#"):
            self.out.append(x.hyperlink_start(anchor=bookmark(unquote(href[1:]))))
        else:
            links = self.writer.notes.links if self.writer.in_note else self.writer.links  # a note's part has its own
            self.out.append(x.hyperlink_start(rel_id=links.external(href)))
        self.link_style, self.linked = self.writer.style("Hyperlink"), True

    def _note(self, label: str) -> None:
        notes = self.writer.notes
        if self.writer.in_note:  # Word has no note inside a note: its label stays as text
            self._run(f"[^{label}]")
        else:
            self.out.append(notes.reference(label, self.colour))

    def flush(self) -> None:
        if self.pending:
            text = "".join(self.pending)
            self.pending = []
            self._run(text)

    def _run(self, text: str, style_id: str | None = None, typeset_text: bool = True) -> None:
        if not text:
            return
        if typeset_text:
            text = typeset(text, self.before, self.writer.curly_quotes)
        self.before = text
        self.wrote = True
        if self.bold <= 0 and not text.isspace():
            self.all_bold = False
        self.out.append(x.run(text, style_id=style_id or self.link_style, bold=self.bold > 0,
                              italic=self.italic > 0, strike=self.strike > 0, colour=self.colour))  # fmt: skip
