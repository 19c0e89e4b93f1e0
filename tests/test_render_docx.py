"""Markdown → Word: styles, lists, tables, heat shading, marking, properties, determinism, errors."""

from __future__ import annotations

import io
import re
import string
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from briefgen.errors import RenderError
from briefgen.formats.docx import tables
from briefgen.formats.docx.document import DEFAULT_HEAT, REQUIRED_STYLES, DocxSettings, markdown_to_docx
from briefgen.formats.docx.house import build_reference_docx
from briefgen.formats.docx.reference import open_reference
from briefgen.formats.docx.tables import column_widths
from briefgen.formats.docx.xml import text_colour_on

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_REFERENCE = ROOT / "templates" / "reference.docx"
TEXT_WIDTH = 9360  # US Letter less two 1-inch margins, in twips
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
W = f"{{{NS['w']}}}"


@cache
def reference() -> bytes:
    return build_reference_docx()


def settings_for(**changes: Any) -> DocxSettings:
    base = DocxSettings(reference=reference(), marking="TLP:AMBER", heat=DEFAULT_HEAT, title="Memo")
    return replace(base, **changes)


def render(markdown: str, **changes: Any) -> bytes:
    return markdown_to_docx(markdown, settings_for(**changes))


def opened(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def xpath(node: Any, path: str) -> list[Any]:
    result: list[Any] = node.xpath(path, namespaces=NS)
    return result


def body(data: bytes) -> Any:
    return part_xml(data, "word/document.xml")


def style_name(item: Any) -> str:
    name: str = item.style.name
    return name


def styles_of(data: bytes) -> list[tuple[str, str]]:
    return [(style_name(p), p.text) for p in opened(data).paragraphs]


def val(element: Any, attribute: str = "val") -> str:
    value: str = element.get(W + attribute)
    return value


# --- blocks and inline text ---------------------------------------------------------


def test_headings_map_to_heading_styles_and_keep_with_next() -> None:
    data = render("# One\n\n## Two\n\n# Again\n\n### Three\n\n#### Four\n\n##### Five\n\nBody")
    assert styles_of(data) == [
        ("Heading 1", "One"),
        ("Heading 2", "Two"),
        ("Heading 1", "Again"),
        ("Heading 3", "Three"),
        ("Heading 4", "Four"),
        ("Heading 4", "Five"),
        ("Normal", "Body"),
    ]
    for name in ("Title", *(f"Heading {level}" for level in range(1, 5))):
        assert opened(data).styles[name].paragraph_format.keep_with_next is True


def test_an_opening_level_1_heading_is_the_title_and_the_top_sections_are_heading_1() -> None:
    data = render("**TLP:AMBER**\n\n# Memo\n\n## Summary\n\n### Detail\n\n##### Deep\n\n**TLP:AMBER**\n")
    assert styles_of(data) == [("Title", "Memo"), ("Heading 1", "Summary"), ("Heading 2", "Detail"),
                               ("Heading 4", "Deep")]  # fmt: skip
    sections = render("Opening text\n\n## First\n\n### Under it\n")  # no title: the top level is still Heading 1
    assert styles_of(sections) == [("Normal", "Opening text"), ("Heading 1", "First"), ("Heading 2", "Under it")]
    late = render("Opening text\n\n# Not a title\n\n## Under it\n")  # a level-1 heading after text is no title
    assert styles_of(late)[1:] == [("Heading 1", "Not a title"), ("Heading 2", "Under it")]


def test_inline_formatting_code_and_literal_html() -> None:
    data = render("Plain **bold** *italic* ~~gone~~ `x = 1` <b>not bold</b>  \nnext\nsoft")
    (paragraph,) = opened(data).paragraphs
    assert paragraph.text == "Plain bold italic gone x = 1 <b>not bold</b>\nnext soft"
    runs = {run.text: run for run in paragraph.runs}
    assert runs["bold"].bold and runs["italic"].italic and runs["gone"].font.strike
    assert style_name(runs["x = 1"]) == "Code Char"
    assert not runs[" <b>not bold</b>"].bold


def test_links_are_external_hyperlinks_in_the_hyperlink_style() -> None:
    data = render("See [the page](https://example.org/a?b=1&c=2) and [same](https://example.org/a?b=1&c=2).")
    links = xpath(body(data), "//w:hyperlink")
    assert len(links) == 2
    rel_ids = {link.get(f"{{{NS['r']}}}id") for link in links}
    assert len(rel_ids) == 1  # one relationship per distinct URL
    rels = part_xml(data, "word/_rels/document.xml.rels")
    (rel,) = [r for r in rels if r.get("Id") in rel_ids]
    assert rel.get("Target") == "https://example.org/a?b=1&c=2"
    assert rel.get("TargetMode") == "External"
    assert rel.get("Type").endswith("/hyperlink")
    assert val(xpath(links[0], ".//w:rStyle")[0]) == "Hyperlink"


def test_nested_lists_use_level_styles() -> None:
    markdown = "- a\n  - b\n    - c\n      - d\n- e\n\nText\n\n1. one\n   1. two\n      1. three\n"
    assert styles_of(render(markdown)) == [
        ("List Bullet", "a"),
        ("List Bullet 2", "b"),
        ("List Bullet 3", "c"),
        ("List Bullet 3", "d"),  # deeper levels stay at level 3
        ("List Bullet", "e"),
        ("Normal", "Text"),
        ("List Number", "one"),
        ("List Number 2", "two"),
        ("List Number 3", "three"),
    ]


def test_further_paragraphs_in_a_list_item_continue_its_indent() -> None:
    assert styles_of(render("- first\n\n  more of the first\n- second\n")) == [
        ("List Bullet", "first"),
        ("List Continue", "more of the first"),
        ("List Bullet", "second"),
    ]


def test_each_numbered_list_restarts_with_its_own_numbering_instance() -> None:
    data = render("1. a\n2. b\n\nBetween\n\n1. c\n2. d\n\nAgain\n\n3. e\n")
    num_ids = [val(n) for n in xpath(body(data), "//w:p/w:pPr/w:numPr/w:numId")]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3] != num_ids[4]
    numbering = part_xml(data, "word/numbering.xml")
    style_num = xpath(part_xml(data, "word/styles.xml"), "//w:style[@w:styleId='ListNumber']//w:numId")[0]
    base = xpath(numbering, f"w:num[@w:numId='{val(style_num)}']/w:abstractNumId")[0]
    for num_id, start in ((num_ids[0], "1"), (num_ids[2], "1"), (num_ids[4], "3")):
        (num,) = xpath(numbering, f"w:num[@w:numId='{num_id}']")
        assert val(xpath(num, "w:abstractNumId")[0]) == val(base)
        assert val(xpath(num, "w:lvlOverride/w:startOverride")[0]) == start
    assert xpath(numbering, "w:abstractNum[last()]/following-sibling::w:num")  # nums after abstractNums


