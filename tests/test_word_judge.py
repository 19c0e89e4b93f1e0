"""Word is the judge — here LibreOffice, the real client on this machine, and the schema order Word reads by.

Every part briefgen writes (document, footnotes, styles, settings, numbering, headers and footers) has the children
of w:pPr, w:rPr, w:tcPr, w:trPr, w:tblPr, w:sectPr, w:style and w:settings in schema order, as python-docx transcribes
the schema (its classes' ``_tag_seq``, read from its source), so that Word does not "repair" the file. Then the sample
and an inline memo are converted to PDF, and the pages are read (pdftotext per page, pypdf for the links): each
footnote's text is on the page that cites it; the contents lists every heading 1 and 2, and each entry links to the
page where its heading stands; links resolve; no heading ends a page."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx.oxml.ns
import docx.oxml.section
import docx.oxml.settings
import docx.oxml.styles
import docx.oxml.table
import docx.oxml.text.font
import docx.oxml.text.parfmt
import pytest
from briefs import REPO
from lxml import etree
from test_render_docx import NS, W, reference, render, without_styles, xpath

from briefgen.builder.run import build
from briefgen.formats.docx.outline import CONTENTS_LEVELS

MEMO = "kazakhstan-space"
WORD_PARTS = re.compile(r"word/(document|footnotes|styles|settings|numbering|header\d*|footer\d*)\.xml")


def _tag_seq(module: Any, class_name: str) -> tuple[str, ...]:
    """The ``_tag_seq`` python-docx declares for a class (it deletes the attribute once the class is built)."""
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and getattr(statement.targets[0], "id", "") == "_tag_seq":
                    return tuple(ast.literal_eval(statement.value))
    raise LookupError(class_name)


def _clark(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{docx.oxml.ns.nsmap[prefix]}}}{name}"


# Element -> the order of its children (python-docx's transcription of ECMA-376 Part 1). A section's header and
# footer references open it (EG_HdrFtrReferences, which python-docx handles apart from _tag_seq).
ORDERS = {
    "w:pPr": _tag_seq(docx.oxml.text.parfmt, "CT_PPr"),
    "w:rPr": _tag_seq(docx.oxml.text.font, "CT_RPr"),
    "w:tcPr": _tag_seq(docx.oxml.table, "CT_TcPr"),
    "w:trPr": _tag_seq(docx.oxml.table, "CT_TrPr"),
    "w:tblPr": _tag_seq(docx.oxml.table, "CT_TblPr"),
    "w:sectPr": ("w:headerReference", "w:footerReference", *_tag_seq(docx.oxml.section, "CT_SectPr")),
    "w:style": _tag_seq(docx.oxml.styles, "CT_Style"),
    "w:settings": _tag_seq(docx.oxml.settings, "CT_Settings"),
}
_RANKS = {_clark(parent): {_clark(tag): n for n, tag in enumerate(order)} for parent, order in ORDERS.items()}
_EXTENSIONS = ("http://schemas.microsoft.com/office/word/",)  # w14:, w15:...: Word's own, after the schema's


def order_problems(name: str, root: Any) -> Iterator[str]:
    """Every element of the kinds above whose children are out of schema order or unknown to it."""
    for element in root.iter(*_RANKS):
        ranks = _RANKS[element.tag]
        last = -1
        for child in element:
            if not isinstance(child.tag, str) or child.tag.startswith(tuple(f"{{{u}" for u in _EXTENSIONS)):
                continue
            rank = ranks.get(child.tag)
            parent, tag = etree.QName(element).localname, etree.QName(child).localname
            if rank is None:
                yield f"{name}: {parent} holds {tag}, not in its schema"
            elif rank < last:
                yield f"{name}: in {parent}, {tag} is out of order"
            else:
                last = rank


def schema_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if WORD_PARTS.fullmatch(name):
                problems += order_problems(name, etree.fromstring(package.read(name)))
    return problems


INLINE = """\
**TLP:AMBER**

# An inline memo

<!-- briefgen:contents -->

**Contents**

