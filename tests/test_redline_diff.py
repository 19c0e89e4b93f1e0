"""The redline engines on their own: the word diff (and the autojunk trap), block alignment, the CriticMarkup redline
(accept and reject give back the two versions) and the Word redline (accept-all gives the new version paragraph by
paragraph, reject-all the old; a one-word edit is a one-word change; a reordered risk is a move of one row; the same
inputs give the same bytes; withheld material shows as ``[withheld]`` and nothing else)."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import briefgen
from briefgen.builder.outputs import word_renderer
from briefgen.formats.critic import accept, blocks, critic_markup, masked, redline, reject
from briefgen.formats.diffing import Block, align, changed, tokens, word_diff
from briefgen.formats.docx.document import DocxSettings, WordRenderer
from briefgen.formats.docx.redline import RedlineSettings, redline_docx

REPO = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = "2026-11-24T00:00:00Z"


# ---------------------------------------------------------------- the word diff


def _paragraph_of(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = ["the", "of", "and", "lease", "risk", "Baikonur", "Russia", "a", "to", "in", "launch", "site"]
    return [rng.choice(vocabulary) for _ in range(count)]


def test_three_edits_in_3000_words_are_three_small_changes_not_one_of_2900() -> None:
    """The issue's case: with difflib's default autojunk, the frequent words of a 3,000-word paragraph are junk and
    three edits come out as one change spanning nearly all of it; briefgen's diff shows the three."""
    words = _paragraph_of(3000, 7)
    edited = list(words)
    for index, replacement in ((400, "Vostochny"), (1500, "Baiterek"), (2600, "Soyuz")):
        edited[index] = replacement
    old, new = tokens(" ".join(words)), tokens(" ".join(edited))
    junked = [op for op in SequenceMatcher(None, old, new).get_opcodes() if op[0] != "equal"]
    assert max(i2 - i1 for _, i1, i2, _, _ in junked) > 2000  # the trap, as the issue describes it
    chunks = word_diff(old, new)
    assert changed(chunks) == 6  # three words deleted, three inserted
    assert [c.op for c in chunks if c.op != "equal"] == ["delete", "insert"] * 3


def test_words_keep_their_space_and_join_back() -> None:
    text = "Russia pays $115 million — a year, under R-CIV-1's lease.\nNext line"
    assert "".join(tokens(text)) == text
    assert "R-CIV-1's " in tokens(text)


def test_a_moved_block_is_one_deletion_and_one_insertion() -> None:
    def block(key: str) -> Block:
        return Block("row", key, f"text of {key}")

    old = [block(k) for k in ("R-1", "R-2", "R-3", "R-4", "R-5")]
    new = [block(k) for k in ("R-1", "R-3", "R-4", "R-2", "R-5")]
    pairs = align(old, new)
    assert sum(1 for i, j in pairs if i is not None and j is not None) == 4
    assert [(i, j) for i, j in pairs if i is None or j is None] in ([(1, None), (None, 3)], [(None, 3), (1, None)])


def test_blocks_between_matches_pair_by_shared_words() -> None:
    old = [Block("p", "a", "the lease runs to 2050 at 115 million"), Block("p", "b", "something else entirely")]
    new = [Block("p", "a2", "the lease runs to 2050 at 120 million"), Block("p", "c", "a brand new paragraph here")]
    assert align(old, new) == [(0, 0), (1, None), (None, 1)]


# ---------------------------------------------------------------- CriticMarkup


@cache
def sample_markdown() -> str:
    brief = briefgen.load(REPO)
    text = briefgen.render(brief, "kazakhstan-space", "working-level", "md")
    assert isinstance(text, str)
    return text


def _normal(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _swap_rows(text: str, first: str) -> str:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"| {first} "))
    lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return "\n".join(lines)


def edits() -> dict[str, Callable[[str], str]]:
    return {
        "one word": lambda t: t.replace("a reported $115 million a year", "a reported $120 million a year"),
        "row moved": lambda t: _swap_rows(t, "R-SQ-2"),
        "paragraph deleted": lambda t: re.sub(r"\n\n## Assumptions\n\n- [^\n]*", "\n\n## Assumptions\n", t),
        "paragraph inserted": lambda t: t.replace("## Assumptions\n\n", "## Assumptions\n\n- A new assumption.\n"),
        "heading renamed": lambda t: t.replace("## Background", "## Context"),
    }