def test_quote_code_and_rule() -> None:
    data = render("> quoted\n\n```\nline 1\n    indented\n```\n\n---\n\n    indented code\n")
    paragraphs = opened(data).paragraphs
    assert [(style_name(p), p.text) for p in paragraphs] == [
        ("Quote", "quoted"),
        ("Code Block", "line 1\n    indented"),
        ("Normal", ""),
        ("Code Block", "indented code"),
    ]
    assert xpath(body(data), "//w:p[3]/w:pPr/w:pBdr/w:bottom")


# --- tables -------------------------------------------------------------------------

RISKS = """\
| ID | Risk | Level | Owner |
|---|---|---|---|
| R-1 | Partner withdraws from the consultation if the timeline is compressed | High | Deputy Director |
| R-2 | Ratification delayed | High: R-1, R-2 | Legal |
| R-3 | Highway closure | Very Low | high |
| R-4 | **Row heading** | — | Very High: none |
"""


def test_table_style_header_row_and_rows_kept_whole() -> None:
    data = render(RISKS)
    (table,) = opened(data).tables
    assert style_name(table) == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["ID", "Risk", "Level", "Owner"]
    assert all(style_name(p) == "Table Heading" for c in table.rows[0].cells for p in c.paragraphs)
    assert opened(data).styles["Table Heading"].font.bold is True
    assert all(style_name(p) == "Table Text" for r in table.rows[1:] for c in r.cells for p in c.paragraphs)
    rows = xpath(body(data), "//w:tbl/w:tr")
    assert xpath(rows[0], "w:trPr/w:tblHeader") and xpath(rows[0], "w:trPr/w:cantSplit")
    assert all(xpath(row, "w:trPr/w:cantSplit") and not xpath(row, "w:trPr/w:tblHeader") for row in rows[1:])
    header_fills = {val(shd, "fill") for shd in xpath(rows[0], "w:tc/w:tcPr/w:shd")}
    assert header_fills == {"D9D9D9"}