- [First section](#first-section)

<!-- /briefgen:contents -->

## First section

See [the last section](#last-section) and [a site](https://example.org/page).

{paragraphs}

## Last section

Closing text.

| Risk | Level |
|---|---|
| R-ONE-1 | High |

**TLP:AMBER**
"""


def inline_memo() -> str:
    """Sections of text whose every paragraph cites a note of its own, so that notes fall on many pages."""
    blocks = []
    for n in range(1, 41):
        if n % 10 == 0:
            blocks.append(f"## Section {n // 10}\n")
        # 63 words in the first: without keep-with-next, "Section 1" would be the last line of page 1
        words = " ".join(f"word{n}x{k}" for k in range(63 if n == 1 else 60))
        blocks.append(f"Paragraph {n} says {words} and ends here{n}.[^n{n}]\n")
    notes = "\n".join(f"[^n{n}]: Note text number {n} for paragraph {n}." for n in range(1, 41))
    return INLINE.format(paragraphs="\n".join(blocks)) + "\n" + notes + "\n"


# --- the schema order -------------------------------------------------------------------------------------------


def test_the_orders_are_read_from_python_docx() -> None:
    assert ORDERS["w:pPr"][:2] == ("w:pStyle", "w:keepNext") and "w:footnotePr" in ORDERS["w:settings"]
    assert list(order_problems("x", etree.fromstring(f'<w:pPr xmlns:w="{NS["w"]}"><w:jc/><w:pStyle/></w:pPr>')))


def test_every_part_briefgen_writes_is_in_schema_order(tmp_path: Path) -> None:
    assert schema_problems(render(inline_memo())) == []
    assert schema_problems(render(inline_memo(), reference=without_styles(reference(), "TOC1", "FootnoteText"))) == []
    sample = _sample(tmp_path)
    for audience in ("principal", "working-level", "partner"):
        assert schema_problems((sample / "outputs" / MEMO / f"{audience}.docx").read_bytes()) == [], audience


# --- LibreOffice ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    docx: bytes
    pages: list[str]  # each page's text, whitespace collapsed, typographic spaces and hyphens plain
    pdf: Path


def _sample(root: Path) -> Path:
    sample = root / "sample"
    if not sample.exists():
        sample.mkdir()
        for name in ("briefgen.yaml", "evidence", "options", "templates"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, sample / name)
        build(sample, as_of=dt.date(2026, 11, 23))
    return sample


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Converted]:
    """The sample's options paper and principal memo and the inline memo, converted in one LibreOffice call."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and poppler-utils are required on CI")
        pytest.skip("LibreOffice not installed")
    work = tmp_path_factory.mktemp("judge")
    sample = _sample(work)
    sources = {
        name: (sample / "outputs" / MEMO / f"{name}.docx").read_bytes() for name in ("working-level", "principal")
    }
    sources["inline"] = render(inline_memo())
    sources["loose"] = _without_keep_with_next(sources["inline"])
    for name, data in sources.items():
        (work / f"{name}.docx").write_bytes(data)
    profile = (work / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(work)]
    subprocess.run(
        [*command, *(str(work / f"{n}.docx") for n in sources)], check=True, capture_output=True, timeout=300
    )
    return {name: Converted(data, _pages(work / f"{name}.pdf"), work / f"{name}.pdf") for name, data in sources.items()}


def _without_keep_with_next(data: bytes) -> bytes:
    """The memo with no style keeping a paragraph with the next: what the check below must catch."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(
                item, content.replace(b"<w:keepNext/>", b"") if item.filename == "word/styles.xml" else content
            )
    return out.getvalue()


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout.decode()
    return [plain(page) for page in text.split("\f")[:-1]]


def plain(text: str) -> str:
    return " ".join(text.replace("\u2011", "-").replace("\u00a0", " ").split())


def _words(element: Any) -> str:
    """An element's text as pdftotext gives it: its paragraphs' text (a table's cells) one after another."""
    paragraphs = [element] if element.tag == f"{W}p" else element.iter(f"{W}p")
    texts = []
    for paragraph in paragraphs:
        nodes = paragraph.iter(f"{W}t", f"{W}noBreakHyphen")
        texts.append("".join("-" if node.tag == f"{W}noBreakHyphen" else node.text or "" for node in nodes))
    return plain(" ".join(texts))


def _part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _cited(data: bytes) -> Iterator[tuple[str, str]]:
    """(the words just before a footnote reference in a body paragraph, the start of that note's text)."""
    notes = {n.get(W + "id"): _words(n) for n in xpath(_part(data, "word/footnotes.xml"), "w:footnote[not(@w:type)]")}
    for paragraph in xpath(_part(data, "word/document.xml"), "/w:document/w:body/w:p[.//w:footnoteReference]"):
        before: list[str] = []
        for node in paragraph.iter(f"{W}t", f"{W}noBreakHyphen", f"{W}footnoteReference"):
            if node.tag == f"{W}footnoteReference":
                words = plain("".join(before)).split()[-4:]
                note = notes[node.get(W + "id")].split()[:6]
                if len(words) == 4:
                    yield " ".join(words), " ".join(note)
            else:
                before.append("-" if node.tag == f"{W}noBreakHyphen" else node.text or "")


@pytest.mark.parametrize("name", ["inline", "working-level", "principal"])
def test_footnote_text_is_on_the_page_that_cites_it(converted: dict[str, Converted], name: str) -> None:
    memo = converted[name]
    pairs = list(_cited(memo.docx))
    assert len(pairs) >= (40 if name == "inline" else 1)
    for text, note in pairs:
        assert any(text in page and note in page for page in memo.pages), (text, note)
    if name == "inline":
        for n in range(1, 41):  # each note with its paragraph, exactly
            (page,) = [i for i, p in enumerate(memo.pages) if f"ends here{n}." in p]
            assert f"Note text number {n} for paragraph {n}." in memo.pages[page], n


def _links(pdf: Path) -> list[tuple[int, float, Any]]:
    """(page index, top of the link, its target: a page index for a link inside the document, or a URI)."""
    import pypdf

    reader = pypdf.PdfReader(pdf)
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages) if page.indirect_reference}
    found = []
    for n, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            action, dest = link.get("/A"), link.get("/Dest")
            target = action["/URI"] if action is not None and "/URI" in action else pages[dest[0].idnum]
            found.append((n, float(link["/Rect"][3]), target))
    return found


def _headings(data: bytes, levels: int) -> list[str]:
    names = {f"Heading{n}" for n in range(1, levels + 1)}
    body = xpath(_part(data, "word/document.xml"), "/w:document/w:body/w:p")
    return [_words(p) for p in body if set(xpath(p, "w:pPr/w:pStyle/@w:val")) & names]


@pytest.mark.parametrize("name", ["inline", "working-level"])
def test_the_contents_lists_each_heading_and_links_to_the_page_it_starts_on(
    converted: dict[str, Converted], name: str
) -> None:
    memo = converted[name]
    headings = _headings(memo.docx, CONTENTS_LEVELS)
    listed = memo.pages[0].split("Contents", 1)[1]
    positions = [listed.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions), "every heading 1 and 2, in order"
    top_links = sorted((link for link in _links(memo.pdf) if link[0] == 0), key=lambda link: -link[1])
    entries = top_links[: len(headings)]
    targets = [target for _, _, target in entries]
    assert targets == sorted(targets) and all(isinstance(t, int) for t in targets)
    for heading, page in zip(headings, targets, strict=True):
        assert heading in memo.pages[page], (heading, page)  # the entry's link lands on its heading's page


def test_links_resolve_in_the_pdf(converted: dict[str, Converted]) -> None:
    inline = _links(converted["inline"].pdf)
    assert "https://example.org/page" in {target for _, _, target in inline}
    paper = _links(converted["working-level"].pdf)
    pages = len(converted["working-level"].pages)
    internal = [target for _, _, target in paper if isinstance(target, int)]
    assert all(0 <= target < pages for target in internal)
    matrix = next(n for n, p in enumerate(converted["working-level"].pages) if "Comparison matrix Criterion" in p)
    to_options = {target for page, _, target in paper if page == matrix and target < matrix}
    assert len(to_options) >= 2, "the matrix's option names link back to the options' sections"


@pytest.mark.parametrize("name", ["inline", "working-level", "principal"])
def test_no_heading_is_the_last_line_of_a_page(converted: dict[str, Converted], name: str) -> None:
    assert not _headings_stranded(converted[name]), name


def test_the_heading_check_catches_a_heading_left_at_the_foot_of_a_page(converted: dict[str, Converted]) -> None:
    assert _headings_stranded(converted["loose"]) == [("Section 1", "Paragraph 10 says")]


def _headings_stranded(memo: Converted) -> list[tuple[str, str]]:
    """Each heading whose next block does not follow it on its page: (heading, the next block's first words)."""
    stranded = []
    contents = "Contents " + " ".join(_headings(memo.docx, CONTENTS_LEVELS))
    pages = [memo.pages[0].replace(contents, ""), *memo.pages[1:]]  # the headings as they stand, not as listed
    body = list(xpath(_part(memo.docx, "word/document.xml"), "/w:document/w:body/*"))
    for index, element in enumerate(body[:-1]):
        styles = xpath(element, "w:pPr/w:pStyle/@w:val")
        if not (styles and styles[0].startswith("Heading")):
            continue
        following = body[index + 1]
        first = (
            following if following.tag == f"{W}p" else following.find(f".//{W}p")
        )  # a table: pdftotext reads it by column
        heading, following = _words(element), _words(first).split()[:3]
        after = " ".join(following)
        if not any(heading in p and after in p[p.find(heading) + len(heading) :] for p in pages):
            stranded.append((heading, after))
    return stranded