@pytest.mark.parametrize("name", sorted(edits()))
def test_critic_markup_accepts_to_the_new_version_and_rejects_to_the_old(name: str) -> None:
    old = sample_markdown()
    new = edits()[name](old)
    assert new != old
    markup = critic_markup(redline(old, new))
    assert accept(markup) == _normal(new)
    assert reject(markup) == _normal(old)


def test_critic_markup_of_a_one_word_edit_marks_that_word() -> None:
    old = sample_markdown()
    new = edits()["one word"](old)
    red = redline(old, new)
    assert red.changes == 1
    markup = critic_markup(red)
    assert re.findall(r"\{(--|\+\+)(.*?)(--|\+\+)\}", markup) == [("--", "115", "--"), ("++", "120", "++")]


def test_a_changed_number_is_one_change_not_digits_either_side_of_its_point() -> None:
    old = "# Paper\n\n| Option | Rank 1 | Score |\n|---|---|---|\n| Alpha | 5.5% | 3.50 |\n\nCosts 1,200 dollars.\n"
    new = old.replace("5.5%", "0.1%").replace("3.50", "3.70").replace("1,200", "1,900")
    markup = critic_markup(redline(old, new))
    assert "| {--5.5--}{++0.1++}% | {--3.50--}{++3.70++} |" in markup
    assert "Costs {--1,200--}{++1,900++} dollars." in markup
    assert accept(markup) == _normal(new) and reject(markup) == _normal(old)


def test_a_reordered_risk_is_one_row_deleted_and_one_inserted() -> None:
    old = sample_markdown()
    markup = critic_markup(redline(old, edits()["row moved"](old)))
    changed_lines = [line for line in markup.split("\n") if "{--" in line or "{++" in line]
    assert len(changed_lines) == 2
    assert {re.sub(r"\{(--|\+\+)|(--|\+\+)\}", "", line) for line in changed_lines} == {
        next(line for line in old.split("\n") if line.startswith("| R-SQ-3 "))
    }


