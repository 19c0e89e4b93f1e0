"""The sample brief, end to end: golden Markdown, Word outputs that LibreOffice opens, a principal memo of at
most two pages. Update the golden files after an intended change with ``BRIEFGEN_UPDATE_GOLDEN=1 make test``."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from briefs import REPO
from docx import Document

from briefgen.builder.run import build

GOLDEN = Path(__file__).resolve().parent / "golden"
AUDIENCES = ("principal", "working-level", "partner")
MEMO = "kazakhstan-space"
AS_OF = dt.date(2026, 11, 23)  # staleness is judged at a fixed date, so the golden files stay true


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample brief, built."""
    root = tmp_path_factory.mktemp("sample")
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    build(root, as_of=AS_OF)
    return root


@pytest.mark.parametrize("audience", AUDIENCES)
def test_markdown_matches_golden(sample: Path, audience: str) -> None:
    produced = (sample / "outputs" / MEMO / f"{audience}.md").read_text(encoding="utf-8")
    golden = GOLDEN / f"{MEMO}-{audience}.md"
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run BRIEFGEN_UPDATE_GOLDEN=1 make test"
    assert produced == golden.read_text(encoding="utf-8")


def test_partner_sees_nothing_above_green(sample: Path) -> None:
    text = (sample / "outputs" / MEMO / "partner.md").read_text(encoding="utf-8")
    assert "TLP:AMBER" not in text and "TLP:RED" not in text
    assert text.startswith("**TLP:CLEAR**") or text.startswith("**TLP:GREEN**")


def test_options_paper_carries_amber_portions(sample: Path) -> None:
    text = (sample / "outputs" / MEMO / "working-level.md").read_text(encoding="utf-8")
    assert text.startswith("**TLP:AMBER+STRICT**")
    assert "(TLP:AMBER) " in text and "(TLP:AMBER+STRICT) " in text
    for section in (
        "## Summary",
        "## Decision required",
        "## Recommendation",
        "## Background",
        "## Key judgments",
        "## Criteria",
        "## Options",
        "## Comparison matrix",
        "## Risk heat map",
        "## Implementation",
        "## Dissent",
        "## Sources",
        "\n[^1]: ",  # the notes are footnotes
    ):
        assert section in text, section


@pytest.mark.parametrize("audience", AUDIENCES)
def test_word_output_structure(sample: Path, audience: str) -> None:
    path = sample / "outputs" / MEMO / f"{audience}.docx"
    document = Document(str(path))
    markdown = (sample / "outputs" / MEMO / f"{audience}.md").read_text(encoding="utf-8")
    marking = markdown.splitlines()[0].strip("*")
    section = document.sections[0]
    assert marking in "".join(p.text for p in section.header.paragraphs)
    footer_xml = section.footer._element.xml
    assert "NUMPAGES" in footer_xml and "PAGE" in footer_xml and marking in footer_xml
    assert document.core_properties.created is not None and document.core_properties.created.year == 2026
    for table in document.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), "header row does not repeat"
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    md_headings = [
        re.sub(r"^#+ ", "", line).replace("\\", "") for line in markdown.splitlines() if line.startswith("#")
    ]
    assert [h.replace("\u2019", "'") for h in headings] == md_headings  # Word's apostrophes are curly


def test_shaded_risk_levels_in_the_options_paper(sample: Path) -> None:
    document = Document(str(sample / "outputs" / MEMO / "working-level.docx"))
    fills = {
        cell.text: cell._tc.xpath("./w:tcPr/w:shd/@w:fill")
        for table in document.tables
        for row in table.rows[1:]
        for cell in row.cells
        if cell.text in ("Very Low", "Low", "Moderate", "High", "Very High")
    }
    assert len(fills) == 5 and all(fills.values())
    assert len({f[0] for f in fills.values()}) == 5, "each level has its own colour"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def pdfs(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    binary = soffice()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed: Word outputs not converted to PDF")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    files = [str(sample / "outputs" / MEMO / f"{a}.docx") for a in AUDIENCES]
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {a: out / f"{a}.pdf" for a in AUDIENCES}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match
    return int(match.group(1))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_libreoffice_opens_every_sample_memo(pdfs: dict[str, Path], audience: str) -> None:
    assert pdfs[audience].stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdfs[audience]), "-"], check=True, capture_output=True, text=True).stdout
    assert "TLP:" in text and "Page 1 of" in text


def test_principal_memo_fits_two_pages_and_normally_one(pdfs: dict[str, Path]) -> None:
    assert pages(pdfs["principal"]) == 1  # conventions allow two; the sample's action memo fits one
