"""briefgen verify: every quote against its source's text, in every kind of file a source may name."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from briefs import BRIEF, REPO, build_tree, snapshot
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from briefgen.analysis.quotes import find_quote, fold, pieces
from briefgen.builder.texts import TEXTS_DIR
from briefgen.cli import main

# The seed articles are not in the repository (README: "The sample brief's seed articles"): they sit in
# ../shared/seeds beside a checkout, or wherever BRIEFGEN_SEEDS points; without them these tests skip, saying so.
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
SEEDS = Path(os.environ.get("BRIEFGEN_SEEDS") or SHARED_SEEDS)
SEEDS_MISSING = (
    f"seed articles not found at {SEEDS}: put them in ../shared/seeds or set BRIEFGEN_SEEDS "
    '(README: "The sample brief\'s seed articles")'
)
ARTICLE = (
    "Baikonur\u2019s \u201cdevil\u2019s venom\u201d \u2013 as one study put it \u2014 costs \\$115 million.\u00b9 "
    "The sanctions greatly diminished the commercial launch potential for the Soyuz-5, which was a key source of "
    "investment revenue.13 Yet Russia continues to launch Proton rockets, with plans to extend their use through "
    "2026. The G20 met in 2019. Efforts to transfer control started in 2012. In 2018, the two nations agreed."
)
EVIDENCE = """\
source:
  id: src-one
  title: A report
  publisher: An outlet
  published: 2024-05
  reliability: B
  file: {file}
records:
  - id: E-1
    claim: Something happened.
    quote: "{quote}"
    credibility: 2
    as_of: 2024-05
  - id: E-2
    claim: Something else happened.
    quote: "Something else happened."
    credibility: 3
    as_of: 2024
    marking: TLP:AMBER
