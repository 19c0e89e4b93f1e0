"""Every revision with its redline, through the build: each version kept under .briefgen/history/, the redline of a
new version (``--redline`` or ``redline: true``) in Markdown and Word, no redline when only the date moved, release
filtering across versions (a record raised to AMBER leaves no word in a GREEN audience's redline), byte-identical
redlines, ``briefgen diff``, and the sample's own redline in LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from briefs import BRIEF, EVIDENCE, OPTION, REPO, build_tree
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.builder.write import EditedByHand
from briefgen.cli import main
from briefgen.formats.critic import accept, reject

DAY1 = dt.date(2026, 3, 2)
DAY2 = dt.date(2026, 3, 9)
PELICANS = """
  - id: E-3
    claim: Pelicans nest near the quarry every spring.
    quote: "Pelicans nest near the quarry every spring."
    credibility: 2
    as_of: 2024-05
"""
BENEFITS = """\
    partner_benefits:
      - {text: Survey flights over the nesting grounds serve both coasts., evidence: [E-3]}
      - {text: Shared weather data helps farmers on both sides., evidence: [E-1]}
"""
MEMO = "    audiences: [principal, working-level, partner]\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = build_tree(
        tmp_path,
        {"briefgen.yaml": BRIEF.replace(MEMO, MEMO + BENEFITS), "evidence/src-one.yaml": EVIDENCE + PELICANS},
    )
    build(root, as_of=DAY1)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def revise(path: Path, old: str, new: str) -> None:
    """Revise a record's claim and its quote, which the options paper's footnote shows."""
    edit(path, f"claim: {old}", f"claim: {new}")
    edit(path, f'quote: "{old}', f'quote: "{new}')


def kept(root: Path, audience: str) -> list[str]:
    folder = root / ".briefgen/history/test-memo" / audience
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def everything(docx: bytes) -> bytes:
    """Every part of a .docx, unpacked, one after the other."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return b"\n".join(package.read(name) for name in package.namelist())


def test_each_version_is_kept_as_the_reader_saw_it(project: Path) -> None:
    assert kept(project, "partner") == ["v1.json", "v1.md"]
    shown = (project / "outputs/test-memo/partner.md").read_bytes()
    assert (project / ".briefgen/history/test-memo/partner/v1.md").read_bytes() == shown
    notes = json.loads((project / ".briefgen/history/test-memo/partner/v1.json").read_text())["notes"]
    assert set(notes.values()) == {"E-1", "E-3"}
    edit(project / "evidence/src-one.yaml", "Pelicans nest near the quarry every spring.", "Pelicans nest nearby.")
    build(project, as_of=DAY2)
    assert kept(project, "partner") == ["v1.json", "v1.md", "v2.json", "v2.md"]
    assert (project / ".briefgen/history/test-memo/partner/v1.md").read_bytes() == shown
    assert not list(project.glob("outputs/*/*.redline.*"))  # no redline unless one is asked for


def test_only_the_last_versions_are_kept(project: Path) -> None:
    edit(project / "briefgen.yaml", "memos:", "history: {keep: 2}\nmemos:")
    for n, claim in enumerate(("Something changed.", "Something changed again.", "And again.")):
        edit(project / "evidence/src-one.yaml", "claim: Something", f"claim: {claim} Something")
        build(project, as_of=DAY1 + dt.timedelta(days=n + 1))
    assert kept(project, "working-level") == ["v3.json", "v3.md", "v4.json", "v4.md"]


def test_build_redline_shows_exactly_the_edit_and_agrees_with_the_change_note(project: Path) -> None:
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    result = build(project, as_of=DAY2, redline=True)
    assert "outputs/test-memo/working-level.redline.docx" in result.written
    assert "outputs/test-memo/working-level.redline.md" in result.written
    markup = (project / "outputs/test-memo/working-level.redline.md").read_text()
    new = (project / "outputs/test-memo/working-level.md").read_text()
    old = (project / ".briefgen/history/test-memo/working-level/v1.md").read_text()
    assert accept(markup).split() == new.split() and reject(markup).split() == old.split()
    assert "Revised E-1: Something big happened." in new  # the change note
    changed = [line for line in markup.split("\n") if "{++" in line or "{--" in line]
    revision = [line for line in changed if "Version:" in line or "Revised E-1" in line or "What changed" in line]
    edits = [line for line in changed if line not in revision]
    assert edits and all("E-1 (" in line and "{++big ++}" in line for line in edits)  # the note of E-1, one word
    with zipfile.ZipFile(project / "outputs/test-memo/working-level.redline.docx") as package:
        notes = package.read("word/footnotes.xml").decode()  # E-1's claim is in its first footnote
    assert re.findall(r"<w:ins [^>]*><w:r><w:t[^>]*>big </w:t>", notes)


