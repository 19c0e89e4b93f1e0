"""PDF: ``build --format pdf`` converts the Word memos with LibreOffice in one call per build, fills in the contents'
page numbers, gives the same bytes for the same Word file, is incremental like the other formats, and says how to
install LibreOffice when it is missing. The sample's PDFs are checked page by page: the marking on every page, the
page count LibreOffice lays out, and a chart drawn as vector graphics where it stands."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pypdf
import pytest
from briefs import BRIEF, REPO, build_tree
from click.testing import CliRunner
from docx import Document
from docx.oxml import parse_xml

import briefgen.formats.pdf as pdf
from briefgen.builder.run import build
from briefgen.cli import main

MEMO = "kazakhstan-space"
AS_OF = dt.date(2026, 11, 23)
AUDIENCES = ("principal", "working-level", "partner")
MARKINGS = {"principal": "TLP:AMBER", "working-level": "TLP:AMBER+STRICT", "partner": "TLP:CLEAR"}


def _office_or_skip() -> None:
    try:
        pdf.find_office()
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"LibreOffice with its Python bridge is required on CI: {exc}")
        pytest.skip(f"LibreOffice or python3-uno not installed: {exc}")
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")


Calls = list[int]


def spy(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Count LibreOffice calls (one per ``to_pdf``), and the documents each converts."""
    calls: Calls = []
    real: Callable[..., list[bytes]] = pdf.to_pdf

    def counted(documents: Sequence[bytes], dates: Sequence[dt.date], office: Any) -> list[bytes]:
        calls.append(len(documents))
        return real(documents, dates, office)

    monkeypatch.setattr(pdf, "to_pdf", counted)
    return calls


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A copy of the sample built as Word and as PDF (one LibreOffice call, counted)."""
    _office_or_skip()
    root = tmp_path_factory.mktemp("sample")
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, root / name)
    build(root, fmt="docx", as_of=AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        calls = spy(patch)
        build(root, fmt="pdf", as_of=AS_OF)
    return root, calls


def pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60)
    return text.stdout.decode("utf-8").split("\f")[:-1]


def test_one_libreoffice_call_makes_every_pdf(sample: tuple[Path, list[int]]) -> None:
    root, calls = sample
    assert calls == [3]
    for audience in AUDIENCES:
        assert (root / "outputs" / MEMO / f"{audience}.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_marking_is_on_every_page(sample: tuple[Path, list[int]], audience: str) -> None:
    root, _ = sample
    marking = MARKINGS[audience]
    for number, text in enumerate(pages(root / "outputs" / MEMO / f"{audience}.pdf"), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0].endswith(marking) and lines[-1].endswith(marking), (audience, number)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_page_count_is_the_word_memo_s(
    sample: tuple[Path, list[int]], audience: str, pdf_of: Callable[[bytes], str]
) -> None:
    root, _ = sample
    converted = pdf_of((root / "outputs" / MEMO / f"{audience}.docx").read_bytes()).split("\f")[:-1]
    assert len(pages(root / "outputs" / MEMO / f"{audience}.pdf")) == len(converted)
    if audience == "principal":
        assert len(converted) == 1  # the principal memo is still one page


def test_the_charts_are_drawn_where_they_stand(sample: tuple[Path, list[int]], tmp_path: Path) -> None:
    root, _ = sample
    path = root / "outputs" / MEMO / "working-level.pdf"
    texts = pages(path)
    reader = pypdf.PdfReader(path)
    charts = (("Weighted comparison", (0x1F, 0x38, 0x64)), ("hold? Each weight cut and", (0xC5, 0x5A, 0x11)))
    for title, colour in charts:
        number = next(i for i, text in enumerate(texts, 1) if title in text)
        drawn = coloured_pixels(path, number, colour, tmp_path)
        assert drawn > 300, title  # bars, not a blank box
        page = reader.pages[number - 1]
        assert vector_fills(page, colour) >= 4, title  # drawn as filled paths in the series colour ...
        assert not images(page), title  # ... and no picture of them
        other = next(  # the heat map's own page, not the contents that name it
            i
            for i, text in enumerate(texts, 1)
            if "Risk heat map" in text and title not in text and "Contents" not in text
        )
        # the colour is the chart's own: elsewhere only headings' text may share it, and it is not filled paths
        assert coloured_pixels(path, other, colour, tmp_path) < drawn / 3
        assert vector_fills(reader.pages[other - 1], colour) == 0


def vector_fills(page: pypdf.PageObject, rgb: tuple[int, int, int]) -> int:
    """How many paths the page's content fills in the colour ``rgb``: fill operators (``f``, ``f*``, ``B``, ``b``)
    after an ``r g b rg`` that sets it, up to the next colour."""
    content = page.get_contents()
    data = content.get_data().decode("latin-1") if content is not None else ""
    found = 0
    pieces = re.split(r"([\d.]+) ([\d.]+) ([\d.]+) rg\b", data)  # text, r, g, b, text, r, g, b, ...
    for at in range(1, len(pieces) - 3, 4):
        if all(abs(float(pieces[at + k]) - rgb[k] / 255) < 0.01 for k in range(3)):
            found += len(re.findall(r"(?:^|\s)(?:f\*?|B\*?|b\*?)(?=\s|$)", pieces[at + 3]))
    return found


def images(page: pypdf.PageObject) -> list[str]:
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None:
        return []
    objects = objects.get_object()
    return [name for name in objects if objects[name].get_object().get("/Subtype") == "/Image"]


def coloured_pixels(path: Path, page: int, rgb: tuple[int, int, int], folder: Path) -> int:
    """Pixels of about ``rgb`` on a page rendered at 50 dpi."""
    stem = folder / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(stem)],
                   check=True, timeout=60)  # fmt: skip
    data = (folder / f"page{page}.ppm").read_bytes()
    header = data.split(b"\n", 3)  # P6, size, maximum, pixels
    pixels = header[3]
    return sum(1 for i in range(0, len(pixels) - 2, 3) if all(abs(pixels[i + k] - rgb[k]) < 24 for k in range(3)))


def test_the_contents_page_numbers_are_filled_in(tmp_path: Path) -> None:
    _office_or_skip()
    document = Document()
    first = document.add_paragraph("Contents")
    first._p.addnext(parse_xml(CONTENTS))
    for number in range(1, 4):
        document.add_page_break()  # type: ignore[no-untyped-call]
        document.add_heading(f"Chapter {number}", level=1)
    data = io.BytesIO()
    document.save(data)
    made = pdf.to_pdf([data.getvalue()], [AS_OF], pdf.find_office())[0]
    (tmp_path / "toc.pdf").write_bytes(made)
    contents = pages(tmp_path / "toc.pdf")[0]
    for number in range(1, 4):
        assert any(line.startswith(f"Chapter {number}") and line.rstrip().endswith(str(number + 1))
                   for line in contents.splitlines()), contents  # fmt: skip


CONTENTS = (
    '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtPr><w:docPartObj>'
    '<w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent><w:p>'
    '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve">'
    'TOC \\o "1-2" \\h \\z \\u</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:t>Contents</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>'
)


def test_the_same_word_file_gives_the_same_pdf(sample: tuple[Path, list[int]]) -> None:
    root, _ = sample
    docx = (root / "outputs" / MEMO / "partner.docx").read_bytes()
    again = pdf.to_pdf([docx], [AS_OF], pdf.find_office())[0]
    assert again == (root / "outputs" / MEMO / "partner.pdf").read_bytes()
    assert b"/CreationDate(D:20261123000000Z')" in again


def test_pdfs_are_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _office_or_skip()
    root = build_tree(tmp_path, {})
    calls = spy(monkeypatch)
    assert len(build(root, fmt="pdf").written) == 3
    assert build(root, fmt="pdf").written == () and calls == [3]  # nothing converted again
    (root / "briefgen.yaml").write_text(BRIEF.replace("now;", "today;"), encoding="utf-8")
    written = build(root, fmt="pdf").written
    assert written == ("outputs/test-memo/principal.pdf", "outputs/test-memo/working-level.pdf")
    assert calls == [3, 2]  # the two memos that changed, in one call
    (root / "outputs/test-memo/partner.pdf").unlink()
    assert build(root, fmt="pdf").written == ("outputs/test-memo/partner.pdf",)
    assert calls == [3, 2, 1]


def test_an_audience_s_formats_are_its_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _office_or_skip()
    brief = BRIEF.replace("max_marking: TLP:GREEN}", "max_marking: TLP:GREEN, formats: [pdf, html]}")
    root = build_tree(tmp_path, {"briefgen.yaml": brief})
    calls = spy(monkeypatch)
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (root / "outputs/test-memo").iterdir())
    assert [n for n in names if n.startswith("partner")] == ["partner.html", "partner.pdf"]
    assert calls == [1]
    again = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert again.output.strip() == "0 written, 6 unchanged" and calls == [1]


def test_a_missing_libreoffice_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_tree(tmp_path, {})
    monkeypatch.setenv("BRIEFGEN_SOFFICE", str(tmp_path / "no-soffice"))
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])
    assert result.exit_code == 1
    assert "BRIEFGEN_SOFFICE" in result.output and "apt-get install libreoffice" in result.output
    assert "Traceback" not in result.output and result.output.strip().splitlines()[1:] == ["1 error"]
    assert not (root / "outputs").exists()
    monkeypatch.delenv("BRIEFGEN_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])
    assert result.exit_code == 1 and "no soffice is on PATH" in result.output


def test_a_python_without_uno_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_tree(tmp_path, {})
    monkeypatch.setenv("BRIEFGEN_SOFFICE", shutil.which("true") or "/bin/true")
    monkeypatch.setenv("BRIEFGEN_UNO_PYTHON", sys.executable)  # the test environment's Python has no uno
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])
    assert result.exit_code == 1
    assert "python3-uno" in result.output and "BRIEFGEN_UNO_PYTHON" in result.output
    assert not (root / "outputs").exists()


def test_the_sample_contents_give_the_page_each_heading_starts_on(sample: tuple[Path, list[int]]) -> None:
    """The options paper's contents, as LibreOffice exports them, carry page numbers, and each is the page where that
    heading's text stands (the build updates the index before export)."""
    root, _ = sample
    texts = [" ".join(t.split()) for t in pages(root / "outputs" / MEMO / "working-level.pdf")]
    listed = texts[0].split("Contents", 1)[1]
    entries = re.findall(r"([A-Z][^.]*?[^.\s])\s*\.{3,}\s*(\d+)", listed)
    assert len(entries) >= 15, entries  # headings 1 and 2 of the options paper, each with a number
    for heading, number in entries:
        page = int(number)
        assert 1 <= page <= len(texts), (heading, page)
        body = texts[page - 1] if page > 1 else texts[0].split(entries[-1][1], 1)[1]  # past the contents on page 1
        assert heading[-30:] in body, (heading, page)


