"""The document's outline: which Word style each Markdown heading gets, the anchor and bookmark of each heading, and
the table of contents.

**Levels.** The top level of a memo's sections is Heading 1, as Word's navigation pane, its own table of contents and
LibreOffice's index update expect: a level-1 heading that opens the memo (after the marking banner) and is its only
level-1 heading is the memo's title (style Title), and the other headings move up so that the highest of them is
Heading 1 (pandoc's ``--shift-heading-level-by=-1`` does the same). Levels past 4 use Heading 4. The Markdown
contents list (:mod:`briefgen.formats.contents`) uses the same rule, so both list the same headings.

**Anchors.** Each heading has the anchor GitHub gives it (``## Risk heat map`` → ``#risk-heat-map``; a repeated one
gets ``-1``, ``-2``), so that a Markdown link ``[…](#risk-heat-map)`` works in a Markdown viewer and in Word. In Word
the heading holds a bookmark named from its anchor by Word's rules (letters, digits and underscores, starting with a
letter, at most 40 characters; a name that cannot keep the anchor as it is ends in a hash of it), and a link to the
anchor is a link to that bookmark.

**Contents.** A table-of-contents field (``TOC \\o "1-2" \\h \\z \\u``, marked dirty so that Word offers to
update it) inside a ``w:sdt`` as Word writes one, holding the entries already written — one paragraph per heading 1
and 2 in the TOC 1 and TOC 2 styles, each a link to the heading's bookmark — so that it reads correctly where no
one updates fields (LibreOffice's PDF export does not). Page numbers appear where a renderer updates the index."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from briefgen.formats.docx import xml as x
from briefgen.formats.docx.typeset import typeset

CONTENTS_LEVELS = 2  # heading levels the contents lists
MAX_LEVEL = 4  # Markdown levels 5 and 6 use Heading 4
BOOKMARK_LIMIT = 40  # Word's limit on a bookmark name
_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")
_NOT_IN_BOOKMARK = re.compile(r"[^0-9A-Za-z]+")
_PLAIN_ANCHOR = re.compile(r"[a-z0-9-]+")


def anchor(text: str) -> str:
    """GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens."""
    return _NOT_IN_ANCHOR.sub("", text.strip().lower()).replace(" ", "-")


@dataclass
class Anchors:
    """Anchors made unique in document order, as GitHub does: the second ``#options`` is ``#options-1``."""

    seen: dict[str, int] = field(default_factory=dict)

    def unique(self, text: str) -> str:
        base = anchor(text)
        count = self.seen.get(base)
        self.seen[base] = 0 if count is None else count + 1
        return base if count is None else f"{base}-{count + 1}"


def bookmark(target: str) -> str:
    """The Word bookmark for an anchor: ``risk-heat-map`` → ``risk_heat_map``; a name that would not start with a
    letter gets ``h_`` before it, and one that cannot hold the anchor as it is (other characters, or too long) ends
    in eight hex digits of the anchor's hash, so that distinct anchors keep distinct bookmarks."""
    name = _NOT_IN_BOOKMARK.sub("_", target).strip("_")
    if not name[:1].isalpha():
        name = f"h_{name}".rstrip("_")
    if _PLAIN_ANCHOR.fullmatch(target) is None or len(name) > BOOKMARK_LIMIT:
        digest = hashlib.sha1(target.encode("utf-8")).hexdigest()[:8]
        name = f"{name[: BOOKMARK_LIMIT - 9].rstrip('_')}_{digest}"
    return name


def outline(levels: Sequence[int], opens: bool) -> tuple[bool, int]:
    """(whether the first heading is the memo's title, how many levels the others move up) for the Markdown levels of
    a memo's headings in order; ``opens``: the first heading is the memo's first block after its banner."""
    title = opens and bool(levels) and levels[0] == 1 and levels.count(1) == 1
    rest = levels[1:] if title else levels
    return title, (min(rest) - 1 if rest else 0)


