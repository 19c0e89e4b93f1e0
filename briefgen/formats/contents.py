"""The contents of a memo in its Markdown: ``{{ contents() }}`` in a template prints a directive, which the finished
Markdown replaces with a list of links to the memo's headings of levels 1 and 2 (as Word counts them: the memo's
title aside, its top sections level 1; :mod:`briefgen.formats.docx.outline`), each to the anchor a Markdown viewer
gives the heading. The list stands between ``<!-- briefgen:contents -->`` and ``<!-- /briefgen:contents -->``
(comments a viewer hides), where the Word stage writes its table of contents instead. ``|anchor`` gives the same
anchor for a heading's text, for links to a section (``[…]({{ heading | anchor }})``)."""

from __future__ import annotations

import re

from briefgen.formats.filters import escape_md

DIRECTIVE = "<!-- briefgen:contents -->"
END = "<!-- /briefgen:contents -->"
TITLE = "Contents"


def contents() -> str:
    """What a template prints where the contents go."""
    return DIRECTIVE


def anchor_filter(text: object) -> str:
    """``|anchor``: ``#`` and the anchor of a heading reading ``text``."""
    from briefgen.formats.docx.outline import anchor

    return f"#{anchor(str(text))}"


def expand(markdown: str, marking: str) -> str:
    """``markdown`` with each contents directive (a line of its own) replaced by the contents."""
    if DIRECTIVE not in markdown:
        return markdown
    lines = markdown.split("\n")
    if DIRECTIVE not in lines:
        return markdown
    block = _contents(markdown, marking)
    return "\n".join(block if line == DIRECTIVE else line for line in lines)


def _contents(markdown: str, marking: str) -> str:
    from briefgen.formats.docx.outline import CONTENTS_LEVELS, Anchors, outline, word_level

    headings, opens = _headings(markdown, marking)
    title, shift = outline([level for level, _ in headings], opens)
    anchors = Anchors()
    items = []
    for number, (level, text) in enumerate(headings):
        target = anchors.unique(text)
        depth = word_level(level, shift)
        if not (title and number == 0) and depth <= CONTENTS_LEVELS:
            items.append(f"{'  ' * (depth - 1)}- [{escape_md(text)}](#{target})")
    body = "\n".join(items)
    return f"{DIRECTIVE}\n\n**{TITLE}**\n\n{body}\n\n{END}" if items else f"{DIRECTIVE}\n\n**{TITLE}**\n\n{END}"


# Patterns open with the newline before a line, so that a scan skips from one line to the next.
_ATX = re.compile(r"\n {0,3}(#{1,6})(?:[ \t]+([^\n]*?))?(?:[ \t]+#+)?[ \t]*(?=\n|\Z)")
# What a line-by-line reading could get wrong: code, HTML, quotes, setext underlines and rules, headings in lists or
# indented; and heading text with inline markup. Markdown holding any of them is parsed in full.
_UNCLEAR = re.compile(
    r"\n(?: {0,3}(?:```|~~~|<(?!!-- /?briefgen:)|>|[=-]+[ \t]*(?=\n|\Z)|[-*+] +#|\d+[.)] +#)| {4,}#|\t)"
)
_MARKUP = re.compile(r"(?<!\\)[*_`\[\]<&!~]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _headings(markdown: str, marking: str) -> tuple[list[tuple[int, str]], bool]:
    """The headings as :func:`_parsed_headings` finds them, read from the lines where that is sure (templates write
    plain ATX headings, and escaped data cannot make one), which takes a tenth of the time."""
    lines = markdown.split("\n", 2)
    if len(lines) < 3 or lines[1].strip() or _UNCLEAR.search(markdown):
        return _parsed_headings(markdown, marking)
    found = [(len(m.group(1)), m.group(2) or "", m.start() + 1) for m in _ATX.finditer(markdown)]
    if any(_MARKUP.search(text) for _, text, _ in found):
        return _parsed_headings(markdown, marking)
    rest = lines[2]
    first_block = len(markdown) - len(rest) + (len(rest) - len(rest.lstrip("\n")))
    if markdown.startswith("[^", first_block):  # a footnote definition first: no block of the memo's
        return _parsed_headings(markdown, marking)
    headings = [(level, _ESCAPED.sub(r"\1", text).strip()) for level, text, _ in found]
    return headings, bool(found) and found[0][2] == first_block


def _parsed_headings(markdown: str, marking: str) -> tuple[list[tuple[int, str]], bool]:
    """Every heading's (Markdown level, text), in order, as the Word stage reads them (a heading in a footnote is
    none), and whether the first is the memo's first block after its banner (which the Word stage drops)."""
    from briefgen.formats.docx.parse import events

    label = marking.strip().upper()
    headings: list[tuple[int, str]] = []
    firsts: list[bool] = []
    depth = blocks = notes = level = 0
    text: list[str] = []  # the text of the first block or of a heading
    for event in events(markdown):
        if type(event) is not dict:
            continue
        ((kind, value),) = event.items()
        name = value if type(value) is str else next(iter(value), "")
        if kind == "Start":
            if depth == 0 and name != "FootnoteDefinition":
                blocks += 1
                text = []
            notes += name == "FootnoteDefinition"
            if name == "Heading" and not notes:
                level, text = int(value["Heading"]["level"][1:]), []
            depth += 1
        elif kind == "End":
            depth -= 1
            notes -= name == "FootnoteDefinition"
            first = depth == 0 and blocks == 1
            if first and name in ("Paragraph", "Heading") and "".join(text).strip().upper() == label:
                blocks = 0  # the banner
            elif name == "Heading" and not notes:
                headings.append((level, "".join(text)))
                firsts.append(first)
        elif kind in ("Text", "Code", "InlineHtml"):
            text.append(value)
    return headings, bool(firsts) and firsts[0]
