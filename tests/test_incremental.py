"""Incremental builds: an output is rebuilt exactly when something it depends on changed, never churned, and a
rebuilt memo says what changed."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from briefs import BRIEF, EVIDENCE, LINT_OFF, build_tree
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.cli import main

DAY1 = dt.date(2025, 6, 10)
DAY2 = dt.date(2025, 7, 20)
UNCITED = """
  - id: E-3
    claim: A record nobody cites.
    quote: "Nobody cites this."
    credibility: 3
    as_of: 2024-05
"""


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every memo output with its inode and bytes: a rewrite (even of equal bytes) changes the inode."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in sorted(root.glob("outputs/*/*"))}


def rewritten(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE + UNCITED})
    build(root, as_of=DAY1)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_no_change_rewrites_nothing(project: Path) -> None:
    before = files(project)
    result = build(project, as_of=DAY1)
    assert result.written == () and len(result.unchanged) == 6
    assert files(project) == before


def test_uncited_record_edited_rewrites_nothing(project: Path) -> None:
    before = files(project)
    edit(project / "evidence" / "src-one.yaml", "A record nobody cites.", "A record nobody cites, revised.")
    result = build(project, as_of=DAY1)
    assert result.written == ()
    assert files(project) == before


def test_cited_record_edited_rewrites_exactly_its_citers_with_a_change_note(project: Path) -> None:
    before = files(project)
    edit(project / "evidence" / "src-one.yaml", "claim: Something happened.", "claim: Something big happened.")
    result = build(project, as_of=DAY2)
    expected = [f"outputs/test-memo/{a}.{f}" for a in ("principal", "working-level") for f in ("docx", "md")]
    assert sorted(result.written) == expected
    assert rewritten(before, files(project)) == expected
    paper = (project / "outputs/test-memo/working-level.md").read_text()
    assert "## What changed in version 2" in paper
    assert "- Revised E-1: Something big happened." in paper
    assert "**Date:** 20 July 2025 · **Version:** 2" in paper
    principal = (project / "outputs/test-memo/principal.md").read_text()
    assert "**What changed:** Revised E-1: Something big happened." in principal
    partner = (project / "outputs/test-memo/partner.md").read_text()
    assert "10 June 2025" in partner and "What changed" not in partner
    assert build(project, as_of=DAY2).written == (), "a second build churned"


def test_template_edited_rewrites_only_its_audience(project: Path) -> None:
    before = files(project)
    edit(project / "templates" / "partner.md.j2", "## What we propose", "## Our proposal")
    result = build(project, as_of=DAY2)
    assert sorted(result.written) == ["outputs/test-memo/partner.docx", "outputs/test-memo/partner.md"]
    assert rewritten(before, files(project)) == sorted(result.written)
    partner = (project / "outputs/test-memo/partner.md").read_text()
    assert "Wording or layout revised; no change to evidence, risk levels or ranks" not in partner  # partner shows none


def test_base_template_edited_rewrites_every_audience(project: Path) -> None:
    edit(
        project / "templates" / "base.md.j2",
        "{% block footer %}**{{ memo.marking }}**",
        "{% block footer %}**{{ memo.marking }}** (end)",
    )
    result = build(project, as_of=DAY2)
    assert len(result.written) == 6
    paper = (project / "outputs/test-memo/working-level.md").read_text()
    assert paper.rstrip().endswith("(end)")
    assert "- Wording or layout revised; no change to evidence, risk levels or ranks" in paper


def test_base_template_edit_in_an_overridden_block_rewrites_nothing(project: Path) -> None:
    edit(project / "templates" / "base.md.j2", "## Notes", "## Endnotes")  # every audience here overrides or skips it
    assert build(project, as_of=DAY2).written == ()


def restyle(ref: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(ref.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b"1F3864", b"7F1F1F")
            target.writestr(item, data)
    ref.write_bytes(out.getvalue())


WORD_OUTPUTS = [f"outputs/test-memo/{a}.docx" for a in ("partner", "principal", "working-level")]


def test_reference_document_edited_rewrites_only_word_outputs(project: Path) -> None:
    before = files(project)
    restyle(project / "templates" / "reference.docx")
    result = build(project, as_of=DAY2)
    assert sorted(result.written) == WORD_OUTPUTS
    assert rewritten(before, files(project)) == sorted(result.written)


def test_reference_document_outside_templates_is_watched_too(project: Path) -> None:
    (project / "style").mkdir()
    (project / "templates" / "reference.docx").rename(project / "style" / "house.docx")
    (project / "briefgen.yaml").write_text(
        (project / "briefgen.yaml").read_text() + "style: {reference: style/house.docx}\n"
    )
    build(project, as_of=DAY1)
    assert build(project, as_of=DAY1).written == ()
    restyle(project / "style" / "house.docx")
    assert sorted(build(project, as_of=DAY1).written) == WORD_OUTPUTS


def test_deleted_output_is_rebuilt(project: Path) -> None:
    (project / "outputs/test-memo/principal.docx").unlink()
    assert build(project, as_of=DAY1).written == ("outputs/test-memo/principal.docx",)


def test_dry_run_lists_what_and_why_and_writes_nothing(project: Path) -> None:
    edit(project / "evidence" / "src-one.yaml", "claim: Something happened.", "claim: Something big happened.")
    before = files(project)
    manifest = (project / ".briefgen" / "manifest.json").read_bytes()
    result = CliRunner().invoke(main, ["build", "-p", str(project), "--dry-run", "--as-of", "2025-07-20"])
    assert result.exit_code == 0, result.output
    assert "would rebuild outputs/test-memo/working-level.md: record E-1 changed" in result.output
    assert "2 to rebuild, 2 up to date (dry run)" in result.output.replace("4 to rebuild", "2 to rebuild") or (
        "4 to rebuild, 2 up to date (dry run)" in result.output
    )
    assert files(project) == before
    assert (project / ".briefgen" / "manifest.json").read_bytes() == manifest


def test_risk_level_and_rank_moves_are_named(project: Path) -> None:
    edit(project / "options" / "beta.yaml", "score: 4", "score: 5")
    edit(project / "options" / "alpha.yaml", "likelihood: moderate", "likelihood: very-high")
    build(project, as_of=DAY2)
    paper = (project / "outputs/test-memo/working-level.md").read_text()
    assert "- Risk R-alpha-1 level Moderate → High" in paper
    assert "- Rank of Option alpha: 1 → 2" in paper
    assert "- Option revised: Option beta" in paper


def test_evidence_turning_stale_rebuilds_and_is_flagged(project: Path) -> None:
    assert build(project, as_of=DAY1).written == ()
    later = dt.date(2025, 12, 1)  # E-1 (as of 2024-05) is stale after 30 November 2025 with the 18-month default
    result = build(project, as_of=later)
    assert "outputs/test-memo/working-level.md" in result.written
    paper = (project / "outputs/test-memo/working-level.md").read_text()
    assert "E-1 (B2, *stale*): “Something happened.”" in paper and "E-2 (B3): “" in paper  # the footnotes
    assert "1 of the 2 cited records is older than 18 months and marked *stale* in the notes" in paper


def test_check_strict_fails_on_stale_cited_evidence(project: Path) -> None:
    (project / "briefgen.yaml").write_text(BRIEF + LINT_OFF)
    ok = CliRunner().invoke(main, ["check", "-p", str(project), "--strict", "--as-of", "2025-11-30"])
    assert ok.exit_code == 0, ok.output
    stale = CliRunner().invoke(main, ["check", "-p", str(project), "--strict", "--as-of", "2025-12-01"])
    assert stale.exit_code == 1
    assert (
        "evidence/src-one.yaml:12: records[0].as_of: E-1 is stale: as of 2024-05, older than 18 months" in stale.output
    )
    assert "E-3" not in stale.output  # uncited


def test_manifest_records_exact_dependencies(project: Path) -> None:
    manifest = json.loads((project / ".briefgen" / "manifest.json").read_text())
    deps = manifest["entries"]["test-memo/principal"]["deps"]
    assert "record:E-1" in deps and "record:E-2" not in deps and "record:E-3" not in deps
    assert {"template:base.md.j2", "template:principal.md.j2", "option:alpha", "option:beta"} <= set(deps)
    assert "reference" in manifest["entries"]["test-memo/principal"]["docx_deps"]


def test_a_build_parses_only_the_files_that_changed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    load_module = importlib.import_module("briefgen.inputs.load")
    parsed: list[str] = []
    real = load_module.parse_yaml

    def counting(raw: bytes, path: str) -> object:
        parsed.append(path)
        return real(raw, path)

    monkeypatch.setattr(load_module, "parse_yaml", counting)
    edit(project / "options" / "beta.yaml", "It costs.", "It costs a lot.")
    build(project, as_of=DAY2)
    assert parsed == ["options/beta.yaml"]
    parsed.clear()
    assert build(project, as_of=DAY2).written == ()
    assert parsed == [], "a build with nothing to do parsed files"


def _matches_a_fresh_render(root: Path, today: dt.date) -> list[str]:
    """Outputs whose Markdown differs from rendering the inputs as they stand now with the same version history:
    an incremental build must leave none (the oracle for "rebuilt exactly when something it shows changed")."""
    from briefgen.analysis.memo_context import History
    from briefgen.builder.manifest import read_manifest
    from briefgen.builder.outputs import render_md, targets
    from briefgen.inputs.project import load
    from briefgen.inputs.scales import PartialDate

    brief = load(root)
    manifest = read_manifest(root)
    stale = []
    for target in targets(brief):
        entry = manifest.entries[target.key]
        history = History(entry.version, PartialDate.parse(entry.date) if entry.date else None, entry.changes)
        _, rendered = render_md(brief, target, today, history)
        if (root / target.path("md")).read_text(encoding="utf-8") != rendered.text:
            stale.append(str(target.path("md")))
    return stale


RISK_ONLY = """
  - id: E-9
    claim: Backs only a risk.
    quote: "Backs only a risk."
    credibility: 2
    as_of: 2024-05