"""


def project(tmp_path: Path, quote: str, file: str = "sources/article.txt", text: bytes | None = None) -> Path:
    body = (text if text is not None else f"{ARTICLE} Something else happened.".encode()).decode("latin-1")
    files: dict[str, str | bytes | None] = {
        "evidence/src-one.yaml": EVIDENCE.format(file=file, quote=quote.replace('"', '\\"')),
    }
    root = build_tree(tmp_path, files)
    target = root / file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text if text is not None else body.encode("latin-1"))
    return root


def run_verify(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", "-p", str(root)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "quote",
    [
        "Baikonur's \"devil's venom\" - as one study put it - costs $115 million.",  # folded typography and \$
        "costs $115 million. The sanctions greatly diminished",  # a footnote mark the quote leaves out
        "revenue.13 Yet Russia continues",  # ... or keeps
        "The sanctions greatly diminished ... which was a key source of investment revenue.",  # an ellipsis splice
        "Yet Russia continues to launch Proton rockets [\u2026] through 2026.",
        "the sanctions GREATLY diminished the commercial launch potential",  # case
    ],
)
def test_quotes_that_pass(tmp_path: Path, quote: str) -> None:
    code, out = run_verify(project(tmp_path, quote))
    assert code == 0, out
    assert out.strip() == "2 quotes: 2 verified against 1 source text"


def test_a_one_word_change_fails_with_the_records_line_the_passage_and_a_diff(tmp_path: Path) -> None:
    root = project(tmp_path, "The sanctions already diminished the commercial launch potential for the Soyuz-5.")
    before = snapshot(root)
    code, out = run_verify(root)
    assert code == 1
    line = out.splitlines()[0]
    assert line.startswith("evidence/src-one.yaml:11: records[0].quote: E-1: quote not found in sources/article.txt")
    assert re.search(r"closest passage: '[^']*The sanctions greatly diminished the commercial launch", line)
    assert "[-already-] {+greatly+}" in line
    assert out.strip().endswith("1 error")
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "quote",
    [
        "The G7 met in 2019.",  # a number is no footnote mark
        "Yet Russia continues to launch Proton rockets ... in 2012.",  # pieces too far apart
        "Efforts to transfer control started in 2012 ... The G20 met in 2019.",  # pieces out of order
        "The sanctions diminished the commercial launch potential",  # a word left out
    ],
)
def test_quotes_that_fail(tmp_path: Path, quote: str) -> None:
    settings = "source_texts: {max_gap: 80}\n"
    root = project(tmp_path, quote)
    (root / "briefgen.yaml").write_text(BRIEF + settings)
    code, out = run_verify(root)
    assert code == 1, out


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1, max_size=80))
def test_a_passage_of_the_text_always_matches_itself(text: str) -> None:
    source = fold(f"Before. {text} After.")
    if pieces(text):
        assert find_quote(text, source, 600) is not None


def test_footnote_marks_and_numbers() -> None:
    assert fold("to Tashkent.\u00b9 From").text == "to tashkent. from"
    assert fold("the lease.13 Yet").text == "the lease. yet"
    assert fold("G20, Soyuz-5 and 1961").text == "g20, soyuz-5 and 1961"
    assert (
        fold("coopera-\ntion, dual - use, \ufb01nal, soft\u00adhyphen").text
        == "cooperation, dualuse, final, softhyphen"
    )


def _pdf(lines: list[str]) -> bytes:
    """A small valid PDF (Helvetica, one page) with these lines, written by hand: no PDF library needed."""
    content = "BT /F1 11 Tf 50 750 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_source_with_a_line_break_hyphen(tmp_path: Path) -> None:
    pdf = _pdf(
        ["Kazakhstan is inclined to seek new part-", "ners for the Baiterek complex.", "Something else happened."]
    )
    root = project(tmp_path, "inclined to seek new partners for the Baiterek complex", "sources/report.pdf", pdf)
    code, out = run_verify(root)
    assert code == 0, out
    cached = list((root / TEXTS_DIR).iterdir())
    assert len(cached) == 1 and "pdf" in cached[0].name  # extracted once, kept by digest
    code, out = run_verify(root)
    assert code == 0 and list((root / TEXTS_DIR).iterdir()) == cached
    changed = project(tmp_path / "b", "inclined to seek new allies for the Baiterek complex", "sources/report.pdf", pdf)
    assert run_verify(changed)[0] == 1


def test_check_strict_verifies_a_pdf_source_without_writing_anything(tmp_path: Path) -> None:
    """check writes nothing, --strict too: verify's text cache is read if there, never written."""
    pdf = _pdf(["Kazakhstan is inclined to seek new partners.", "Something else happened."])
    root = project(tmp_path, "inclined to seek new partners", "sources/report.pdf", pdf)
    before = snapshot(root)
    result = CliRunner().invoke(main, ["check", "--strict", "-p", str(root), "--as-of", "2026-11-23"])
    assert "not found" not in result.output and "report.pdf" not in result.output, result.output
    assert snapshot(root) == before and not (root / ".briefgen").exists()


HTML = b"""<!DOCTYPE html><html><head><title>Nav title</title><style>p {}</style></head><body>
<nav>Home | About</nav><article><h1>Report</h1><p>Kazakhstan&nbsp;operates the <b>KazSat-2</b> and
<i>KazSat-3</i> communi&shy;cations satellites.</p><script>var hidden = "Something happened.";</script>
<blockquote>Something else happened.</blockquote><table><tr><td>Launches</td><td>12</td></tr></table></article>
</body></html>"""


def test_an_html_source(tmp_path: Path) -> None:
    root = project(tmp_path, "Kazakhstan operates the KazSat-2 and KazSat-3 communications satellites.", "a.html", HTML)
    assert run_verify(root)[0] == 0
    hidden = project(tmp_path / "b", "var hidden = Something happened.", "a.html", HTML)
    assert run_verify(hidden)[0] == 1  # script text is no part of the page a reader sees


def test_a_word_source_without_its_deleted_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Russia will ")
    deleted = paragraph._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}del", {})
    run = deleted.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}r", {})
    text = run.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}delText", {})
    text.text = "not "
    run.append(text)
    deleted.append(run)
    paragraph._p.append(deleted)
    paragraph.add_run("keep the lease.")
    document.add_paragraph("Something else happened.")
    data = io.BytesIO()
    document.save(data)
    assert run_verify(project(tmp_path, "Russia will keep the lease.", "w.docx", data.getvalue()))[0] == 0
    assert run_verify(project(tmp_path / "b", "Russia will not keep the lease.", "w.docx", data.getvalue()))[0] == 1


