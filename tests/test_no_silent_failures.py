"""No silent failures: check catches what build would, messages help, the memo's metadata is right, and change
notes count the memo's own text and name nothing withheld. Briefs are built inline; each test fails without its fix."""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from briefs import BRIEF, EVIDENCE, OPTION, REPO, build_tree, expect_error, run_check, snapshot
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.builder.watch import _relevant
from briefgen.cli import main
from briefgen.inputs.suggest import NEIGHBOURS, Names

DAY1, DAY2 = dt.date(2025, 6, 10), dt.date(2025, 7, 20)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def with_template(tmp_path: Path, name: str, old: str, new: str) -> Path:
    root = build_tree(tmp_path, {})
    edit(root / "templates" / name, old, new)
    return root


# ---------------------------------------------------------------- 1. a fresh machine is green


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_the_test_lock_pins_every_dependency_pyproject_asks_for() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = _names([*project["dependencies"], *project["optional-dependencies"]["test"], "hatchling", "editables"])
    lines = [line for line in (REPO / "requirements" / "test.lock").read_text().splitlines() if "==" in line]
    pinned = {line.split("==")[0].strip().lower() for line in lines}
    assert wanted <= pinned, f"run make lock: {sorted(wanted - pinned)} not in requirements/test.lock"
    makefile = (REPO / "Makefile").read_text()
    assert "-r $(LOCK)" in makefile and "test-latest:" in makefile and "lock:" in makefile


def test_seed_tests_skip_with_a_reason_that_says_how_to_get_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import test_verify

    monkeypatch.setattr(test_verify, "SEEDS", tmp_path / "no-seeds-here")
    with pytest.raises(pytest.skip.Exception, match=r"BRIEFGEN_SEEDS.*README"):
        test_verify._seeded_sample(tmp_path)


# ---------------------------------------------------------------- 2. check finds what build would refuse


def test_check_renders_templates_an_undefined_attribute_gets_a_did_you_mean(tmp_path: Path) -> None:
    root = with_template(tmp_path, "principal.md.j2", "{{ option.title | cell }}", "{{ option.titel | cell }}")
    out = expect_error(root, r"^templates/principal\.md\.j2:\d+: template: undefined: an option has no field 'titel'")
    assert "did you mean 'title'?" in out
    assert "briefgen." not in out and "OptionView" not in out and "object" not in out
    assert not (root / "outputs" / "test-memo").exists() and not (root / ".briefgen").exists()


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ memo.bluff }}", r"a memo has no field 'bluff'; did you mean 'bluf'\?"),
        ("{{ memmo.bluf }}", r"'memmo' is undefined; did you mean 'memo'\?"),
        ("{{ memo.options.title }}", r"a list of options has no field 'title': loop over it"),
        ("{{ memo.recommended.__class__ }}", r"'option' object is unsafe"),
        ("{{ memo.recommended ~ '' }}", r"cannot print a whole option"),
    ],
)
def test_template_messages_use_the_memos_words(tmp_path: Path, expression: str, message: str) -> None:
    root = with_template(tmp_path, "principal.md.j2", "{{ memo.bluf | md }}", expression)
    out = expect_error(root, message)
    assert "briefgen." not in out and "View" not in out and "MemoContext" not in out


def test_citing_a_record_no_portion_cites_says_what_a_template_may_cite(tmp_path: Path) -> None:
    """E-3 is TLP:CLEAR, so "not available to this audience" sent the author looking at markings; the memo cannot
    cite it because no portion of the memo or its options does."""
    extra = "  - {id: E-3, claim: Uncited., quote: Uncited., credibility: 2, as_of: 2024-05}\n"
    root = build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE + extra})
    edit(root / "templates/partner.md.j2", "{% block body %}", "{% block body %}\nSee{{ cite(['E-3']) }}.\n")
    out = expect_error(root, r"^templates/partner\.md\.j2:\d+: template: .*cite\(\): evidence 'E-3' is not one")
    assert "portions cite" in out and "not available" not in out