def test_table_widths_fill_the_text_width_in_grid_and_cells() -> None:
    tbl = xpath(body(render(RISKS)), "//w:tbl")[0]
    grid = [int(val(col, "w")) for col in xpath(tbl, "w:tblGrid/w:gridCol")]
    assert sum(grid) == TEXT_WIDTH
    assert val(xpath(tbl, "w:tblPr/w:tblLayout")[0], "type") == "fixed"
    assert xpath(tbl, "w:tblPr/w:tblW/@w:w") == [str(TEXT_WIDTH)]
    for row in xpath(tbl, "w:tr"):
        widths = xpath(row, "w:tc/w:tcPr/w:tcW")
        assert [int(val(tcw, "w")) for tcw in widths] == grid
        assert {val(tcw, "type") for tcw in widths} == {"dxa"}
    risk, level, owner = grid[1], grid[2], grid[3]
    assert risk > owner > level  # wider for longer text
    assert level >= 900  # "Very High" stays on one line: at least its width


def test_text_width_follows_the_reference_section() -> None:
    def wider_right_margin(document: Any) -> None:
        xpath(document, "//w:body/w:sectPr/w:pgMar")[0].set(W + "right", "2880")

    narrow = rewritten(reference(), "word/document.xml", wider_right_margin)
    tbl = xpath(body(render("| a | b |\n|---|---|\n| x | y |\n", reference=narrow)), "//w:tbl")[0]
    assert sum(int(val(col, "w")) for col in xpath(tbl, "w:tblGrid/w:gridCol")) == TEXT_WIDTH - 1440


def rewritten(data: bytes, name: str, change: Callable[[Any], None]) -> bytes:
    """A copy of the package ``data`` with XML part ``name`` changed in place by ``change``."""
    root = part_xml(data, name)
    change(root)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, etree.tostring(root) if info.filename == name else source.read(info))
    return out.getvalue()


def cell_fill(data: bytes, row: int, column: int) -> str | None:
    shd = xpath(body(data), f"//w:tbl/w:tr[{row + 1}]/w:tc[{column + 1}]/w:tcPr/w:shd")
    return val(shd[0], "fill") if shd else None


def test_level_cells_get_their_heat_fill_others_none() -> None:
    data = render(RISKS)
    assert cell_fill(data, 1, 2) == DEFAULT_HEAT["High"]
    assert cell_fill(data, 2, 2) == DEFAULT_HEAT["High"]  # "High: R-1, R-2", as in the heat matrix
    assert cell_fill(data, 3, 2) == DEFAULT_HEAT["Very Low"]
    assert cell_fill(data, 4, 3) == DEFAULT_HEAT["Very High"]
    assert cell_fill(data, 3, 1) is None  # "Highway closure"
    assert cell_fill(data, 3, 3) is None  # "high": labels are matched exactly
    assert cell_fill(data, 4, 2) is None  # "—"
    assert cell_fill(data, 4, 1) == "D9D9D9"  # an all-bold cell is a row heading
    assert cell_fill(data, 0, 2) == "D9D9D9"  # a header reading "Level" is never heat-shaded