"""


RAISES = {
    "record behind a risk row only": (
        "    claim: Backs only a risk.\n",
        "    claim: Backs only a risk.\n    marking: TLP:RED\n",
    ),
    "record cited everywhere": (
        "    claim: Something happened.\n",
        "    claim: Something happened.\n    marking: TLP:RED\n",
    ),
    "the whole source": ("  reliability: B\n", "  reliability: B\n  marking: TLP:AMBER+STRICT\n"),
}


@pytest.mark.parametrize("case", sorted(RAISES))
def test_marking_raised_on_any_record_a_memo_rests_on_rebuilds_what_shows_it(tmp_path: Path, case: str) -> None:
    root = build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE + RISK_ONLY})
    edit(root / "options/alpha.yaml", "owner: Desk\n    evidence: [E-1]", "owner: Desk\n    evidence: [E-9]")
    build(root, as_of=DAY1)
    edit(root / "evidence/src-one.yaml", *RAISES[case])
    build(root, as_of=DAY1)
    assert _matches_a_fresh_render(root, DAY1) == []


def test_a_record_raised_above_an_audience_leaves_no_trace_of_its_claim_in_outputs(project: Path) -> None:
    edit(
        project / "evidence" / "src-one.yaml",
        "    claim: Something happened.\n",
        "    claim: Something happened.\n    marking: TLP:RED\n",
    )
    build(project, as_of=DAY2)
    principal = (project / "outputs/test-memo/principal.md").read_text()
    assert "2 items withheld at a higher marking" in principal  # E-1 and the risk resting on it: counted, not named
    for path in sorted((project / "outputs").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".docx":
                data = b"".join(
                    zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                )
            assert b"Something happened" not in data, path
            assert b"E-1" not in data, path
            # The AMBER record is in the principal and working-level memos, and nowhere else in outputs/.
            if "partner" in path.name or path.name.startswith((".", "manifest")):
                assert b"Something else happened" not in data, path
    assert (project / ".briefgen" / "cache.json").is_file()


def test_outputs_of_a_dropped_audience_are_removed_unless_edited_by_hand(project: Path) -> None:
    (project / "outputs/test-memo/principal.md").write_text("My own notes on this memo.\n")
    edit(project / "briefgen.yaml", "audiences: [principal, working-level, partner]", "audiences: [working-level]")
    result = build(project, as_of=DAY1)
    assert sorted(result.removed) == [
        "outputs/test-memo/partner.docx",
        "outputs/test-memo/partner.md",
        "outputs/test-memo/principal.docx",
    ]
    assert result.kept == ("outputs/test-memo/principal.md",)
    assert sorted(p.name for p in (project / "outputs/test-memo").iterdir()) == [
        "principal.md",
        "working-level-scores.svg",
        "working-level-tornado.svg",
        "working-level.docx",
        "working-level.md",
    ]
    manifest = json.loads((project / ".briefgen/manifest.json").read_text())
    assert sorted(manifest["entries"]) == ["test-memo/working-level"]
    assert "kept outputs/test-memo/principal.md" in str(result)


def test_an_option_edit_an_audience_never_sees_leaves_its_memo_alone(project: Path) -> None:
    edit(project / "options/alpha.yaml", "mitigation: Watch it.", "mitigation: Watch it closely.")
    result = build(project, as_of=DAY2)
    assert "outputs/test-memo/working-level.md" in result.written
    assert not [p for p in result.written if "partner" in p], result.written  # its template shows no risks
    partner = (project / "outputs/test-memo/partner.md").read_text()
    assert "10 June 2025" in partner and "20 July 2025" not in partner


def test_a_parse_cache_left_in_outputs_by_an_earlier_version_is_removed(project: Path) -> None:
    (project / "outputs" / ".cache.json").write_text('{"evidence/src-one.yaml": ["x", {"secret": 1}]}')
    assert build(project, as_of=DAY1).written == ()  # even a build with nothing to do
    assert not (project / "outputs" / ".cache.json").exists()


def test_change_lines_quoting_an_amber_claim_stay_out_of_what_a_green_reader_gets(project: Path) -> None:
    edit(project / "evidence" / "src-one.yaml", "claim: Something else happened.", "claim: SECRETAMBER happened.")
    build(project, as_of=DAY2)
    holders = sorted(
        str(p.relative_to(project))
        for p in (project / "outputs").rglob("*")
        if p.is_file()
        and b"SECRETAMBER" in (p.read_bytes() if p.suffix != ".docx" else zipfile.ZipFile(p).read("word/document.xml"))
    )
    assert "outputs/test-memo/working-level.md" in holders  # the paper shows the claim and its revision line
    assert all("partner" not in h for h in holders), holders
    assert not (project / "outputs" / "manifest.json").exists()


def test_a_template_showing_the_reference_date_is_rebuilt_the_next_day(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    source = (root / "templates" / "partner.md.j2").read_text()
    (root / "templates" / "partner.md.j2").write_text(
        source.replace("{% block body %}", "{% block body %}\nAs of {{ memo.as_of }}.\n", 1)
    )
    build(root, as_of=DAY1)
    assert build(root, as_of=DAY1).written == ()
    result = build(root, as_of=DAY2)
    assert sorted(result.written) == ["outputs/test-memo/partner.docx", "outputs/test-memo/partner.md"]
    assert "As of 2025-07-20." in (root / "outputs/test-memo/partner.md").read_text()


def test_an_included_template_named_with_a_leading_dot_is_watched_too(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / ".part.j2").write_text("PART ONE\n")
    source = (root / "templates" / "partner.md.j2").read_text()
    (root / "templates" / "partner.md.j2").write_text(
        source.replace("{% block body %}", '{% block body %}\n{% include ".part.j2" %}\n', 1)
    )
    build(root, as_of=DAY1)
    (root / "templates" / ".part.j2").write_text("PART TWO\n")
    build(root, as_of=DAY1)
    assert "PART TWO" in (root / "outputs/test-memo/partner.md").read_text()