def test_a_redline_setting_on_an_audience_gives_its_outputs_redlines(project: Path) -> None:
    text = (project / "briefgen.yaml").read_text()
    (project / "briefgen.yaml").write_text(
        text.replace("template: options-paper.md.j2,", "template: options-paper.md.j2, redline: true,")
    )
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(project, as_of=DAY2)
    assert sorted(p.name for p in project.glob("outputs/*/*.redline.*")) == [
        "working-level.redline.docx",
        "working-level.redline.md",
    ]


def test_a_version_whose_only_change_is_its_date_gets_no_redline(project: Path) -> None:
    edit(project / "briefgen.yaml", "  - id: test-memo\n", "  - id: test-memo\n    date: 2026-03-02\n")
    build(project, as_of=DAY2, redline=True)  # a new version (the date shows), no redline
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(project, as_of=DAY2, redline=True)
    redline = project / "outputs/test-memo/working-level.redline.md"
    assert redline.exists()
    edit(project / "briefgen.yaml", "date: 2026-03-02", "date: 2026-03-16")
    result = build(project, as_of=DAY2, redline=True)
    assert "Date:** 16 March 2026" in (project / "outputs/test-memo/working-level.md").read_text()
    assert not redline.exists() and "outputs/test-memo/working-level.redline.md" in result.removed
    assert not list(project.glob("outputs/*/*.redline.*"))


def test_a_record_raised_to_amber_leaves_no_word_in_the_green_audiences_redline(project: Path) -> None:
    assert "Survey flights" in (project / "outputs/test-memo/partner.md").read_text()  # it cites E-3 in v1
    edit(project / "evidence/src-one.yaml", 'every spring."\n', 'every spring."\n    marking: TLP:AMBER\n')
    build(project, as_of=DAY2, redline=True)
    assert "Survey flights" not in (project / "outputs/test-memo/partner.md").read_text()
    markup = (project / "outputs/test-memo/partner.redline.md").read_text()
    docx = everything((project / "outputs/test-memo/partner.redline.docx").read_bytes())
    for word in ("Pelican", "quarry", "nesting", "Survey flights"):
        assert word not in markup and word.encode() not in docx, word
    assert "{--[withheld]--}" in markup and b"[withheld]" in docx


def test_a_portion_raised_to_amber_leaves_no_word_in_the_green_audiences_redline(project: Path) -> None:
    edit(
        project / "briefgen.yaml",
        "evidence: [E-3]}",
        "evidence: [E-3], marking: TLP:AMBER}",
    )
    build(project, as_of=DAY2, redline=True)
    markup = (project / "outputs/test-memo/partner.redline.md").read_text()
    docx = everything((project / "outputs/test-memo/partner.redline.docx").read_bytes())
    for word in ("Survey flights", "nesting grounds", "both coasts"):
        assert word not in markup and word.encode() not in docx, word
    assert "[withheld]" in markup