def test_shading_is_schema_ordered_and_text_stays_readable() -> None:
    data = render(RISKS)
    for tcpr in xpath(body(data), "//w:tcPr[w:shd]"):
        names = [etree.QName(child).localname for child in tcpr]
        assert names == ["tcW", "shd"]
        assert val(tcpr[1]) == "clear" and val(tcpr[1], "color") == "auto"
    very_low = xpath(body(data), "//w:tbl/w:tr[4]/w:tc[3]//w:r/w:rPr/w:color")
    high = xpath(body(data), "//w:tbl/w:tr[2]/w:tc[3]//w:r/w:rPr/w:color")
    assert [val(c) for c in very_low] == ["FFFFFF"] and [val(c) for c in high] == ["000000"]


def test_custom_heat_colours_are_used() -> None:
    heat = {**DEFAULT_HEAT, "High": "ff0000"}
    assert cell_fill(render(RISKS, heat=heat), 1, 2) == "FF0000"


@pytest.mark.parametrize(
    ("fill", "text"),
    [("006100", "FFFFFF"), ("9C0006", "FFFFFF"), ("92D050", "000000"), ("FFEB84", "000000"), ("FF7C80", "000000")],
)
def test_text_colour_has_the_higher_contrast(fill: str, text: str) -> None:
    assert text_colour_on(fill) == text


@given(
    st.lists(
        st.tuples(st.integers(100, 3000), st.integers(0, 20000)),
        min_size=1,
        max_size=12,
    ),
    st.integers(2000, 15000),
)
def test_column_widths_sum_to_the_total_and_respect_minimums(columns: list[tuple[int, int]], total: int) -> None:
    minimums = [low for low, _ in columns]
    maximums = [low + extra for low, extra in columns]
    widths = column_widths(minimums, maximums, total)
    assert sum(widths) == total
    if sum(minimums) <= total:
        assert all(width >= low - 1 for width, low in zip(widths, minimums, strict=True))


def test_a_header_of_many_words_wraps_further_rather_than_break_a_word() -> None:
    """The options paper's contributions table: eight columns of short numbers under headers of up to seven words.
    Holding every header to two lines left the columns' minimums wider than the page, and every column was cut
    below its longest word ("influenc" / "e" in LibreOffice); a header takes three lines before a word breaks."""
    headers = [
        "Option",
        "Regional influence",
        "Value to Kazakhstan",
        "Low risk of Russian or Chinese reaction",
        "Feasibility and speed",
        "Low cost to the US",
        "Legal and sanctions compliance",
        "Weighted score",
    ]
    options = [
        "Maintain current engagement and monitor",
        "Support Kazakhstan's civil space program outside Baikonur",
        "Negotiate a commercial launch agreement at the Baiterek complex",
        "Back a multilateral platform at Baikonur for debris, planetary defence and training",
    ]
    rows = [f"| {o} | 0.60 | 0.25 | 0.60 | 0.50 | 0.50 | 0.50 | 2.95 |" for o in options]
    markdown = "\n".join([f"| {' | '.join(headers)} |", "|---" * len(headers) + "|", *rows]) + "\n"
    grid = [int(w) for w in xpath(part_xml(render(markdown), "word/document.xml"), "//w:gridCol/@w:w")]
    em = 180  # the reference's Table Text, 9 pt
    columns = [[o, *["0.60"] * 7] for o in options]
    for index, (width, header) in enumerate(zip(grid, headers, strict=True)):
        cells = [row[index] for row in columns]
        words = [*(tables._ems(w) * 1.1 for w in header.split()), *(tables._ems(w) for c in cells for w in c.split())]
        assert width >= max(words) * em + tables.CELL_PADDING - 1, (header, width)


# --- header, footer, properties -----------------------------------------------------


def story(data: bytes, kind: str) -> Any:
    rels = part_xml(data, "word/_rels/document.xml.rels")
    (target,) = [r.get("Target") for r in rels if r.get("Type").endswith(f"/{kind}")]
    return part_xml(data, f"word/{target}")


