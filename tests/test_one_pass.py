"""Plan, then do: the plan is a value that --dry-run prints and the build executes, and each output's body is
rendered once — a revised output included — with its banner, header and change note filled in afterwards."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from briefs import EVIDENCE, build_tree

from briefgen.builder.run import build
from briefgen.errors import TemplateError
from briefgen.formats import markdown

DAY1 = dt.date(2025, 6, 10)
DAY2 = dt.date(2025, 7, 20)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = build_tree(tmp_path, {})
    build(root, as_of=DAY1)
    return root


@pytest.fixture
def body_renders(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each template's body was rendered."""
    counts: Counter[str] = Counter()
    real = markdown._draw

    def counting(env: Any, name: str, *args: Any) -> markdown.Draft:
        counts[name] += 1
        return real(env, name, *args)

    monkeypatch.setattr(markdown, "_draw", counting)
    return counts


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_a_revised_output_renders_its_body_once(project: Path, body_renders: Counter[str]) -> None:
    edit(project / "evidence/src-one.yaml", "claim: Something happened.", "claim: Something new happened.")
    result = build(project, as_of=DAY2)
    assert len(result.written) == 4  # the partner version shows no record: it stands
    assert body_renders == {"principal.md.j2": 1, "options-paper.md.j2": 1}
    paper = (project / "outputs/test-memo/working-level.md").read_text()
    assert "**Version:** 2" in paper and "## What changed in version 2" in paper
    assert "- Revised E-1: Something new happened." in paper
    assert "**What changed:** Revised E-1" in (project / "outputs/test-memo/principal.md").read_text()


def test_the_dry_run_names_exactly_what_the_build_renders(project: Path, body_renders: Counter[str]) -> None:
    edit(project / "options/beta.yaml", "title: Option beta", "title: Option beta, revised")
    (project / "outputs/test-memo/partner.docx").unlink()
    planned = build(project, as_of=DAY1, dry_run=True)
    assert body_renders == {}, "a dry run renders nothing"
    assert sorted(output for output, _ in planned.plan) == sorted(
        f"outputs/test-memo/{audience}.{fmt}"
        for audience in ("partner", "principal", "working-level")
        for fmt in ("md", "docx")
    )
    reasons = dict(planned.plan)
    assert reasons["outputs/test-memo/partner.docx"] == ("option beta changed", "partner.docx missing or edited")
    build(project, as_of=DAY1)
    assert sum(body_renders.values()) == len({output.rsplit(".", 1)[0] for output, _ in planned.plan})


def test_a_body_that_reads_the_change_note_itself_still_shows_the_final_one(project: Path) -> None:
    """The shipped templates keep the change note in a late block; a house template may print it anywhere."""
    template = (
        '{% extends "base.md.j2" %}{% block body %}\n'
        "{{ memo.recommended.pros[0].text | md }}{{ cite(memo.recommended.pros[0].evidence) }}\n"
        "{% for change in memo.changes %}\n* {{ change | md }}\n{% endfor %}\nVersion {{ memo.version }}.\n"
        "{% endblock %}"
    )
    (project / "templates/partner.md.j2").write_text(template)
    build(project, as_of=DAY1)
    edit(project / "evidence/src-one.yaml", "claim: Something happened.", "claim: Something new happened.")
    build(project, as_of=DAY2)
    text = (project / "outputs/test-memo/partner.md").read_text()
    assert "Version 3." in text, text  # the template change made version 2, the record edit version 3
    assert "* Revised E-1: Something new happened." in text


def test_a_late_block_cannot_cite_evidence_the_notes_did_not_list(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE})
    template = '{% extends "base.md.j2" %}{% block footer %}{{ cite(["E-1"]) }} **{{ memo.marking }}**{% endblock %}'
    (root / "templates/partner.md.j2").write_text(template)
    with pytest.raises(TemplateError, match=r"templates/partner\.md\.j2:1: .*cited first in a block rendered last"):
        build(root, as_of=DAY1)
    assert not (root / "outputs").exists()


def test_late_blocks_print_the_final_marking_without_rendering_the_body_again(
    tmp_path: Path, body_renders: Counter[str]
) -> None:
    """The body shows only TLP:CLEAR material although the audience may see TLP:GREEN: one pass, banner CLEAR."""
    evidence = EVIDENCE.replace(
        "    as_of: 2024\n    marking: TLP:AMBER\n", "    as_of: 2024\n    marking: TLP:GREEN\n"
    )
    root = build_tree(tmp_path, {"evidence/src-one.yaml": evidence})
    build(root, as_of=DAY1, audience="partner", fmt="md")
    text = (root / "outputs/test-memo/partner.md").read_text()
    assert text.startswith("**TLP:CLEAR**") and text.rstrip().endswith("**TLP:CLEAR**")
    assert body_renders == {"partner.md.j2": 1}