def test_two_builds_give_byte_identical_redlines(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        root = tmp_path / name
        build_tree(root, {"evidence/src-one.yaml": EVIDENCE})
        build(root, as_of=DAY1)
        revise(root / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
        build(root, as_of=DAY2, redline=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(root.glob("outputs/*/*.redline.*"))})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 2  # the options paper shows E-1's claim


def test_a_redline_edited_by_hand_is_not_overwritten(project: Path) -> None:
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(project, as_of=DAY2, redline=True)
    (project / "outputs/test-memo/working-level.redline.md").write_text("my notes\n")
    revise(project / "evidence/src-one.yaml", "Something big happened.", "Something bigger happened.")
    with pytest.raises(EditedByHand):
        build(project, as_of=DAY2, redline=True)
    assert (project / "outputs/test-memo/working-level.redline.md").read_text() == "my notes\n"


def test_briefgen_diff_prints_writes_and_refuses(project: Path) -> None:
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(project, as_of=DAY2)
    runner = CliRunner()
    shown = runner.invoke(main, ["diff", "test-memo", "working-level", "-p", str(project)])
    assert shown.exit_code == 0, shown.output
    assert "version 1 → 2" in shown.output and "big" in shown.output
    assert "{+big +}" in shown.output  # not a terminal: the change is marked, not only styled
    written = runner.invoke(main, ["diff", "test-memo", "working-level", "-p", str(project), "--format", "docx"])
    assert written.exit_code == 0, written.output
    path = project / "outputs/test-memo/working-level.v1-v2.redline.docx"
    assert b"big " in everything(path.read_bytes())
    missing = runner.invoke(main, ["diff", "test-memo", "working-level", "-p", str(project), "--from", "7"])
    assert missing.exit_code == 1 and "version 7 is not kept (kept: 1, 2)" in missing.output
    unknown = runner.invoke(main, ["diff", "test-memo", "embassy", "-p", str(project)])
    assert unknown.exit_code == 2


def test_the_samples_redline_after_a_claim_edit_shows_it_in_libreoffice(
    tmp_path: Path, pdf_of: Callable[[bytes], str]
) -> None:
    """The issue's "done when": build the sample, edit a cited record (its claim, which the change note names, and its
    quote, which the options paper's footnote shows), build again; the working-level redline shows exactly that edit
    as tracked changes, and LibreOffice's PDF shows both the old and the new words."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("briefgen.yaml", "evidence", "options", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    (root / "outputs").mkdir()
    build(root, as_of=DAY1)
    edit(
        root / "evidence/keranen-2025.yaml",
        "Russia reportedly pays Kazakhstan $115 million a year to lease Baikonur",
        "Russia reportedly pays Kazakhstan $115 million a year in rent for Baikonur",
    )
    edit(root / "evidence/keranen-2025.yaml", "from Russia as a lease contract", "from Russia as a rent contract")
    result = build(root, as_of=DAY2)  # the sample's working-level audience has redline: true
    assert "outputs/kazakhstan-space/working-level.redline.docx" in result.written
    assert not (root / "outputs/kazakhstan-space/principal.redline.docx").exists()
    docx = (root / "outputs/kazakhstan-space/working-level.redline.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = package.read("word/document.xml").decode() + package.read("word/footnotes.xml").decode()
    deleted = re.findall(r"<w:delText[^>]*>([^<]*)</w:delText>", body)
    changes = re.findall(r"<w:ins [^/]*?>(.*?)</w:ins>", body.replace("<w:noBreakHyphen/>", "-"))
    inserted = [re.sub(r"<[^>]+>", "", m) for m in changes]
    assert deleted == ["1", "lease "]  # the version number, and the quote's word (in its footnote)
    assert inserted[0] == "2" and "rent " in inserted and any("Revised E-003" in i for i in inserted)
    text = " ".join(pdf_of(docx).split())
    assert "as a lease rent contract" in text


def test_briefgen_diff_between_old_versions_withholds_what_is_withheld_now(project: Path) -> None:
    revise(project / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(project, as_of=DAY2)  # partner v2: the same benefits, E-3 still shown
    edit(project / "evidence/src-one.yaml", 'every spring."\n', 'every spring."\n    marking: TLP:AMBER\n')
    build(project, as_of=DAY2)
    assert "Survey flights" in (project / ".briefgen/history/test-memo/partner/v2.md").read_text()
    runner = CliRunner()
    for fmt in ("text", "md", "docx"):
        args = ["diff", "test-memo", "partner", "-p", str(project), "--from", "1", "--to", "2", "--format", fmt]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Survey flights" not in result.output
    for written in project.glob("outputs/test-memo/partner.v1-v2.redline.*"):
        assert b"Survey flights" not in (
            everything(written.read_bytes()) if written.suffix == ".docx" else written.read_bytes()
        )


def test_briefgen_diff_names_no_heading_of_an_option_withheld_since(tmp_path: Path) -> None:
    """An option raised above the audience after two versions showed it: neither the heading path the terminal diff
    prints over a deleted block nor the newer version's own headings (``--to`` an old version) may name it."""
    desk = "  desk: {name: Desk, template: options-paper.md.j2, max_marking: TLP:GREEN}\n"
    brief = BRIEF.replace("audiences:\n", "audiences:\n" + desk, 1).replace(MEMO, MEMO.replace("]", ", desk]"))
    root = build_tree(tmp_path, {"briefgen.yaml": brief})
    edit(root / "options/beta.yaml", "title: Option beta", "title: Pelican Heron Crossing")
    build(root, as_of=DAY1)
    revise(root / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(root, as_of=DAY2)
    assert "Pelican Heron" in (root / ".briefgen/history/test-memo/desk/v2.md").read_text()
    (root / "options/beta.yaml").write_text((root / "options/beta.yaml").read_text() + "marking: TLP:AMBER\n")
    build(root, as_of=DAY2)
    runner = CliRunner()
    for versions in ([], ["--from", "1", "--to", "2"]):
        for fmt in ("text", "md", "docx"):
            args = ["diff", "test-memo", "desk", "-p", str(root), *versions, "--format", fmt]
            result = runner.invoke(main, args)
            assert result.exit_code == 0, result.output
            assert "Pelican" not in result.output, (versions, fmt)
    for written in root.glob("outputs/test-memo/desk*"):
        data = everything(written.read_bytes()) if written.suffix == ".docx" else written.read_bytes()
        assert b"Pelican" not in data, written.name


def test_an_option_raised_leaves_none_of_its_scores_totals_or_ranks_in_the_redline(tmp_path: Path) -> None:
    """The comparison matrix's rows name no option: once a third option is raised above the audience, the deleted
    rows showed its scores, its weighted total and its rank, and the old ranks and sensitivity figures computed with
    it. A version that showed ranks or figures resting on an option withheld since has every deleted word withheld."""
    desk = "  desk: {name: Desk, template: options-paper.md.j2, max_marking: TLP:GREEN, redline: true}\n"
    brief = BRIEF.replace("audiences:\n", "audiences:\n" + desk, 1).replace(MEMO, MEMO.replace("]", ", desk]"))
    brief = brief.replace("options: [alpha, beta]", "options: [alpha, beta, gamma]")
    gamma = OPTION.format(id="gamma").replace("score: 4,", "score: 1,").replace("score: 2,", "score: 5,")
    root = build_tree(tmp_path, {"briefgen.yaml": brief, "options/gamma.yaml": gamma})
    build(root, as_of=DAY1)
    assert "**2.60**" in (root / "outputs/test-memo/desk.md").read_text()  # gamma: 0.6 × 1 + 0.4 × 5
    (root / "options/gamma.yaml").write_text(gamma + "marking: TLP:AMBER\n")
    build(root, as_of=DAY2)
    redlines = sorted(root.glob("outputs/test-memo/desk.redline.*"))
    assert len(redlines) == 2
    for path in redlines:
        data = everything(path.read_bytes()) if path.suffix == ".docx" else path.read_bytes()
        assert b"2.60" not in data and b"gamma" not in data, path.name
    shown = CliRunner().invoke(main, ["diff", "test-memo", "desk", "-p", str(root)])
    assert shown.exit_code == 0 and "2.60" not in shown.output, shown.output
    memo = (root / "outputs/test-memo/desk.md").read_text()  # its change note: no old figure computed with gamma
    assert "gamma" not in memo and ", was " not in memo
    assert "2 items withheld at a higher marking" in memo  # gamma and its risk


def test_a_diff_file_goes_with_its_output_s_version_or_audience_unless_edited(project: Path) -> None:
    """What ``briefgen diff --format md|docx`` writes is named in its output's manifest entry: a no-op build keeps
    it, the next new version of the output removes it (the partner's comparison after its ceiling is lowered holds
    what it may no longer see), dropping the audience removes it, and one edited by hand is kept."""
    root, runner = project, CliRunner()
    revise(root / "evidence/src-one.yaml", "Something happened.", "Something big happened.")
    build(root, as_of=DAY2)
    for audience in ("partner", "working-level"):
        for fmt in ("md", "docx"):
            result = runner.invoke(main, ["diff", "test-memo", audience, "-p", str(root), "--format", fmt])
            assert result.exit_code == 0, result.output
    files = {p.name for p in (root / "outputs/test-memo").glob("*.v1-v2.redline.*")}
    assert len(files) == 4, files
    assert build(root, as_of=DAY2).written == ()  # recorded, standing: nothing to do
    assert {p.name for p in (root / "outputs/test-memo").glob("*.v1-v2.redline.*")} == files
    edited = root / "outputs/test-memo/working-level.v1-v2.redline.md"
    edited.write_text(edited.read_text() + "\nReviewed by the desk.\n")
    brief = root / "briefgen.yaml"
    edit(brief, "max_marking: TLP:GREEN}", "max_marking: TLP:CLEAR}")  # the partner's ceiling lowered
    edit(root / "evidence/src-one.yaml", "Something big happened.", "Something very big happened.")
    build(root, as_of=DAY2 + dt.timedelta(days=1))
    left = {p.name for p in (root / "outputs/test-memo").glob("*.v1-v2.redline.*")}
    assert left == {"working-level.v1-v2.redline.md"}  # new versions took the others; the edited one stays
    result = runner.invoke(main, ["diff", "test-memo", "partner", "-p", str(root), "--format", "md"])
    assert result.exit_code == 0, result.output
    edit(brief, "audiences: [principal, working-level, partner]", "audiences: [principal, working-level]")
    build(root, as_of=DAY2 + dt.timedelta(days=1))
    assert not list((root / "outputs/test-memo").glob("partner.*"))
