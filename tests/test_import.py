"""briefgen import: BibTeX, CSL-JSON and RIS entries become sources, and re-importing updates citations only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from briefs import build_tree, snapshot
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.inputs.project import load

BIB = r"""@article{keranen2025,
  author = {Keranen, Christopher S. and {OECD Secretariat} and M{\"u}ller, J{\"o}rg},
  title = {Baikonur: {Space} for Potential Cooperation},
  journal = {{\AE}ther},
  year = 2025,
  month = mar,
  doi = {https://doi.org/10.1000/xyz123},
  keywords = {space, Kazakhstan}
}

@report{worldbank2024,
  author = {{World Bank}},
  title = {Central Asia Connectivity},
  year = {2024}
}
"""
CSL = [
    {
        "id": "keranen2025",
        "type": "article-journal",
        "title": "Baikonur: Space for Potential Cooperation",
        "author": [{"family": "Keranen", "given": "Christopher S."}, {"literal": "OECD Secretariat"}],
        "container-title": "Æther",
        "issued": {"date-parts": [[2025, 3]]},
        "DOI": "10.1000/xyz123",
        "URL": "https://example.org/baikonur",
        "note": "special issue",
    },
    {
        "id": "worldbank2024",
        "type": "report",
        "title": "Central Asia Connectivity",
        "issued": {"date-parts": [[2024]]},
        "author": [{"literal": "World Bank"}],
    },
]
RIS = """TY  - JOUR
ID  - keranen2025
AU  - Keranen, Christopher S.
AU  - OECD Secretariat
TI  - Baikonur: Space for Potential Cooperation
JO  - Æther
PY  - 2025/03//
DO  - 10.1000/xyz123
KW  - space
ER  -

TY  - RPRT
AU  - World Bank
TI  - Central Asia Connectivity
PY  - 2024
ER  -
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", *args, "-p", str(root)])
    return result.exit_code, result.output


def source_of(root: Path, name: str) -> dict[str, object]:
    data = yaml.safe_load((root / "evidence" / name).read_text(encoding="utf-8"))
    assert data["records"] == []
    return dict(data["source"])


@pytest.mark.parametrize(
    ("name", "text"), [("refs.bib", BIB), ("refs.json", json.dumps(CSL, indent=2)), ("refs.ris", RIS)]
)
def test_round_trip_with_a_corporate_author_and_missing_fields(tmp_path: Path, name: str, text: str) -> None:
    root = build_tree(tmp_path / "brief", {})
    code, out = run_import(root, str(write(tmp_path, name, text)))
    assert code == 0, out
    assert out.strip().endswith("2 new, 0 updated, 0 unchanged")
    keranen = source_of(root, "keranen2025.yaml")
    assert keranen["title"] == "Baikonur: Space for Potential Cooperation"
    authors = str(keranen["author"])
    assert authors.startswith("Christopher S. Keranen") and "OECD Secretariat" in authors  # one author, kept whole
    assert keranen["publisher"] == "Æther" and keranen["published"] == "2025-03"
    assert keranen["doi"] == "10.1000/xyz123" and keranen["reliability"] == "F"
    assert keranen["extra"]  # fields briefgen does not use are kept
    ids = [i for i in (root / "evidence").iterdir() if i.name != "src-one.yaml"]
    corporate = source_of(root, next(i.name for i in ids if "keranen" not in i.name))
    assert corporate["author"] == "World Bank" and corporate["published"] == 2024
    assert "url" not in corporate and "publisher" not in corporate  # missing fields stay missing
    brief = load(root)  # the new files are valid evidence files, with records to fill
    assert "keranen2025" in brief.sources


def test_bibtex_names_are_split_before_latex_is_decoded(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    assert run_import(root, str(write(tmp_path, "refs.bib", BIB)))[0] == 0
    assert source_of(root, "keranen2025.yaml")["author"] == "Christopher S. Keranen, OECD Secretariat and Jörg Müller"


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("bad.bib", BIB + "\n@article{broken,\n  author = {Nobody\n  title = {x},\n}\n", 17, "malformed BibTeX entry"),
        ("bad.bib", "@misc{undated, title = {No year}}\n", 1, "has no date"),
        (
            "bad.json",
            '[\n  {"id": "a", "title": "T", "issued": {"date-parts": [[2020]]}},\n  {"id": "b",\n',
            3,
            "malformed",
        ),
        ("bad.json", '[{"id": "a", "issued": {"date-parts": [[2020]]}}]', 1, "has no title"),
        ("bad.ris", RIS + "TY  - JOUR\nTI  - Never ended\n", 17, "no 'ER  - ' line ends it"),
        ("bad.ris", "AU  - Someone\nER  -\n", 1, "expected 'TY  - ' to start an entry"),
        ("deep.json", "[\n" + "[" * 100_000 + "]" * 100_000 + "]", 2, "nested too deeply"),
    ],
)
def test_a_malformed_entry_is_an_error_at_its_line_and_nothing_is_written(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    root = build_tree(tmp_path / "brief", {})
    before = snapshot(root)
    path = write(tmp_path, name, text)
    code, out = run_import(root, str(path))
    assert code == 1, out
    assert f"{path}:{line}:" in out and message in out, out
    assert "Traceback" not in out
    assert snapshot(root) == before


def test_reimport_updates_citation_fields_and_keeps_records_grades_and_comments(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    bib = write(tmp_path, "refs.bib", BIB)
    assert run_import(root, str(bib))[0] == 0
    path = root / "evidence" / "keranen2025.yaml"
    graded = path.read_text().replace("reliability: F", "reliability: B\n  file: sources/keranen.pdf")
    graded = graded.replace(
        "records: []", 'records:\n  # my notes\n  - {id: E-9, claim: C., quote: "Q.", credibility: 2, as_of: 2025}'
    )
    path.write_text(graded)
    write(tmp_path, "refs.bib", BIB.replace("for Potential Cooperation", "for Cooperation"))
    code, out = run_import(root, str(bib), "--dry-run")
    assert code == 0 and "would update evidence/keranen2025.yaml (keranen2025): title" in out
    assert path.read_text() == graded
    code, out = run_import(root, str(bib))
    assert code == 0 and "updated evidence/keranen2025.yaml (keranen2025): title" in out, out
    text = path.read_text()
    assert "title: 'Baikonur: Space for Cooperation'" in text or "title: 'Baikonur: Space for Cooperation'\n" in text
    assert "reliability: B" in text and "file: sources/keranen.pdf" in text
    assert text.endswith('records:\n  # my notes\n  - {id: E-9, claim: C., quote: "Q.", credibility: 2, as_of: 2025}\n')
    assert run_import(root, str(bib))[1].strip().endswith("0 new, 0 updated, 2 unchanged")


def test_reimport_matches_by_doi_or_url(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    existing = "source:\n  id: my-keranen\n  title: Old title\n  published: 2025\n  doi: 10.1000/XYZ123\n"
    existing += "  reliability: B\nrecords: []\n"
    (root / "evidence" / "my-keranen.yaml").write_text(existing)
    code, out = run_import(root, str(write(tmp_path, "refs.json", json.dumps(CSL))))
    assert code == 0 and "updated evidence/my-keranen.yaml (my-keranen)" in out, out
    assert source_of(root, "my-keranen.yaml")["id"] == "my-keranen"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    before = snapshot(root)
    code, out = run_import(root, str(write(tmp_path, "refs.ris", RIS)), "--dry-run")
    assert code == 0 and "would create evidence/keranen2025.yaml" in out and "(dry run: nothing written)" in out
    assert snapshot(root) == before


def test_never_through_a_link_nor_outside_evidence(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    target = tmp_path / "elsewhere.yaml"
    target.write_text("precious\n")
    (root / "evidence" / "keranen2025.yaml").symlink_to(target)
    code, out = run_import(root, str(write(tmp_path, "refs.bib", BIB)))
    assert code == 1 and target.read_text() == "precious\n", out
    code, out = run_import(root, str(write(tmp_path, "refs.bib", BIB)), "--into", str(tmp_path))
    assert code == 1 and "into the project's evidence/ folder only" in out


def test_an_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "brief", {})
    code, out = run_import(root, str(write(tmp_path, "refs.txt", "x")))
    assert code == 1 and "expected a .bib, .json (CSL-JSON) or .ris file" in out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("refs.bib", "@misc{clerk2026, author = {{Riverton City Clerk}}, title = {Council minutes}, year = 2026}\n"),
        (
            "refs.json",
            json.dumps(
                [
                    {
                        "id": "clerk2026",
                        "title": "Council minutes",
                        "issued": {"date-parts": [[2026]]},
                        "author": [{"literal": "Riverton City Clerk"}],
                    }
                ]
            ),
        ),
        (
            "refs.ris",
            "TY  - GEN\nID  - clerk2026\nAU  - Riverton City Clerk\nTI  - Council minutes\nPY  - 2026\nER  -\n",
        ),
    ],
)
def test_an_organisation_the_export_marks_is_cited_whole_in_short_notes(tmp_path: Path, name: str, text: str) -> None:
    """ "{Riverton City Clerk}" reads like a person's name (no word of it says organisation), so the short citation
    cut it to "Clerk 2026"; the export says it is an organisation, and the import writes the short form whole."""
    from briefgen.analysis.sources import short_citation

    root = build_tree(tmp_path / "brief", {})
    assert run_import(root, str(write(tmp_path, name, text)))[0] == 0
    assert short_citation(load(root), "clerk2026") == "Riverton City Clerk 2026"
    people = "@misc{doe2026, author = {Doe, Jane}, title = {A note}, year = 2026}\n"
    assert run_import(root, str(write(tmp_path, "people.bib", people)))[0] == 0
    assert "short" not in source_of(root, "doe2026.yaml")  # people keep the derived short form: "Doe 2026"


def test_an_entry_named_like_a_record_is_refused_not_written(tmp_path: Path) -> None:
    """Ids are one namespace across sources and records: a source 'E-1' beside the record E-1 would leave the
    project failing check."""
    root = build_tree(tmp_path / "brief", {})
    before = snapshot(root)
    entry = [{"id": "E-1", "title": "A report named like a record", "issued": {"date-parts": [[2024]]}}]
    code, out = run_import(root, str(write(tmp_path, "refs.json", json.dumps(entry))))
    assert code == 1 and "'E-1' is the id of a record in evidence/src-one.yaml" in out, out
    assert snapshot(root) == before
    assert run_check_code(root) == 0


def run_check_code(root: Path) -> int:
    return CliRunner().invoke(main, ["check", "-p", str(root)]).exit_code
