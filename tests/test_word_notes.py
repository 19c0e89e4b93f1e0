"""The memo as an office hands it up, in the Word file itself: footnotes (from Markdown footnotes and from cite()),
the contents field with its entries and bookmarks, cross-links, the typography a reader notices, the marking shown
once per page, shared table widths, keep-with-next. LibreOffice's reading of them is in test_word_judge."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from briefs import BRIEF, build_tree
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from test_render_docx import W, render, styles_of, val, xpath

from briefgen.builder.run import build
from briefgen.errors import TemplateError
from briefgen.formats.contents import expand
from briefgen.formats.docx.outline import Anchors, anchor, bookmark
from briefgen.formats.docx.typeset import typeset
from briefgen.inputs.project import load

NOTES = """\
**TLP:AMBER**

# Memo

## First

A claim.[^a] Another, citing two.[^b] The first again.[^a]

| Cell | Note |
|---|---|
| x[^b] | y |

## Second

[^a]: Note A with [a link](https://example.org/a) and [a section](#second).
[^b]: Note B.

    Its second paragraph.
[^unused]: Never referenced.

**TLP:AMBER**
"""


def part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def note_texts(data: bytes) -> dict[str, str]:
    notes = part(data, "word/footnotes.xml")
    return {
        str(note.get(W + "id")): "".join(xpath(note, ".//w:t/text()")).strip()
        for note in xpath(notes, "w:footnote[not(@w:type)]")
    }


# --- footnotes --------------------------------------------------------------------------------------------------------


def test_markdown_footnotes_become_word_footnotes_one_per_reference() -> None:
    data = render(NOTES)
    ids = xpath(part(data, "word/document.xml"), "//w:footnoteReference/@w:id")
    assert ids == ["1", "2", "3", "4"]  # reading order; the table's reference last
    texts = note_texts(data)
    assert texts["1"] == texts["3"] == "Note A with a link and a section."  # a note used twice: two Word notes
    assert texts["2"] == texts["4"] == "Note B.Its second paragraph."
    assert "Never referenced." not in str(texts)
    runs = xpath(part(data, "word/document.xml"), "//w:r[w:footnoteReference]")
    assert all(xpath(run, "w:rPr/w:rStyle/@w:val") == ["FootnoteReference"] for run in runs)


def test_each_note_opens_with_its_number_in_the_note_styles() -> None:
    notes = part(render(NOTES), "word/footnotes.xml")
    for note in xpath(notes, "w:footnote[not(@w:type)]"):
        paragraphs = xpath(note, "w:p")
        assert {val(p.find(f"{W}pPr/{W}pStyle")) for p in paragraphs} == {"FootnoteText"}
        first_run = paragraphs[0].find(f"{W}r")
        assert xpath(first_run, "w:footnoteRef") and xpath(first_run, "w:rPr/w:rStyle/@w:val") == ["FootnoteReference"]
        assert len(xpath(note, ".//w:footnoteRef")) == 1


def test_the_separators_settings_relationships_and_content_type_word_requires() -> None:
    data = render(NOTES)
    notes = part(data, "word/footnotes.xml")
    separators = xpath(notes, "w:footnote[@w:type]")
    assert [(s.get(W + "type"), s.get(W + "id")) for s in separators] == [
        ("separator", "-1"),
        ("continuationSeparator", "0"),
    ]
    assert not xpath(notes, "w:footnote[@w:type]//w:footnoteRef")  # a footnoteRef there makes Word repair the file
    settings = part(data, "word/settings.xml")
    assert xpath(settings, "w:footnotePr/w:footnote/@w:id") == ["-1", "0"]
    names = [etree.QName(child).localname for child in settings]
    assert names.index("footnotePr") < names.index("compat")
    files = members(data)
    assert b"/word/footnotes.xml" in files["[Content_Types].xml"] and b"footnotes+xml" in files["[Content_Types].xml"]
    assert b"relationships/footnotes" in files["word/_rels/document.xml.rels"]
    links = etree.fromstring(files["word/_rels/footnotes.xml.rels"])
    assert [rel.get("Target") for rel in links] == ["https://example.org/a"]  # a link in a note: the note part's own
    external = xpath(notes, "//w:hyperlink/@r:id")
    assert external == [links[0].get("Id")] * 2  # note A twice
    assert xpath(notes, "//w:hyperlink/@w:anchor") == ["second", "second"]


def test_a_memo_without_notes_has_only_the_separators_and_a_reference_with_footnotes_is_reused(tmp_path: Path) -> None:
    plain = render("**TLP:AMBER**\n\nNo notes.\n")
    assert len(xpath(part(plain, "word/footnotes.xml"), "w:footnote")) == 2
    again = render(NOTES, reference=plain)  # a reference document that has a footnotes part already
    assert len(note_texts(again)) == 4
    assert sum(name == "word/footnotes.xml" for name in members(again)) == 1


def test_a_reference_to_no_definition_is_text_and_a_note_in_a_note_stays_text() -> None:
    data = render("Text[^none] here.[^x]\n\n[^x]: Outer[^y].\n[^y]: Inner.\n")
    assert "Text[^none] here." in "".join(xpath(part(data, "word/document.xml"), "//w:t/text()"))
    assert list(note_texts(data).values()) == ["Outer[^y]."]


def test_cite_makes_one_footnote_per_citation_in_reading_order(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root)
    paper = (root / "outputs/test-memo/working-level.md").read_text()
    references = re.findall(r"\[\^(\d+)\](?!:)", paper)
    assert references == [str(n) for n in range(1, len(references) + 1)]
    definitions = re.findall(r"^\[\^(\d+)\]: ", paper, re.MULTILINE)
    assert definitions == references
    assert "## Notes" not in paper and "[1]" not in paper
    first = re.search(r"^\[\^1\]: (.*)$", paper, re.MULTILINE)
    assert first and "E-1 (B2" in first.group(1) and "“" in first.group(1)  # the options paper's note: the quote


def test_endnotes_keep_the_notes_list(tmp_path: Path) -> None:
    brief = BRIEF.replace("max_marking: TLP:AMBER}", "max_marking: TLP:AMBER, notes: endnotes}")
    root = build_tree(tmp_path, {"briefgen.yaml": brief})
    build(root)
    principal = (root / "outputs/test-memo/principal.md").read_text()
    assert "**Notes:** [1]" in principal and "[^" not in principal
    assert "[^1]" in (root / "outputs/test-memo/working-level.md").read_text()  # the other audiences: footnotes


def test_a_notes_setting_outside_the_choice_is_an_input_error(tmp_path: Path) -> None:
    from briefs import expect_error

    root = build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace("TLP:GREEN}", "TLP:GREEN, notes: sidenotes}")})
    expect_error(root, r"briefgen.yaml:\d+: audiences.partner.notes: .*footnotes.*endnotes")


def test_a_footnote_cited_in_a_block_rendered_last_is_a_template_error(tmp_path: Path) -> None:
    late = "{% extends 'base.md.j2' %}{% block body %}Body.{{ cite(['E-1']) }}{% endblock %}"
    late += "{% block footer %}**{{ memo.marking }}**{{ cite(['E-1']) }}{% endblock %}"
    root = build_tree(tmp_path, {"templates/principal.md.j2": late})
    with pytest.raises(TemplateError, match="block rendered last"):
        build(root)


def test_footnote_text_is_filtered_and_rolled_up_like_body_text(tmp_path: Path) -> None:
    from test_assemble import LEVELS, canary, canary_brief

    brief = load(canary_brief(tmp_path))
    from briefgen.builder.run import render as render_memo

    for ceiling in LEVELS:
        data = render_memo(brief, "test-memo", f"aud-{ceiling.name.lower()}", "docx")
        assert isinstance(data, bytes)
        notes = members(data)["word/footnotes.xml"].decode()
        shown = [m for m in LEVELS if m <= ceiling]
        for m in LEVELS:
            assert (canary(m) + "quote" in notes) == (m in shown), (ceiling, m)
        header = members(data)["word/header1.xml"].decode()
        assert max(shown).value in header


# --- outline, contents, links --------------------------------------------------------------------------------------

CONTENTS = """\
**TLP:AMBER**

# A memo

<!-- briefgen:contents -->

**Contents**

- [whatever the Markdown lists](#x)

<!-- /briefgen:contents -->

## Summary

See [the risks](#risks-and-costs).

## Risks and costs

### Detail

#### Deeper

## Summary

**TLP:AMBER**
"""


def test_the_contents_field_holds_linked_entries_for_headings_1_and_2() -> None:
    document = part(render(CONTENTS), "word/document.xml")
    (sdt,) = xpath(document, "//w:sdt")
    assert xpath(sdt, "w:sdtPr/w:docPartObj/w:docPartGallery/@w:val") == ["Table of Contents"]
    assert xpath(sdt, ".//w:instrText/text()") == [' TOC \\o "1-2" \\h \\z \\u ']
    assert xpath(sdt, ".//w:fldChar/@w:fldCharType") == ["begin", "separate", "end"]
    assert xpath(sdt, ".//w:fldChar[@w:fldCharType='begin']/@w:dirty") == ["true"]
    entries = [
        (val(p.find(f"{W}pPr/{W}pStyle")), "".join(xpath(p, ".//w:t/text()")), xpath(p, "w:hyperlink/@w:anchor"))
        for p in xpath(sdt, ".//w:p")
    ]
    assert entries == [
        ("TOCHeading", "Contents", []),
        ("TOC1", "Summary", ["summary"]),
        ("TOC1", "Risks and costs", ["risks_and_costs"]),
        ("TOC2", "Detail", ["detail"]),
        ("TOC1", "Summary", ["summary_1"]),  # a repeated heading: its own anchor, as a Markdown viewer numbers it
    ]
    assert "whatever the Markdown lists" not in "".join(xpath(document, "//w:t/text()"))  # the region is skipped


def test_every_heading_has_a_bookmark_by_words_rules_and_links_reach_them() -> None:
    document = part(render(CONTENTS), "word/document.xml")
    starts = xpath(document, "//w:bookmarkStart")
    names = [b.get(W + "name") for b in starts]
    assert names == ["a_memo", "summary", "risks_and_costs", "detail", "deeper", "summary_1"]
    ids = [b.get(W + "id") for b in starts]
    assert len(set(ids)) == len(ids) and sorted(xpath(document, "//w:bookmarkEnd/@w:id")) == sorted(ids)
    anchors = set(xpath(document, "//w:hyperlink/@w:anchor"))
    assert anchors <= set(names) and "risks_and_costs" in anchors
    assert styles_of(render(CONTENTS))[0] == ("Title", "A memo")


@pytest.mark.parametrize(
    "text",
    ["Summary", "1. Introduction", "Option 2: Support Kazakhstan’s civil space program (recommended)", "Défense",
     "x" * 80, "a_b", "—", "R-BAI-1"],
)  # fmt: skip
def test_bookmark_names_follow_words_rules_and_stay_distinct(text: str) -> None:
    name = bookmark(anchor(text))
    assert len(name) <= 40 and name[0].isascii() and name[0].isalpha()
    assert re.fullmatch(r"[A-Za-z0-9_]+", name)
    assert bookmark(anchor(text + " again")) != name


def test_anchors_are_githubs() -> None:
    anchors = Anchors()
    assert [anchors.unique(t) for t in ("Does the ranking hold?", "Options", "Options", "Kazakhstan's plan")] == [
        "does-the-ranking-hold",
        "options",
        "options-1",
        "kazakhstans-plan",
    ]


def test_the_markdown_contents_lists_the_same_headings_as_word() -> None:
    text = expand(CONTENTS.replace(CONTENTS[CONTENTS.index("<!--") : CONTENTS.index("## Summary")], ""), "")
    assert "briefgen:contents" not in text  # no directive: nothing to do
    markdown = CONTENTS.split("<!-- briefgen:contents -->")[0] + "<!-- briefgen:contents -->\n"
    markdown += CONTENTS.split("<!-- /briefgen:contents -->")[1]
    listed = expand(markdown, "TLP:AMBER")
    assert (
        "- [Summary](#summary)\n- [Risks and costs](#risks-and-costs)\n  - [Detail](#detail)\n- [Summary](#summary-1)"
        in listed
    )
    assert "A memo](" not in listed  # the title is not listed


def test_the_options_paper_links_options_and_risks_to_their_sections(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root)
    paper = (root / "outputs/test-memo/working-level.md").read_text()
    headings = set(re.findall(r"^#+ (.*)$", paper, re.MULTILINE))
    targets = set(re.findall(r"\]\(#([^)]+)\)", paper))
    assert targets <= {anchor(h.replace("\\", "")) for h in headings}
    assert "[Option alpha](#option-1-option-alpha-recommended)" in paper  # the comparison matrix
    assert re.search(r"\[R-alpha-1\]\(#option-1-option-alpha-recommended\)", paper)  # the heat maps
    document = part((root / "outputs/test-memo/working-level.docx").read_bytes(), "word/document.xml")
    names = set(xpath(document, "//w:bookmarkStart/@w:name"))
    assert set(xpath(document, "//w:hyperlink/@w:anchor")) <= names


# --- what a reader notices -------------------------------------------------------------------------------------------


def test_typography_keeps_dates_citations_and_ids_together_and_curls_quotes() -> None:
    assert typeset("on 24 March 2026, in May 2020 [3, 5]") == "on 24\u00a0March\u00a02026, in May\u00a02020\u00a0[3, 5]"
    ids = "R\u2011BAI\u20111 and E\u2011026, not Soyuz-5 or US-KZ"
    assert typeset("R-BAI-1 and E-026, not Soyuz-5 or US-KZ") == ids
    assert typeset("It's \"so\" ('90s)") == "It’s “so” (’90s)"
    assert typeset('"', before="word") == "”" and typeset("'s", before="Baikonur") == "’s"
    assert typeset("It's", curly=False) == "It's"


def test_word_text_is_typeset_but_code_is_not() -> None:
    data = render('**TLP:AMBER**\n\nRisk R-BAI-1 on 24 March 2026 is "high". `R-1 "x"`\n')
    document = part(data, "word/document.xml")
    (paragraph,) = xpath(document, "//w:body/w:p")
    assert len(xpath(paragraph, ".//w:noBreakHyphen")) == 2
    text = "".join(xpath(paragraph, ".//w:t/text()"))
    assert "24\u00a0March\u00a02026" in text and "“high”" in text and 'R-1 "x"' in text
    plain = part(render('Say "so".', curly_quotes=False), "word/document.xml")
    assert '"so"' in "".join(xpath(plain, "//w:t/text()"))


def test_the_marking_banner_is_not_repeated_in_the_body() -> None:
    data = render("**TLP:AMBER**\n\nBody text.\n\n**TLP:AMBER**\n")
    assert styles_of(data) == [("Normal", "Body text.")]
    kept = render("**TLP:AMBER** is the marking.\n\nBody.\n")  # not a banner: more than the marking
    assert styles_of(kept)[0][1] == "TLP:AMBER is the marking."


def test_tables_with_one_header_share_column_widths() -> None:
    heat = "| Likelihood | Low | High |\n|---|---|---|\n"
    first = heat + "| **Low** | Low | High |\n"
    second = heat + "| **High** | Low: R-1, R-2, R-3, R-4 | High: R-5, R-6, R-7, R-8, R-9 |\n"
    document = part(render(f"{first}\nBetween.\n\n{second}\n| Other |\n|---|\n| x |\n"), "word/document.xml")
    grids = [[int(c.get(W + "w")) for c in xpath(t, "w:tblGrid/w:gridCol")] for t in xpath(document, "//w:tbl")]
    assert grids[0] == grids[1]
    for table, grid in zip(xpath(document, "//w:tbl")[:2], grids[:2], strict=True):
        for row in xpath(table, "w:tr"):
            assert [int(w) for w in xpath(row, "w:tc/w:tcPr/w:tcW/@w:w")] == grid


def test_run_in_headings_and_paragraphs_before_a_table_keep_with_next() -> None:
    document = part(render("**Pros**\n\n- One\n\nIntroducing:\n\n| a |\n|---|\n| b |\n\nPlain.\n"), "word/document.xml")
    keep = {"".join(xpath(p, ".//w:t/text()")): bool(xpath(p, "w:pPr/w:keepNext")) for p in xpath(document, "//w:p")}
    assert keep["Pros"] and keep["Introducing:"] and not keep["Plain."] and not keep["One"]


def test_a_footnote_cited_after_the_footnotes_were_written_is_a_template_error(tmp_path: Path) -> None:
    after = "{% extends 'base.md.j2' %}{% block body %}Body.{{ cite(['E-1']) }}{% endblock %}"
    after += "{% block notes %}{{ super() }}Late.{{ cite(['E-2']) }}{% endblock %}"
    root = build_tree(tmp_path, {"templates/principal.md.j2": after})
    with pytest.raises(TemplateError, match="after footnotes"):
        build(root)


_LINES = st.sampled_from(
    ["# Title", "## Section", "### Option 1: It's \\[x\\]", "#### Deep #", "Text with **bold**.", "- item", "- # x",
     "    # indented", "```", "~~~", "> # quoted", "<div>", "Setext", "===", "---", "| a | b |", "|---|---|",
     "[^1]: A note.", "    continued", "## **Bold** heading", "## A `code` heading", "", "", "#NoSpace", "  ## two"]
)  # fmt: skip


@given(st.lists(_LINES, max_size=25))
@settings(max_examples=300, deadline=None)
def test_the_contents_reads_headings_as_the_parser_does(lines: list[str]) -> None:
    from briefgen.formats.contents import _headings, _parsed_headings

    markdown = "**TLP:AMBER**\n\n" + "\n".join(lines) + "\n"
    assert _headings(markdown, "TLP:AMBER") == _parsed_headings(markdown, "TLP:AMBER")
