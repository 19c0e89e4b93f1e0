"""Release filtering across versions (analysis.withheld): what one version of an output showed that its audience may
not see now, found from what that version rested on (its provenance) and the brief as it is, and the test that ties
a block of that version's text to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from briefs import BRIEF, EVIDENCE, OPTION, build_tree

import briefgen
from briefgen.analysis.assemble import assemble
from briefgen.analysis.withheld import Provenance, Withheld, provenance, withheld_since
from briefgen.inputs.validate import Brief

TODAY = dt.date(2026, 3, 2)
BENEFITS = "    partner_benefits:\n"
BENEFITS += "      - {text: Survey flights over the nesting grounds serve both coasts., evidence: [E-1]}\n"
MEMO = "    audiences: [principal, working-level, partner]\n"


def brief_with(tmp_path: Path, name: str, evidence: str = EVIDENCE, **options: str) -> Brief:
    files = {"briefgen.yaml": BRIEF.replace(MEMO, MEMO + BENEFITS), "evidence/src-one.yaml": evidence}
    files.update({f"options/{option}.yaml": text for option, text in options.items()})
    return briefgen.load(build_tree(tmp_path / name, files))


def seen(brief: Brief, audience: str) -> Provenance:
    memo = brief.spec.memos[0]
    ctx = assemble(brief, memo, audience, TODAY)
    fields = {o.id: ("title", "pros", "cons", "risks") for o in ctx.options}
    return provenance(brief, memo, ctx, {"E-1": 1}, ["E-1"], fields, ["partner_benefits"])


def since(old: Provenance, brief: Brief, audience: str) -> Withheld:
    memo = brief.spec.memos[0]
    return withheld_since(old, brief, memo, assemble(brief, memo, audience, TODAY))


def test_provenance_reads_back_as_written(tmp_path: Path) -> None:
    old = seen(brief_with(tmp_path, "a"), "partner")
    assert Provenance.from_json(json.loads(json.dumps(old.to_json()))) == old
    assert old.notes == {"1": "E-1"} and "R-alpha-1" in old.risks and set(old.options) == {"alpha", "beta"}


def test_nothing_withheld_when_nothing_was_raised(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "a")
    assert not since(seen(brief, "partner"), brief, "partner")


def test_a_record_raised_above_the_audience_is_withheld_with_its_note_and_words(tmp_path: Path) -> None:
    old = seen(brief_with(tmp_path, "a"), "partner")
    raised = EVIDENCE.replace("credibility: 2\n", "credibility: 2\n    marking: TLP:AMBER\n", 1)
    hidden = since(old, brief_with(tmp_path, "b", evidence=raised), "partner")
    assert hidden.records == {"E-1"} and hidden.notes == {1}
    assert hidden.covers("- Something nice. [1]", ())
    assert hidden.covers("1. A report, An outlet.", ())  # the note, by its number
    assert hidden.covers("Survey flights over the nesting grounds serve both coasts. [2]", ())  # its portion's words
    assert not hidden.covers("- Something else entirely. [2]", ())


def test_an_option_raised_is_withheld_under_its_heading(tmp_path: Path) -> None:
    old = seen(brief_with(tmp_path, "a"), "partner")
    beta = OPTION.format(id="beta").replace("summary:", "marking: TLP:AMBER\nsummary:")
    hidden = since(old, brief_with(tmp_path, "b", beta=beta), "partner")
    assert hidden.titles == ("Option beta",) and hidden.risks == {"R-beta-1"}
    assert hidden.covers("It helps.", ("Options", "Option beta"))
    assert hidden.covers("| R-beta-1 | Something goes wrong. |", ())
    assert not hidden.covers("| R-alpha-1 | Something goes wrong. |", ("Options", "Option alpha"))


def test_a_portion_raised_is_withheld_by_its_words(tmp_path: Path) -> None:
    old = seen(brief_with(tmp_path, "a"), "principal")
    alpha = OPTION.format(id="alpha").replace(
        "{text: It helps., evidence: [E-1]}", "{text: It helps., evidence: [E-1], marking: TLP:AMBER+STRICT}"
    )
    hidden = since(old, brief_with(tmp_path, "b", alpha=alpha), "principal")
    assert hidden.texts == ("It helps.",) and not hidden.records
    assert hidden.covers("- It helps. [1]", ()) and not hidden.covers("- It costs. [2]", ())


def test_without_provenance_everything_deleted_is_withheld(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "a")
    assert since(None, brief, "partner").strict  # type: ignore[arg-type]
    assert Withheld(strict=True).covers("anything at all", ())


def test_a_risk_withheld_behind_a_highest_residual_level_shown_withholds_every_deletion(tmp_path: Path) -> None:
    brief = brief_with(tmp_path, "a")
    memo = brief.spec.memos[0]
    ctx = assemble(brief, memo, "principal", TODAY)
    old = provenance(brief, memo, ctx, {}, [], {"alpha": ("title", "highest_residual")}, [])
    assert old.residual == {"alpha": 0}
    alpha = OPTION.format(id="alpha").replace(
        "    evidence: [E-1]\nscores", "    evidence: [E-1]\n    marking: TLP:AMBER+STRICT\nscores"
    )
    assert alpha != OPTION.format(id="alpha")
    assert since(old, brief_with(tmp_path, "b", alpha=alpha), "principal").strict