def test_header_and_footer_carry_the_marking_right_aligned() -> None:
    data = render("Body", marking="tlp:amber")
    section = opened(data).sections[0]
    assert section.header.paragraphs[0].text == "TLP:AMBER"
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    assert footer.text.endswith("\tTLP:AMBER")
    tabs = xpath(story(data, "footer"), "//w:pPr/w:tabs/w:tab")
    assert [(val(t), val(t, "pos")) for t in tabs] == [("right", str(TEXT_WIDTH))]
    marking_run = xpath(story(data, "header"), "//w:r[w:t='TLP:AMBER']/w:rPr")[0]
    assert xpath(marking_run, "w:b") and val(xpath(marking_run, "w:color")[0]) == "FFC000"
    assert val(xpath(marking_run, "w:shd")[0], "fill") == "000000"


def test_footer_has_page_x_of_y_fields() -> None:
    footer = story(render("Body"), "footer")
    assert [i.text.strip() for i in xpath(footer, "//w:instrText")] == ["PAGE", "NUMPAGES"]
    kinds = [val(f, "fldCharType") for f in xpath(footer, "//w:fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    assert "".join(xpath(footer, "//w:t/text()")).startswith("Page 1 of 1")


@pytest.mark.parametrize(
    ("marking", "colour", "background"),
    [("TLP:CLEAR", "FFFFFF", "000000"), ("TLP:GREEN", "33FF00", "000000"), ("TLP:AMBER+STRICT", "FFC000", "000000"),
     ("TLP:RED", "FF2B2B", "000000"), ("CUI", None, None)],
)  # fmt: skip
def test_marking_colours_follow_tlp(marking: str, colour: str | None, background: str | None) -> None:
    (rpr,) = xpath(story(render("Body", marking=marking), "header"), "//w:r/w:rPr")
    assert [val(c) for c in xpath(rpr, "w:color")] == ([colour] if colour else [])
    assert [val(s, "fill") for s in xpath(rpr, "w:shd")] == ([background] if background else [])


def test_core_properties_are_pinned() -> None:
    created = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    data = render("Body", title="T", subject="S", author="A. Author", keywords="k1; k2", created=created)
    props = opened(data).core_properties
    assert (props.title, props.subject, props.author, props.keywords) == ("T", "S", "A. Author", "k1; k2")
    assert props.last_modified_by == "A. Author" and props.comments == "" and props.revision == 1
    assert props.created == props.modified == datetime(2025, 3, 14, 7, 30, tzinfo=UTC)
    assert props.last_printed is None


# --- determinism and the reference --------------------------------------------------


def test_rendering_is_byte_for_byte_deterministic() -> None:
    markdown = RISKS + "\n1. a\n2. [b](https://example.org)\n"
    first, second = render(markdown), render(markdown)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_reference_is_reproducible_and_matches_the_committed_file() -> None:
    assert build_reference_docx() == reference()
    assert COMMITTED_REFERENCE.read_bytes() == reference(), "run: python -m briefgen.formats.docx.reference"


def test_reference_defines_every_required_style_and_the_page() -> None:
    document = opened(reference())
    names = {style.name.casefold() for style in document.styles}  # Word's own names: "toc 1" for TOC 1
    assert {name.casefold() for name in REQUIRED_STYLES} <= names
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (docx.shared.Inches(8.5), docx.shared.Inches(11))
    assert section.left_margin == section.right_margin == docx.shared.Inches(1)


def without_styles(data: bytes, *style_ids: str) -> bytes:
    def remove(styles: Any) -> None:
        for style_id in style_ids:
            for style in xpath(styles, f"w:style[@w:styleId='{style_id}']"):
                styles.remove(style)

    return rewritten(data, "word/styles.xml", remove)


def test_missing_styles_are_added_from_the_defaults_and_used() -> None:
    broken = without_styles(reference(), "ListBullet3", "CodeChar")
    assert open_reference(broken, "custom.docx").added == ("List Bullet 3", "Code Char")
    document = opened(render("- a\n  - b\n    - c\n\n`x`", reference=broken))
    styles = {p.text: p.style.name if p.style else "" for p in document.paragraphs}
    assert styles["c"] == "List Bullet 3"
    runs = [r for p in document.paragraphs for r in p.runs if r.text == "x"]
    assert runs and runs[0].style.name == "Code Char"


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip at all", b"PK\x03\x04broken", None],
    ids=["empty", "text", "truncated zip", "zip without a document"],
)
def test_unreadable_reference_raises_render_error(data: bytes | None) -> None:
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("hello.txt", "hi")
        data = buffer.getvalue()
    with pytest.raises(RenderError, match=r"^custom\.docx: not a readable Word document"):
        render("x", reference=data, reference_name="custom.docx")


def test_bad_settings_are_reported_together() -> None:
    heat = {"Very Low": "006100", "Low": "green", "Moderate": "FFEB84", "High": "F4B183"}
    with pytest.raises(RenderError) as caught:
        render("x", heat=heat, marking=" ")
    message = str(caught.value)
    assert "heat: expected colours for exactly" in message and "missing ['Very High'], unknown none" in message
    assert "heat: 'Low': expected an RRGGBB hex colour, got 'green'" in message
    assert "marking: expected a marking" in message


# --- hostile text -------------------------------------------------------------------


def escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character, as CommonMark permits."""
    return "".join("\\" + c if c in string.punctuation else c for c in text)


HOSTILE = [
    "a | b",
    "*not italic* _nor this_",
    "`not code`",
    "<script>alert('x')</script>",
    "&amp; &lt; &#35;",
    "مرحبا بالعالم",
    "שלום עולם",
    "🛡️ 👍🏽 家族",
    "x" * 300,
    "\\ backslash \\\\ two",
    "[not](a link) ![nor](an image)",
]


def cell_and_paragraph(text: str) -> tuple[str, str]:
    """The text as Word shows it in a cell and a paragraph, with straight quotes (curly ones are a house-style option)
    and the typography that keeps words together read back as spaces and hyphens."""
    data = render(f"| a |\n|---|\n| {escape(text)} |\n\n{escape(text)}\n", curly_quotes=False)
    document = opened(data)
    cell, paragraph = document.tables[0].rows[1].cells[0].text, document.paragraphs[0].text
    return cell.replace("\u00a0", " "), paragraph.replace("\u00a0", " ")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_appears_literally(text: str) -> None:
    assert cell_and_paragraph(text) == (text, text)


def test_pipes_escaped_in_cells_and_html_in_cells_stay_literal() -> None:
    (table,) = opened(render("| a | b |\n|---|---|\n| x \\| y | <i>z</i> |\n")).tables
    assert [c.text for c in table.rows[1].cells] == ["x | y", "<i>z</i>"]


def test_characters_xml_cannot_hold_are_replaced_not_fatal() -> None:
    data = render("bell \x07 and \x1b escape", title="t\x01", marking="TLP:AMBER")
    assert opened(data).paragraphs[0].text == "bell \ufffd and \ufffd escape"


_LITERAL_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="\ufffe\uffff")


@settings(max_examples=60, deadline=None)
@given(st.text(_LITERAL_CHARS | st.just(" "), min_size=1, max_size=40).map(lambda t: " ".join(t.split())))
def test_any_text_appears_literally(text: str) -> None:
    if text:
        assert cell_and_paragraph(text) == (text, text)


# --- what LibreOffice makes of it ---------------------------------------------------

SAMPLE = """\
**TLP:AMBER**

# Options paper

1. First list, first item
2. First list, second item

Between the lists.

1. Second list starts again

| Risk | Likelihood | Level |
|---|---|---|
""" + "".join(f"| Risk number {n} with a description | Moderate | High: R-{n} |\n" for n in range(70))


def test_libreoffice_shows_marking_page_numbers_and_restarted_lists(pdf_of: Callable[[bytes], str]) -> None:
    pages = pdf_of(render(SAMPLE)).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert page.count("TLP:AMBER") >= 2, page  # header and footer (and the banner on page 1)
        assert re.search(rf"Page {number} of {len(pages)}", page), page
        assert "Likelihood" in page  # the header row repeats on every page of the table
    assert re.search(r"1\.\s+Second list starts again", pages[0]), pages[0]
