"""Assemble: release filtering (canaries at every marking), NIST levels, weighted ranks, derived markings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from briefs import BRIEF, OPTION, build_tree

from briefgen.analysis.assemble import assemble
from briefgen.builder.run import render
from briefgen.inputs.project import load
from briefgen.inputs.scales import Level, Marking

LEVELS = list(Marking)
TODAY = dt.date(2026, 11, 23)


def canary(marking: Marking) -> str:
    return "CANARY" + marking.name.replace("_", "")


def canary_brief(root: Path, notes: str = "footnotes") -> Path:
    """Evidence, pros, risks and description paragraphs at every marking, each carrying a canary word; every audience
    has the given ``notes`` (footnotes: the claim is the text that cites it, the note shows the quote)."""
    records = "".join(
        f"""
  - id: C-{m.name}
    claim: Claim {canary(m)}claim.
    quote: "Quote {canary(m)}quote."
    credibility: 2
    as_of: 2024
    marking: {m.value}
"""
        for m in LEVELS
    )
    evidence = f"source: {{id: canaries, title: Canary source, published: 2024, reliability: C}}\nrecords:{records}"
    pros = "".join(f"  - {{text: Pro {canary(m)}pro., evidence: [C-{m.name}]}}\n" for m in LEVELS)
    cons = "".join(f"  - {{text: Con {canary(m)}con., marking: {m.value}}}\n" for m in LEVELS)
    description = "\n\n".join(f"  ({m.value}) Paragraph {canary(m)}para." for m in LEVELS)
    option = (
        OPTION.format(id="alpha")
        .replace("pros:\n  - {text: It helps., evidence: [E-1]}\n", f"description: |\n{description}\npros:\n{pros}")
        .replace("cons:\n  - {text: It costs., evidence: [E-2]}\n", f"cons:\n{cons}")
    )
    audiences = "".join(
        f"  aud-{m.name.lower()}: {{name: {m.name}, template: options-paper.md.j2, max_marking: {m.value}, "
        f"notes: {notes}}}\n"
        for m in LEVELS
    )
    brief = BRIEF.split("audiences:")[0] + "audiences:\n" + audiences + "memos:" + BRIEF.split("memos:")[1]
    brief = brief.replace(
        "audiences: [principal, working-level, partner]",
        f"audiences: [{', '.join(f'aud-{m.name.lower()}' for m in LEVELS)}]",
    )
    return build_tree(root, {"briefgen.yaml": brief, "evidence/canaries.yaml": evidence, "options/alpha.yaml": option})


NOTE_CANARIES = {"footnotes": ("quote",), "endnotes": ("claim", "quote")}  # what the options paper's notes show


@pytest.fixture(scope="module", params=sorted(NOTE_CANARIES))
def canaries(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return canary_brief(tmp_path_factory.mktemp("canaries"), request.param), request.param


@pytest.mark.parametrize("ceiling", LEVELS, ids=lambda m: m.value)
def test_canaries_reach_exactly_the_audiences_cleared_for_them(canaries: tuple[Path, str], ceiling: Marking) -> None:
    root, notes = canaries
    brief = load(root)
    audience = f"aud-{ceiling.name.lower()}"
    text = render(brief, "test-memo", audience, "md")
    assert isinstance(text, str)
    for m in LEVELS:
        for kind in ("pro", "con", "para", *NOTE_CANARIES[notes]):
            word = canary(m) + kind
            if m <= ceiling:
                assert word in text, f"{word} missing for {ceiling.value}"
            else:
                assert word not in text, f"{word} leaked to {ceiling.value}"
    shown = [m for m in LEVELS if m <= ceiling]
    assert text.splitlines()[0] == f"**{max(shown).value}**"
    assert text.rstrip().splitlines()[-1] == f"**{max(shown).value}**"


def test_portion_marks_precede_marked_portions(canaries: tuple[Path, str]) -> None:
    text = render(load(canaries[0]), "test-memo", "aud-red", "md")
    assert isinstance(text, str)
    assert "- (TLP:AMBER) Con CANARYAMBERcon." in text
    assert "(TLP:AMBER+STRICT) Paragraph CANARYAMBERSTRICTpara." in text
    assert "- Con CANARYCLEARcon." in text  # CLEAR portions carry no mark


def test_context_never_holds_material_above_the_audience(canaries: tuple[Path, str]) -> None:
    brief = load(canaries[0])
    memo = brief.spec.memos[0]
    ctx = assemble(brief, memo, "aud-green", TODAY)
    assert all(e.marking <= Marking.GREEN for e in ctx.evidence.values())
    for option in ctx.options:
        portions = (*option.pros, *option.cons, *option.description)
        assert all(p.marking <= Marking.GREEN for p in portions)
        assert all(r.marking <= Marking.GREEN for r in option.risks)
        assert all(s.marking <= Marking.GREEN for s in option.scores)
    assert ctx.withheld > 0


def test_levels_weights_and_ranks(tmp_path: Path) -> None:
    beta = (
        OPTION.format(id="beta")
        .replace("score: 4", "score: 5")
        .replace("likelihood: moderate", "likelihood: very-high")
    )
    brief = load(build_tree(tmp_path, {"options/beta.yaml": beta}))
    ctx = assemble(brief, brief.spec.memos[0], "working-level", TODAY)
    alpha, beta_view = ctx.options
    assert [c.weight for c in ctx.criteria] == pytest.approx([0.6, 0.4])
    assert alpha.total == pytest.approx(0.6 * 4 + 0.4 * 2)
    assert beta_view.total == pytest.approx(0.6 * 5 + 0.4 * 2)
    assert (alpha.rank, beta_view.rank) == (2, 1)
    assert alpha.risks[0].level == Level.MODERATE  # moderate × high → Moderate (lookup, not product)
    assert beta_view.risks[0].level == Level.HIGH  # very-high × high → High
    assert alpha.risks[0].residual_level == Level.LOW
    heat = {(c.likelihood, c.impact): c.risks for row in ctx.heat_inherent for c in row}
    assert heat[(Level.VERY_HIGH, Level.HIGH)] == ("R-beta-1",)
    assert heat[(Level.MODERATE, Level.HIGH)] == ("R-alpha-1",)


def test_a_withheld_score_withholds_totals_and_ranks(tmp_path: Path) -> None:
    beta = OPTION.format(id="beta").replace(
        "cost: {score: 2, rationale: Dear.}", "cost: {score: 2, rationale: Dear., marking: TLP:AMBER}"
    )
    brief = load(build_tree(tmp_path, {"options/beta.yaml": beta}))
    ctx = assemble(brief, brief.spec.memos[0], "partner", TODAY)
    assert [o.total for o in ctx.options][1] is None
    assert all(o.rank is None for o in ctx.options)
    full = assemble(brief, brief.spec.memos[0], "working-level", TODAY)
    assert all(o.rank is not None for o in full.options)
    assert full.options[0].derived_markings["rank"] == Marking.AMBER


def test_notes_are_numbered_by_first_citation_and_list_only_cited(tmp_path: Path) -> None:
    endnotes = BRIEF.replace("max_marking: TLP:AMBER+STRICT}", "max_marking: TLP:AMBER+STRICT, notes: endnotes}")
    brief = load(build_tree(tmp_path, {"briefgen.yaml": endnotes}))
    paper = render(brief, "test-memo", "working-level", "md")
    assert isinstance(paper, str)
    notes = paper.split("## Notes", 1)[1]
    assert notes.index("1. “A report”, An outlet, May 2024. Something happened.") < notes.index("2. (TLP:AMBER)")
    assert "- It helps. [1]" in paper and "(TLP:AMBER) It costs. [2]" in paper
    principal = render(brief, "test-memo", "principal", "md")
    assert isinstance(principal, str)
    assert "E-2" not in principal  # cited only by a con, which the action memo does not show