def test_a_revised_principal_memo_with_its_change_note_is_still_one_page(tmp_path: Path) -> None:
    """Version 2 adds a "What changed" paragraph (two changes and a count of the rest): the action memo keeps room
    for it on its one page."""
    _office_or_skip()
    root = tmp_path / "brief"
    root.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, root / name)
    build(root, fmt="md", as_of=AS_OF)
    evidence = root / "evidence" / "keranen-2025.yaml"
    text = evidence.read_text(encoding="utf-8")
    evidence.write_text(text.replace("credibility: 2", "credibility: 3"), encoding="utf-8")  # every record regraded
    for option in (root / "options").glob("*.yaml"):  # ... and every option retitled: five changes, the longest
        option.write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1, as revised in review", option.read_text()))
    build(root, fmt="pdf", as_of=AS_OF + dt.timedelta(days=2))
    (page,) = (" ".join(text.split()) for text in pages(root / "outputs" / MEMO / "principal.pdf"))
    assert "What changed" in page and "more (see the options paper)" in page
    assert "Prepared by" in page  # the memo's last line


def test_a_pdf_longer_than_its_audience_allows_stops_the_build(tmp_path: Path) -> None:
    """``max_pages``: checked where LibreOffice lays the memo out; a longer PDF is one error line naming the setting
    in briefgen.yaml, exit 1, and nothing is written (not even the Markdown)."""
    _office_or_skip()
    long_brief = BRIEF.replace("template: partner.md.j2, max_marking: TLP:GREEN}",
                               "template: partner.md.j2, max_marking: TLP:GREEN, max_pages: 1}")  # fmt: skip
    long_page = "{% extends 'partner.md.j2' %}{% block body %}{{ super() }}\n" + "\n\n".join(
        f"Paragraph {n} of a memo too long for one page." for n in range(80)
    ) + "\n{% endblock %}\n"  # fmt: skip
    root = build_tree(tmp_path, {"briefgen.yaml": long_brief, "templates/long.md.j2": long_page})
    (root / "briefgen.yaml").write_text(long_brief.replace("template: partner.md.j2", "template: long.md.j2"))
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = next(n for n, text in enumerate(long_brief.splitlines(), 1) if "max_pages" in text)
    assert re.search(rf"^briefgen.yaml:{line}: audiences.partner.max_pages: .*partner.pdf runs to [2-9] pages",
                     result.output, re.MULTILINE), result.output  # fmt: skip
    assert not (root / "outputs").exists()
    (root / "briefgen.yaml").write_text(long_brief.replace("max_pages: 1", "max_pages: 4").replace(
        "template: partner.md.j2", "template: long.md.j2"))  # fmt: skip
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert len(pages(root / "outputs" / "test-memo" / "partner.pdf")) in (2, 3, 4)
    before = (root / "outputs" / "test-memo" / "partner.pdf").read_bytes()
    (root / "briefgen.yaml").write_text(long_brief.replace("template: partner.md.j2", "template: long.md.j2"))
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "pdf"])  # the limit lowered again
    assert result.exit_code == 1, result.output  # the PDF that stands (same Word file) is counted too
    assert "audiences.partner.max_pages" in result.output, result.output
    assert (root / "outputs" / "test-memo" / "partner.pdf").read_bytes() == before