def word_level(level: int, shift: int) -> int:
    return min(level - shift, MAX_LEVEL)


@dataclass(frozen=True)
class Heading:
    index: int  # where its paragraph start goes in the body markup
    level: int  # Markdown level
    text: str
    target: str  # its anchor, without '#'
    bookmark: str
    bookmark_id: int
    first: bool  # the memo's first block after its banner


@dataclass(frozen=True)
class ContentsStyles:
    heading: str  # TOC Heading
    levels: tuple[str, ...]  # TOC 1, TOC 2


def bookmark_start(heading: Heading) -> str:
    return f'<w:bookmarkStart w:id="{heading.bookmark_id}" w:name="{x.escape_attr(heading.bookmark)}"/>'


def bookmark_end(bookmark_id: int) -> str:
    return f'<w:bookmarkEnd w:id="{bookmark_id}"/>'


_FIELD_BEGIN = '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
_INSTRUCTION = (
    f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{CONTENTS_LEVELS}" \\h \\z \\u </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
)
_FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
_SDT_START = (
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
    "</w:docPartObj></w:sdtPr><w:sdtContent>"
)


def contents_markup(
    entries: Sequence[tuple[int, str, str]], styles: ContentsStyles, curly: bool = True, title: str = "Contents"
) -> str:
    """The table of contents for (Word level, text, bookmark) entries: its title, then the field holding one linked
    paragraph per entry, typeset as the headings are; the field ends in the last entry's paragraph."""
    parts = [_SDT_START, x.paragraph_start(styles.heading), x.run(title), x.PARAGRAPH_END]
    if not entries:
        parts += (x.paragraph_start(styles.levels[0]), _FIELD_BEGIN, _INSTRUCTION, _FIELD_END, x.PARAGRAPH_END)
    for number, (level, text, name) in enumerate(entries):
        parts.append(x.paragraph_start(styles.levels[level - 1]))
        if number == 0:
            parts += (_FIELD_BEGIN, _INSTRUCTION)
        parts += (x.hyperlink_start(anchor=name), x.run(typeset(text, curly=curly)), x.HYPERLINK_END)
        if number == len(entries) - 1:
            parts.append(_FIELD_END)
        parts.append(x.PARAGRAPH_END)
    parts.append("</w:sdtContent></w:sdt>")
    return "".join(parts)


@dataclass
class Outline:
    """The headings of one memo as its body is written; styled, and listed in the contents, once all are known."""

    headings: list[Heading] = field(default_factory=list)
    anchors: Anchors = field(default_factory=Anchors)

    def add(self, index: int, level: int, text: str, first: bool) -> int:
        """Add a heading whose paragraph starts at ``index`` of the body markup; its bookmark's id."""
        target = self.anchors.unique(text)
        number = len(self.headings) + 1
        self.headings.append(Heading(index, level, text, target, bookmark(target), number, first))
        return number

    def levels(self) -> tuple[bool, int]:
        return outline([h.level for h in self.headings], bool(self.headings) and self.headings[0].first)

    def style(self, out: list[str], style_id: Callable[[str], str]) -> None:
        """Write each heading's paragraph start, with its style and bookmark, into ``out``."""
        title, shift = self.levels()
        for number, heading in enumerate(self.headings):
            if heading.index < len(out):
                name = "Title" if title and number == 0 else f"Heading {word_level(heading.level, shift)}"
                out[heading.index] = x.paragraph_start(style_id(name)) + bookmark_start(heading)

    def contents(self, styles: ContentsStyles, curly: bool = True) -> str:
        """The table of contents: every heading of levels 1 and 2, the memo's title aside."""
        title, shift = self.levels()
        entries = [
            (level, heading.text, heading.bookmark)
            for number, heading in enumerate(self.headings)
            if not (title and number == 0) and (level := word_level(heading.level, shift)) <= CONTENTS_LEVELS
        ]
        return contents_markup(entries, styles, curly)