_WORDS = st.sampled_from(["lease", "Russia", "risk", "launch", "site", "the", "of", "115", "2050", "Baikonur"])
_LINES = st.lists(st.lists(_WORDS, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=8)


@given(old=_LINES, new=_LINES, kinds=st.lists(st.sampled_from(["para", "item", "row"]), min_size=8, max_size=8))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_two_versions_round_trip_through_critic_markup(old: list[str], new: list[str], kinds: list[str]) -> None:
    def markdown(lines: Sequence[str]) -> str:
        """Paragraphs, list items and table rows as templates write them: a blank line between blocks, none between
        the items of a list or the rows of a table."""
        out = "**TLP:CLEAR**\n\n## Section"
        for index, line in enumerate(lines):
            kind = kinds[index]
            tight = index and kind == kinds[index - 1] and kind != "para"
            start = "| - | - |\n|---|---|\n" if kind == "row" and not tight else ""
            block = f"- {line}" if kind == "item" else f"| {line} | x |" if kind == "row" else line
            out += ("\n" if tight else "\n\n") + start + block
        return out + "\n"

    a, b = markdown(old), markdown(new)
    markup = critic_markup(redline(a, b))
    assert _blocks_text(accept(markup)) == _blocks_text(b)
    assert _blocks_text(reject(markup)) == _blocks_text(a)


def _blocks_text(text: str) -> list[str]:
    return [" ".join(b.text.split()) for b in blocks(text) if b.kind != "sep"]


def test_a_deleted_block_resting_on_withheld_material_shows_no_words() -> None:
    old = (
        "**TLP:GREEN**\n\n## Why\n\n- Pelicans nest near the quarry. [1]\n- Open text. [2]\n\n"
        "## Sources\n\n1. Pelican Review.\n2. Open Review.\n"
    )
    new = "**TLP:CLEAR**\n\n## Why\n\n- Open text. [1]\n\n## Sources\n\n1. Open Review.\n"

    def covers(text: str, headings: Sequence[str]) -> bool:
        return "[1]" in text or text.startswith("1. ")

    markup = critic_markup(redline(old, new, covers))
    assert "Pelican" not in markup
    assert markup.count("{--[withheld]--}") == 2
    assert "Pelican" not in masked(old, covers)


# ---------------------------------------------------------------- Word


@cache
def renderer() -> WordRenderer:
    return word_renderer(briefgen.load(REPO))


def docx_of(markdown: str) -> bytes:
    word = renderer()
    return word.render(markdown, DocxSettings(reference=b"", marking="TLP:AMBER+STRICT", heat=word.heat, title="t"))


def headings() -> dict[str, int]:
    styles = renderer().skeleton.reference.style_ids
    return {styles[f"Heading {n}"]: n for n in range(1, 5)}


def word_redline(old: str, new: str, covers: Callable[[str, Sequence[str]], bool] | None = None) -> bytes:
    ids = frozenset(re.findall(r"\b(?:E|R-[A-Z]+)-\d+\b", old + new))
    return redline_docx(docx_of(old), docx_of(new), RedlineSettings(DATE, covers=covers, ids=ids, headings=headings()))


def body_of(docx: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    assert body is not None
    return body


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def resolved(body: etree._Element, keep: str) -> list[str]:
    """The text of each paragraph once every change is accepted (``keep="ins"``) or rejected (``keep="del"``):
    the other kind's runs, and paragraphs and rows whose mark or row it deleted or inserted, removed."""
    body = etree.fromstring(etree.tostring(body))
    for contents in list(body.iter(f"{W}sdt")):  # the contents field: written anew for each version, not tracked
        _remove(contents)
    drop = "del" if keep == "ins" else "ins"
    for row in list(body.iter(f"{W}tr")):
        if row.find(f"{W}trPr/{W}{drop}") is not None:
            _remove(row)
    for paragraph in list(body.iter(f"{W}p")):
        if paragraph.find(f"{W}pPr/{W}rPr/{W}{drop}") is not None:
            _remove(paragraph)
    for change in list(body.iter(f"{W}{drop}")):
        parent = change.getparent()
        if parent is not None and parent.tag not in (f"{W}rPr", f"{W}trPr"):
            parent.remove(change)
    texts = []
    for paragraph in body.iter(f"{W}p"):
        texts.append("".join(t.text or "" for t in paragraph.iter(f"{W}t", f"{W}delText")))
    return texts


def paragraphs(docx: bytes) -> list[str]:
    return resolved(body_of(docx), "ins")


@pytest.mark.parametrize("name", sorted(edits()))
def test_word_redline_accepts_to_the_new_version_and_rejects_to_the_old(name: str) -> None:
    old = sample_markdown()
    new = edits()[name](old)
    red = word_redline(old, new)
    assert resolved(body_of(red), "ins") == paragraphs(docx_of(new))
    assert resolved(body_of(red), "del") == paragraphs(docx_of(old))


def changes(docx: bytes) -> tuple[list[str], list[str]]:
    """The text deleted and the text inserted, change by change."""
    body = body_of(docx)
    deleted = ["".join(t.text or "" for t in d.iter(f"{W}delText")) for d in body.iter(f"{W}del")]
    inserted = ["".join(t.text or "" for t in i.iter(f"{W}t")) for i in body.iter(f"{W}ins")]
    return [d for d in deleted if d], [i for i in inserted if i]


def test_a_one_word_edit_in_a_3000_word_paper_is_a_one_word_change() -> None:
    rng = random.Random(3)
    paragraphs_ = [" ".join(_paragraph_of(rng.randint(60, 140), seed)) + "." for seed in range(30)]
    old = "**TLP:CLEAR**\n\n# Paper\n\n" + "\n\n".join(paragraphs_) + "\n"
    assert len(old.split()) >= 3000
    target = paragraphs_[17].split()
    target[40] = "Vostochny"
    new = old.replace(paragraphs_[17], " ".join(target))
    deleted, inserted = changes(word_redline(old, new))
    assert len(deleted) == len(inserted) == 1
    assert len(deleted[0].split()) <= 2 and inserted[0].strip() == "Vostochny"


def test_a_reordered_risk_is_a_move_of_one_row_in_word() -> None:
    old = sample_markdown()
    red = body_of(word_redline(old, edits()["row moved"](old)))
    deleted = [r for r in red.iter(f"{W}tr") if r.find(f"{W}trPr/{W}del") is not None]
    inserted = [r for r in red.iter(f"{W}tr") if r.find(f"{W}trPr/{W}ins") is not None]
    assert len(deleted) == len(inserted) == 1

    def text(row: etree._Element) -> str:
        def piece(t: etree._Element) -> str:
            return "-" if t.tag == f"{W}noBreakHyphen" else t.text or ""

        return "|".join(
            "".join(map(piece, c.iter(f"{W}t", f"{W}delText", f"{W}noBreakHyphen"))) for c in row.iter(f"{W}tc")
        )

    assert text(deleted[0]) == text(inserted[0])
    assert text(deleted[0]).startswith("R-SQ-3|")
    assert sum(1 for _ in red.iter(f"{W}ins")) == 1 + 7  # the row, and the runs of its seven cells


def test_word_redlines_are_byte_identical_and_number_changes_once() -> None:
    old = sample_markdown()
    new = edits()["paragraph inserted"](edits()["one word"](old))
    first, second = word_redline(old, new), word_redline(old, new)
    assert first == second
    body = body_of(first)
    ids = [int(e.get(f"{W}id", "0")) for e in body.iter(f"{W}ins", f"{W}del")]
    assert sorted(ids) == list(range(1, len(ids) + 1))  # one counter: every id once
    assert {e.get(f"{W}author") for e in body.iter(f"{W}ins", f"{W}del")} == {"briefgen"}
    assert {e.get(f"{W}date") for e in body.iter(f"{W}ins", f"{W}del")} == {DATE}


def test_a_withheld_deletion_in_word_has_no_words_in_any_part() -> None:
    new = sample_markdown()
    old = new.replace("## Background\n\n", "## Background\n\n- Pelicans nest near the quarry at Site 45.\n")

    def covers(text: str, headings: Sequence[str]) -> bool:
        return "Pelicans" in text

    red = word_redline(old, new, covers)
    with zipfile.ZipFile(io.BytesIO(red)) as package:
        for name in package.namelist():
            assert b"quarry" not in package.read(name), name
    deleted, _ = changes(red)
    assert "[withheld]" in deleted


def test_footnotes_are_compared_copied_when_deleted_and_marked_when_inserted() -> None:
    """Word footnotes (the Word writer may write them): a note whose reference stays is compared word by word, one
    whose reference was deleted is copied in under a new id, deleted."""
    old_md = "**TLP:CLEAR**\n\nFirst claim.\n\nSecond claim.\n"
    new_md = "**TLP:CLEAR**\n\nFirst claim.\n\nSecond claim, revised.\n"
    old = _with_notes(docx_of(old_md), {"First claim.": ("1", "Keranen 2025, B2. E-1."), "Second": ("2", "Gone note.")})
    new = _with_notes(docx_of(new_md), {"First claim.": ("1", "Keranen 2026, B2. E-1.")})
    red = redline_docx(old, new, RedlineSettings(DATE))
    with zipfile.ZipFile(io.BytesIO(red)) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
        document = package.read("word/document.xml")
    texts = {n.get(f"{W}id"): n for n in notes.iter(f"{W}footnote")}
    first = texts["1"]
    assert ["".join(t.text or "" for t in d.iter(f"{W}delText")) for d in first.iter(f"{W}del")] == ["2025"]
    assert ["".join(t.text or "" for t in i.iter(f"{W}t")) for i in first.iter(f"{W}ins")] == ["2026"]
    copied = [n for i, n in texts.items() if i not in ("-1", "0", "1")]
    assert len(copied) == 1 and "".join(t.text or "" for t in copied[0].iter(f"{W}delText")) == " Gone note."
    assert f'w:footnoteReference w:id="{copied[0].get(f"{W}id")}"'.encode() in document


def _with_notes(docx: bytes, notes: dict[str, tuple[str, str]]) -> bytes:
    """``docx`` with a footnote after the first run of each paragraph starting with a key, as pandoc writes them."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    document = etree.fromstring(parts["word/document.xml"])
    for paragraph in document.iter(f"{W}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        for start, (ident, _) in notes.items():
            if text.startswith(start):
                reference = etree.SubElement(paragraph, f"{W}r")
                etree.SubElement(reference, f"{W}footnoteReference").set(f"{W}id", ident)
    parts["word/document.xml"] = etree.tostring(document)
    body = "".join(
        f'<w:footnote w:id="{ident}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r>'
        "</w:p></w:footnote>"
        for ident, text in notes.values()
    )
    parts["word/footnotes.xml"] = (
        '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        f"</w:footnote>{body}"
        "</w:footnotes>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def test_libreoffice_opens_the_redline_and_its_pdf_shows_the_changes(pdf_of: Callable[[bytes], str]) -> None:
    old = sample_markdown()
    new = old.replace("a reported $115 million a year", "a reported $120 million a year")
    new = new.replace("## Assumptions\n\n", "## Assumptions\n\n- Quokkas will approve the launch schedule.\n")
    text = " ".join(pdf_of(word_redline(old, new)).split())
    assert "$115 120 million a year" in text  # the deleted word struck through beside the inserted one
    assert "Quokkas will approve the launch schedule." in text
