"""Stage 2, validate: portion marks written into text.

A portion mark is honoured in one place only: ``(TLP:…)`` opening a paragraph of an option's description, followed
by the text it marks. Anywhere else — later in a paragraph, on a continuation line, in bold, in lower case, in square
brackets, in a pro, a risk, a memo point, a claim, a source's title or a criterion's description — briefgen would
print it as plain text and mark the portion by its ``marking:`` field and evidence instead (or not at all: a criterion
or a source title is no portion), so an analyst who wrote ``(TLP:RED)`` would see the text go to an audience it was not
meant for. Refuse all such marks, and a mark alone in its paragraph (it marks nothing), naming where they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from briefgen.errors import Problem, shown
from briefgen.inputs.load import Document, Loc, field_path
from briefgen.inputs.model import PORTION_MARK, description_paragraphs
from briefgen.inputs.scales import WRITTEN_MARK, Marking

_HIDDEN = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)  # an HTML comment shows nothing
_FOOTNOTE = re.compile(r"(?<!\\)\[\^[^\]\n]*\]")  # [^1] or [^1]: — a footnote reference or definition
_BARE_MARKING = re.compile(r"[*_\s]*TLP\s*:\s*[A-Z+]+[*_\s]*", re.IGNORECASE)  # **TLP:CLEAR** alone: a banner
_MARKINGS = ", ".join(m.value for m in Marking)


def check_option_text(doc: Document) -> Iterator[Problem]:
    """Portion marks in an option file: the description's paragraph openers must be valid; no others anywhere."""
    if not doc.may_mark:
        return
    data = doc.data if isinstance(doc.data, dict) else {}
    description = data.get("description")
    if isinstance(description, str):
        yield from _description(doc, description)
    for key, value in data.items():
        if key != "description":
            yield from _strings(doc, (str(key),), value, "set the portion's marking: field instead")


def check_description_notes(doc: Document) -> Iterator[Problem]:
    """No Markdown footnote in an option's description: the memo numbers its footnotes itself (``cite()``), so a
    ``[^1]`` there would cite whatever note 1 is, and a ``[^1]: ...`` definition, coming first, would replace that
    note's text (a forged citation) in Word and HTML. Nor a paragraph that is only a marking (``**TLP:CLEAR**``):
    the description is Markdown printed as it stands, so it would read as a banner in the middle of the memo."""
    data = doc.data if isinstance(doc.data, dict) else {}
    description = data.get("description")
    if not isinstance(description, str) or ("[^" not in description and "tlp" not in description.lower()):
        return
    for number, paragraph in enumerate(description_paragraphs(description), start=1):
        if _BARE_MARKING.fullmatch(paragraph):
            yield _problem(
                doc,
                ("description",),
                f"paragraph {number}: a marking alone in a paragraph ({paragraph.strip()!r}) reads as the memo's "
                "banner in the middle of it: leave it out (the memo is marked from what it shows)",
            )
            continue
        found = _FOOTNOTE.search(paragraph)
        if found:
            yield _problem(
                doc,
                ("description",),
                f"paragraph {number}: footnote {found.group(0)!r} would take one of the memo's numbered notes: "
                "cite evidence in a pro, con or other portion instead (or write \\[^…] for the characters)",
            )


def check_text(doc: Document, root: Loc, hint: str) -> Iterator[Problem]:
    """No portion marks written into any text under ``root`` (memos in the brief file, records in evidence)."""
    if not doc.may_mark:
        return
    value: Any = doc.data
    for part in root:
        value = value.get(part) if isinstance(value, dict) else None
    yield from _strings(doc, root, value, hint)


def _description(doc: Document, description: str) -> Iterator[Problem]:
    for number, paragraph in enumerate(description_paragraphs(description), start=1):
        opener = PORTION_MARK.match(paragraph)
        rest = paragraph
        if opener and opener.group(1) in {m.value for m in Marking}:
            rest = paragraph[opener.end() :]
            if not any(char.isalnum() for char in _HIDDEN.sub("", rest)):
                yield _problem(
                    doc,
                    ("description",),
                    f"paragraph {number}: portion mark ({opener.group(1)}) marks nothing: put the text it marks "
                    "after it, in the same paragraph",
                )
                continue
        elif opener:
            yield _problem(
                doc,
                ("description",),
                f"paragraph {number}: portion mark: expected one of {_MARKINGS}, got {shown(opener.group(1))}",
            )
            rest = paragraph[opener.end() :]
        found = WRITTEN_MARK.search(rest)
        if found:
            yield _problem(
                doc,
                ("description",),
                f"paragraph {number}: portion mark {found.group(0)!r} would be ignored: a mark counts only as the "
                f"first thing in a paragraph, written exactly like (TLP:AMBER), with a blank line before it",
            )


def _strings(doc: Document, loc: Loc, value: Any, hint: str) -> Iterator[Problem]:
    if isinstance(value, str):
        found = WRITTEN_MARK.search(value)
        if found:
            yield _problem(doc, loc, f"portion mark {found.group(0)!r} in text would be ignored: {hint}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(doc, (*loc, str(key)), item, hint)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(doc, (*loc, i), item, hint)


def _problem(doc: Document, loc: Loc, message: str) -> Problem:
    return Problem(doc.path, doc.line_of(loc), field_path(loc), message)