def test_a_block_no_parent_has_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = with_template(tmp_path, "principal.md.j2", "{% block body %}", "{% block bodyy %}")
    expect_error(root, r"^templates/principal\.md\.j2:\d+: template: block 'bodyy' is not in base\.md\.j2.*'body'\?")


def test_a_missing_parent_template_is_an_error_at_the_extends_line(tmp_path: Path) -> None:
    root = with_template(tmp_path, "partner.md.j2", '{% extends "base.md.j2" %}', '{% extends "bsae.md.j2" %}')
    line = next(i for i, t in enumerate((root / "templates/partner.md.j2").read_text().splitlines(), 1) if "bsae" in t)
    expect_error(root, rf"^templates/partner\.md\.j2:{line}: template: template not found: bsae\.md\.j2$")


WITHHELD_SCORE = "  influence: {score: 4, rationale: Good., evidence: [E-1]}"


def _partner_with_rank(tmp_path: Path, printed: str) -> Path:
    """A brief whose partner (TLP:GREEN) may not see alpha's ranks (a score rests on AMBER evidence), and a
    partner template that prints a rank as given."""
    root = build_tree(
        tmp_path,
        {"options/alpha.yaml": OPTION.format(id="alpha").replace("Good., evidence: [E-1]}", "Good., evidence: [E-2]}")},
    )
    edit(root / "templates/partner.md.j2", "{% block body %}", "{% block body %}\nRank: " + printed + "\n")
    return root


def test_a_withheld_value_printed_is_an_error_at_check_never_none(tmp_path: Path) -> None:
    root = _partner_with_rank(tmp_path, "{{ memo.options[0].rank }}")
    out = expect_error(root, r"^templates/partner\.md\.j2:\d+: template: error: prints None \(a value withheld")
    assert "withheld" in out
    failed = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert failed.exit_code == 1 and "prints None" in failed.output
    assert not (root / "outputs" / "test-memo").exists()


def test_the_withheld_filter_prints_the_documented_placeholder(tmp_path: Path) -> None:
    root = _partner_with_rank(tmp_path, "{{ memo.options[0].rank | withheld }}; {{ memo.options[0].id | withheld }}")
    assert run_check(root)[0] == 0
    build(root, as_of=DAY1)
    assert "Rank: withheld; alpha" in (root / "outputs/test-memo/partner.md").read_text()
    assert "None" not in (root / "outputs/test-memo/partner.md").read_text()