def test_sources_without_files_are_unverifiable_not_passed(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    code, out = run_verify(root)
    assert (
        code == 0
        and out.strip() == "2 quotes: 0 verified against 0 source texts, 2 unverifiable (their sources name no file)"
    )


def test_a_missing_source_text_and_a_missing_folder_are_clear_errors(tmp_path: Path) -> None:
    root = project(tmp_path, "Something happened.")
    (root / "sources" / "article.txt").unlink()
    code, out = run_verify(root)
    assert code == 1 and "evidence/src-one.yaml:7: source.file: source text 'sources/article.txt' not found in" in out
    (root / "briefgen.yaml").write_text(BRIEF + "source_texts: {folder: ../library, outside_project: true}\n")
    code, out = run_verify(root)
    assert code == 1 and "briefgen.yaml:" in out and "the source-texts folder '../library' does not exist" in out
    assert "Traceback" not in out


def test_a_folder_outside_the_project_needs_the_explicit_setting(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    (library / "article.txt").write_text(f"{ARTICLE} Something else happened.")
    root = project(tmp_path / "brief", "Something else happened. ")
    (root / "evidence" / "src-one.yaml").write_text(EVIDENCE.format(file="article.txt", quote="costs $115 million."))
    (root / "briefgen.yaml").write_text(BRIEF + "source_texts: {folder: ../library}\n")
    code, out = run_verify(root)
    assert code == 1 and "set source_texts.outside_project: true" in out
    (root / "briefgen.yaml").write_text(BRIEF + "source_texts: {folder: ../library, outside_project: true}\n")
    before = snapshot(library)
    assert run_verify(root)[0] == 0
    assert snapshot(library) == before  # read only


def test_a_link_out_of_the_source_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Something happened. Something else happened.")
    root = project(tmp_path / "brief", "Something happened.")
    (root / "sources" / "article.txt").unlink()
    (root / "sources" / "article.txt").symlink_to(outside)
    code, out = run_verify(root)
    assert code == 1 and "leads outside the source-texts folder: refused" in out


@pytest.mark.parametrize("file", ["/etc/passwd", "../x.txt", "a\\b.txt"])
def test_a_source_file_must_be_a_relative_path(tmp_path: Path, file: str) -> None:
    root = project(tmp_path, "Something happened.")
    (root / "evidence" / "src-one.yaml").write_text(EVIDENCE.format(file=f"'{file}'", quote="x"))
    result = CliRunner().invoke(main, ["check", "-p", str(root)])
    assert result.exit_code == 1 and re.search(r"source\.file: expected a relative path", result.output), result.output


def _seeded_sample(tmp_path: Path) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(SEEDS_MISSING)
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, root / name)
    text = (root / "briefgen.yaml").read_text().replace("folder: ../shared/seeds", f"folder: {SEEDS}")
    (root / "briefgen.yaml").write_text(text)
    return root


def test_the_sample_verifies_and_fails_on_a_changed_quote(tmp_path: Path) -> None:
    if SHARED_SEEDS.is_dir():
        result = CliRunner().invoke(main, ["verify", "-p", str(REPO)])  # the repository itself, as documented
        assert result.exit_code == 0, result.output
    root = _seeded_sample(tmp_path)
    code, out = run_verify(root)
    assert code == 0 and re.fullmatch(r"\d+ quotes: \d+ verified against 5 source texts\n", out), out
    path = root / "evidence" / "keranen-2025.yaml"
    path.write_text(path.read_text().replace("greatly diminished", "already removed", 1))
    code, out = run_verify(root)
    assert code == 1 and "[-already removed-] {+greatly diminished+}" in out


def test_the_sample_meets_its_own_standard(tmp_path: Path) -> None:
    """check --strict (stale evidence, verify, every lint rule) passes on the sample at its memo's date."""
    root = _seeded_sample(tmp_path)
    result = CliRunner().invoke(main, ["check", "-p", str(root), "--strict", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