def test_check_writes_nothing_even_when_everything_is_valid(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    before = snapshot(root)
    assert run_check(root)[0] == 0
    assert snapshot(root) == before and not (root / "outputs").exists() and not (root / ".briefgen").exists()


# ---------------------------------------------------------------- 7. messages that help


def test_did_you_mean_compares_a_bounded_number_of_ids_however_many_there_are() -> None:
    known = [f"E-{n:05d}" for n in range(50_000)]
    names = Names(known)
    unknown = [f"E-{n:05d}x" for n in range(0, 50_000, 139)][:360]
    suggestions = [names.closest(word) for word in unknown]
    assert names.comparisons <= len(unknown) * 4 * NEIGHBOURS
    assert suggestions[:3] == ["E-00000", "E-00139", "E-00278"]
    assert Names(["E-1", "E-2"]).closest("E-9") == "E-2"  # small sets: exactly difflib's answer


def test_thousands_of_unknown_ids_share_one_index(tmp_path: Path) -> None:
    records = "".join(f"  - {{id: R-{n}, claim: C., quote: Q., credibility: 2, as_of: 2024}}\n" for n in range(3000))
    cites = ", ".join(f"R-{n}z" for n in range(300))
    root = build_tree(
        tmp_path,
        {
            "evidence/many.yaml": "source: {id: many, title: T, published: 2024, reliability: B}\nrecords:\n" + records,
            "options/alpha.yaml": OPTION.format(id="alpha").replace("[E-1]}\ncons", f"[E-1, {cites}]}}\ncons"),
        },
    )
    out = expect_error(root, r"unknown evidence id 'R-0z'; did you mean 'R-0'\?")
    assert out.count("unknown evidence id") == 300


def test_unknown_memo_or_audience_is_a_usage_error_with_a_did_you_mean(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    memo = CliRunner().invoke(main, ["build", "-p", str(root), "--memo", "test-mem"])
    assert memo.exit_code == 2 and "did you mean 'test-memo'?" in memo.output
    audience = CliRunner().invoke(main, ["build", "-p", str(root), "--audience", "principl"])
    assert audience.exit_code == 2 and "did you mean 'principal'?" in audience.output


def test_an_unknown_field_under_a_dict_key_lists_the_real_choices(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha").replace("cost: {score: 2, rationale: Dear.}", "cost: {score: 2, rationle: x}")
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(
        root, r"scores\.cost\.rationle: unknown field 'rationle' \(expected one of: score, rationale.*'rationale'"
    )
    brief = BRIEF.replace("max_marking: TLP:GREEN}", "max_marking: TLP:GREEN, colour: red}")
    root2 = build_tree(tmp_path / "b", {"briefgen.yaml": brief})
    out = expect_error(root2, r"audiences\.partner\.colour: unknown field 'colour' \(expected one of: name, template")
    assert "expected one of: )" not in out


def test_a_tab_in_indentation_gets_briefgens_own_words(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha").replace("    likelihood: moderate", "\tlikelihood: moderate")
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"^options/alpha\.yaml:\d+: tabs are not allowed in YAML indentation; use spaces$")


def test_an_unquoted_comma_in_a_flow_mapping_hints_at_quoting(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha").replace("{text: It helps., evidence", "{text: It helps, mostly, evidence")
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"pros\[0\]\.mostly: unknown field 'mostly' .*put the whole text in quotes")


def test_a_template_error_in_build_ends_with_the_count_line(tmp_path: Path) -> None:
    root = with_template(tmp_path, "principal.md.j2", "{{ memo.bluf | md }}", "{{ memo.bluff }}")
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 1 and result.output.splitlines()[-1] == "1 error"


@pytest.mark.parametrize(
    ("name", "watched"),
    [
        ("alpha.yaml", True),
        ("principal.md.j2", True),
        (".alpha.yaml.swp", False),
        ("alpha.yaml~", False),
        (".#alpha.yaml", False),
        ("#alpha.yaml#", False),
        ("sedA1b2C3", False),
        ("4913", False),
    ],
)
def test_watch_ignores_editor_temp_files(name: str, watched: bool) -> None:
    assert _relevant(None, f"/brief/options/{name}") is watched


# ---------------------------------------------------------------- 8. the memo's own metadata


def test_organisation_reaches_templates_and_word_properties(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path, {"briefgen.yaml": BRIEF.replace("from: Policy", "organisation: Ministry of Tests\nfrom: Policy")}
    )
    edit(
        root / "templates/principal.md.j2", "{% block body %}", "{% block body %}\nOrg: {{ memo.organisation | md }}\n"
    )
    build(root, as_of=DAY1)
    assert "Org: Ministry of Tests" in (root / "outputs/test-memo/principal.md").read_text()
    app = zipfile.ZipFile(io.BytesIO((root / "outputs/test-memo/principal.docx").read_bytes())).read("docProps/app.xml")
    assert b"<Company>Ministry of Tests</Company>" in app
    assert re.search(rb"<Application>briefgen/\d+\.\d+\.\d+</Application>", app)
    assert b"Word" not in app and b"LibreOffice" not in app


AUTHORED = """\
source:
  id: {id}
  title: {title}
  author: {author}
  published: 2024
  reliability: B
{short}records:
  - {{id: {rid}, claim: {claim}, quote: "{claim}", credibility: 2, as_of: 2024}}
"""


def test_short_citations_keep_organisations_whole_take_short_and_read_ibid_when_consecutive(tmp_path: Path) -> None:
    files = {
        "evidence/gao.yaml": AUTHORED.format(
            id="gao", title="A", author="U.S. Government Accountability Office", short="", rid="G-1", claim="Gao one."
        ),
        "evidence/oecd.yaml": AUTHORED.format(
            id="oecd", title="B", author="OECD Secretariat", short="  short: OECD 2024\n", rid="O-1", claim="Oecd one."
        ),
    }
    root = build_tree(tmp_path, files)
    edit(root / "briefgen.yaml", "max_marking: TLP:AMBER}", "max_marking: TLP:AMBER, notes: endnotes}")
    edit(root / "briefgen.yaml", "max_marking: TLP:AMBER+STRICT}", "max_marking: TLP:AMBER+STRICT, notes: endnotes}")
    edit(root / "evidence/src-one.yaml", "  publisher: An outlet\n", "  author: Jane Q. Doe and John Roe\n")
    cited = "[E-1]}\ncons"
    edit(root / "options/alpha.yaml", cited, "[E-1, E-2, G-1, O-1, G-1, E-1]}\ncons")
    edit(root / "options/alpha.yaml", "It costs., evidence: [E-2]", "It costs., evidence: [E-1, E-2, O-1]")
    build(root, as_of=DAY1)
    notes = (root / "outputs/test-memo/working-level.md").read_text().split("## Notes")[1]
    assert "Doe and Roe 2024" not in notes.split("\n")[2]  # the first note of a source is the full citation
    assert re.search(r"^2\. \(TLP:AMBER\) Ibid\. Something else happened\.", notes, re.MULTILINE), notes
    assert "U.S. Government Accountability Office, “A”" in notes
    text = (root / "outputs/test-memo/principal.md").read_text()  # short forms only: never cut to the last word
    assert "[1] Doe and Roe 2024" in text and "[4] OECD 2024" in text, text
    assert "[3] U.S. Government Accountability Office 2024" in text, text


def test_short_form_rules() -> None:
    from briefgen.analysis.sources import short_author

    assert short_author("Christopher S. Keranen") == "Keranen"
    assert short_author("Keranen, Christopher S.") == "Keranen"
    assert short_author("A. Smith, B. Jones, and C. Lee") == "Smith, Jones, and Lee"
    assert short_author("A Smith; B Jones; C Lee; D Park") == "Smith et al."
    assert short_author("Ursula von der Leyen") == "von der Leyen"
    for organisation in ("U.S. Department of State", "OECD Secretariat", "NASA", "RFE/RL", "The Astana Times"):
        assert short_author(organisation) == organisation


# ---------------------------------------------------------------- 9. change notes


def _two_builds(tmp_path: Path, old: str, new: str, brief: str = BRIEF) -> tuple[str, str]:
    root = build_tree(tmp_path, {"briefgen.yaml": brief})
    build(root, as_of=DAY1)
    edit(root / "briefgen.yaml", old, new)
    build(root, as_of=DAY2)
    paper = (root / "outputs/test-memo/working-level.md").read_text()
    section = "\n## What changed"  # the section, not its line in the contents
    return paper.split(section)[1].split("\n## ")[0] if section in paper else "", paper


MEMO_TEXT = (
    BRIEF
    + """\
    background: [{text: The old background.}]
    key_judgments: [{text: A judgment., confidence: moderate}]
    dissent: [{text: A dissent.}]
    implementation: [{text: Step one.}]
"""
)


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("The old background.", "A new background.", "Background revised"),
        ("confidence: moderate", "confidence: high", "Key judgments revised"),
        ("A dissent.", "A stronger dissent.", "Dissent revised"),
        ("Step one.", "Step one and two.", "Implementation revised"),
    ],
)
def test_an_edit_to_the_memos_own_text_is_in_what_changed(tmp_path: Path, old: str, new: str, line: str) -> None:
    changes, _ = _two_builds(tmp_path, old, new, MEMO_TEXT)
    assert line in changes, changes
    assert "Wording or layout revised" not in changes


def test_change_notes_name_no_id_of_withheld_material(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE})
    build(root, as_of=DAY1)
    edit(
        root / "evidence/src-one.yaml",
        "    claim: Something happened.\n",
        "    claim: Something happened.\n    marking: TLP:RED\n",
    )
    build(root, as_of=DAY2)
    for audience in ("principal", "working-level", "partner"):
        text = (root / f"outputs/test-memo/{audience}.md").read_text()
        assert audience == "partner" or "withheld at a higher marking" in text, audience  # partner: no note
        assert "E-1" not in text and "R-alpha-1" not in text and "R-beta-1" not in text, audience
