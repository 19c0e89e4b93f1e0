"""Every class of bad input answers with file, line and field, exit 1, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from briefs import BRIEF, EVIDENCE, OPTION, build_tree, expect_error, run_check

from briefgen.inputs.load import MAX_FILE_BYTES


def test_valid_brief_passes(tmp_path: Path) -> None:
    build_tree(tmp_path, {})
    code, out = run_check(tmp_path)
    assert code == 0, out
    assert "1 sources, 2 evidence records, 2 options, 1 memo × audiences = 3 outputs" in out


def test_yaml_syntax_error(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": "id: beta\ntitle: [unclosed\nsummary: x\n"})
    expect_error(tmp_path, r"^options/beta\.yaml:3: YAML syntax error")


def test_duplicate_key(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta") + "title: again\n"})
    expect_error(tmp_path, r"^options/beta\.yaml:\d+: title: duplicate key 'title' \(first defined on line 2\)")


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace("    quote:", "    qoute:", 1)})
    expect_error(
        tmp_path, r"^evidence/src-one\.yaml:10: records\[0\]\.qoute: unknown field 'qoute' .*did you mean 'quote'"
    )


def test_wrong_type(tmp_path: Path) -> None:
    text = OPTION.format(id="beta").replace("score: 4", "score: four")
    build_tree(tmp_path, {"options/beta.yaml": text})
    expect_error(tmp_path, r"^options/beta\.yaml:18: scores\.influence\.score: .*got text 'four'")


@pytest.mark.parametrize(
    ("file", "old", "new", "pattern"),
    [
        (
            "evidence/src-one.yaml",
            "reliability: B",
            "reliability: G",
            r"^evidence/src-one\.yaml:6: source\.reliability: expected one of 'A', 'B', 'C', 'D', 'E' or 'F', got 'G'",
        ),
        (
            "options/beta.yaml",
            "likelihood: moderate",
            "likelihood: medium",
            r"^options/beta\.yaml:11: risks\[0\]\.likelihood: expected one of 'very-low', .*got 'medium'",
        ),
        (
            "evidence/src-one.yaml",
            "marking: TLP:AMBER",
            "marking: TLP:PURPLE",
            r"^evidence/src-one\.yaml:18: records\[1\]\.marking: expected one of 'TLP:CLEAR', .*got 'TLP:PURPLE'",
        ),
        (
            "evidence/src-one.yaml",
            "credibility: 3",
            "credibility: 7",
            r"^evidence/src-one\.yaml:16: records\[1\]\.credibility: .*less than or equal to 6, got 7",
        ),
    ],
)
def test_value_outside_enumeration(tmp_path: Path, file: str, old: str, new: str, pattern: str) -> None:
    base = EVIDENCE if file.startswith("evidence") else OPTION.format(id="beta")
    build_tree(tmp_path, {file: base.replace(old, new, 1)})
    expect_error(tmp_path, pattern)


def test_impossible_date(tmp_path: Path) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace("as_of: 2024-05", "as_of: 2024-02-30", 1)})
    expect_error(tmp_path, r"^evidence/src-one\.yaml:12: records\[0\]\.as_of: impossible date '2024-02-30'")


def test_missing_required_field(tmp_path: Path) -> None:
    build_tree(tmp_path, {"evidence/src-one.yaml": EVIDENCE.replace('    quote: "Something happened."\n', "")})
    expect_error(tmp_path, r"^evidence/src-one\.yaml:8: records\[0\]\.quote: required field is missing")


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    other = EVIDENCE.replace("id: src-one", "id: src-two").replace("id: E-2", "id: E-3")
    build_tree(tmp_path, {"evidence/src-two.yaml": other})
    out = expect_error(
        tmp_path,
        r"^evidence/src-two\.yaml:8: records\[0\]\.id: duplicate id 'E-1' \(also at evidence/src-one\.yaml:8\)",
    )
    assert "E-3" not in out


def test_option_citing_unknown_evidence(tmp_path: Path) -> None:
    text = OPTION.format(id="beta").replace("evidence: [E-2]", "evidence: [E-2, E-9]")
    build_tree(tmp_path, {"options/beta.yaml": text})
    expect_error(tmp_path, r"^options/beta\.yaml:7: cons\[0\]\.evidence\[1\]: unknown evidence id 'E-9'")


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            "options: [alpha, beta]",
            "options: [alpha, gamma]",
            r"^briefgen\.yaml:14: memos\[0\]\.options\[1\]: unknown option id 'gamma'",
        ),
        (
            "audiences: [principal, working-level, partner]",
            "audiences: [principal, minister]",
            r"^briefgen\.yaml:16: memos\[0\]\.audiences\[1\]: unknown audience id 'minister'",
        ),
        (
            "recommendation: alpha",
            "recommendation: delta",
            r"^briefgen\.yaml:15: memos\[0\]\.recommendation: "
            r"expected one of the memo's options \(alpha, beta\), got 'delta'",
        ),
    ],
)
def test_memo_naming_unknown_ids(tmp_path: Path, old: str, new: str, pattern: str) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace(old, new)})
    expect_error(tmp_path, pattern)


def test_score_for_unknown_criterion(tmp_path: Path) -> None:
    text = OPTION.format(id="beta").replace("  cost: {", "  costs: {")
    build_tree(tmp_path, {"options/beta.yaml": text})
    expect_error(
        tmp_path,
        r"^options/beta\.yaml:19: scores\.costs: unknown criterion 'costs' \(expected one of: cost, influence\)",
    )


@pytest.mark.parametrize("template", ["../../etc/passwd", "/etc/passwd", "sub/../../x.j2", "C:\\\\x.j2"])
def test_template_path_escaping_the_project(tmp_path: Path, template: str) -> None:
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace("template: partner.md.j2", f"template: '{template}'")})
    expect_error(tmp_path, r"^briefgen\.yaml:10: audiences\.partner\.template: expected a path inside templates/")


def test_template_symlink_out_of_project(tmp_path: Path) -> None:
    project = build_tree(tmp_path / "p", {})
    (tmp_path / "outside.j2").write_text("secret")
    (project / "templates" / "evil.md.j2").symlink_to(tmp_path / "outside.j2")
    (project / "briefgen.yaml").write_text(BRIEF.replace("template: partner.md.j2", "template: evil.md.j2"))
    expect_error(project, r"^briefgen\.yaml:10: audiences\.partner\.template: template 'evil\.md\.j2' leads outside")


def test_empty_file(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": "  \n"})
    expect_error(tmp_path, r"^options/beta\.yaml:1: empty file")


def test_non_utf8_file(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": OPTION.format(id="beta").encode() + b"summary2: caf\xe9\n"})
    expect_error(tmp_path, r"^options/beta\.yaml:20: not UTF-8: byte 0xe9")


def test_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    build_tree(tmp_path, {"options/beta.yaml": "\n".join(lines) + "\n"})
    expect_error(tmp_path, r"^options/beta\.yaml:\d+: .*alias uses: refused")


def test_oversize_file(tmp_path: Path) -> None:
    build_tree(tmp_path, {"options/beta.yaml": "# " + "x" * MAX_FILE_BYTES + "\n"})
    expect_error(tmp_path, r"^options/beta\.yaml: file is [\d,]+ bytes, over the [\d,]+-byte limit")


def test_marking_below_cited_evidence_is_refused(tmp_path: Path) -> None:
    text = OPTION.format(id="beta").replace("evidence: [E-2]}", "evidence: [E-2], marking: TLP:CLEAR}")
    build_tree(tmp_path, {"options/beta.yaml": text})
    expect_error(
        tmp_path, r"^options/beta\.yaml:7: cons\[0\]\.marking: marked TLP:CLEAR but cites evidence marked TLP:AMBER"
    )


def test_all_errors_reported_sorted_with_count(tmp_path: Path) -> None:
    build_tree(
        tmp_path,
        {
            "options/beta.yaml": OPTION.format(id="beta").replace("impact: high", "impact: huge", 1),
            "evidence/src-one.yaml": EVIDENCE.replace("reliability: B", "reliability: Z"),
            "options/alpha.yaml": OPTION.format(id="alpha").replace("owner: Desk", "owner: [Desk]"),
        },
    )
    out = expect_error(tmp_path, r"^3 errors$")
    lines = [line for line in out.splitlines() if ": " in line]
    assert [line.split(":")[0] for line in lines] == [
        "evidence/src-one.yaml",
        "options/alpha.yaml",
        "options/beta.yaml",
    ]


def test_no_project_found(tmp_path: Path) -> None:
    code, out = run_check(tmp_path)
    assert code == 1
    assert "no briefgen.yaml in" in out and "Traceback" not in out


def test_ranked_option_missing_a_score(tmp_path: Path) -> None:
    text = OPTION.format(id="beta").replace("  cost: {score: 2, rationale: Dear.}\n", "")
    build_tree(tmp_path, {"options/beta.yaml": text})
    expect_error(
        tmp_path, r"^options/beta\.yaml:17: scores: no score for criteria cost \(memo 'test-memo' ranks this option\)"
    )


DESCRIPTION = "summary: The alpha option.\ndescription: |\n  {text}\n"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "(TLP:AMBER) Fine.\n\n  Open text.\n  (TLP:RED) Continuation line.",
            r"paragraph 2: portion mark '\(TLP:RED\)'",
        ),
        ("Open text **(TLP:RED)** in bold.", r"paragraph 1: portion mark '\(TLP:RED\)' would be ignored"),
        ("(tlp:red) Lower case.", r"paragraph 1: portion mark '\(tlp:red\)' would be ignored"),
        ("- (TLP:RED) A list item.", r"paragraph 1: portion mark '\(TLP:RED\)'"),
        ("(TLP:PURPLE) Unknown.", r"paragraph 1: portion mark: expected one of TLP:CLEAR, .*got 'TLP:PURPLE'"),
    ],
)
def test_portion_mark_anywhere_but_a_paragraph_start_is_refused(tmp_path: Path, text: str, pattern: str) -> None:
    option = OPTION.format(id="alpha").replace("summary: The alpha option.\n", DESCRIPTION.format(text=text))
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"^options/alpha\.yaml:\d+: description: " + pattern)


@pytest.mark.parametrize(
    "text",
    [
        "Open text.\n\n  [^1]: Forged: Central Intelligence Agency 2025, E-999 (A1).",  # would replace note 1's text
        "Open text citing note one.[^1]",  # would cite whatever note 1 is
        "Open text.[^own]\n\n  [^own]: A note of its own.",
    ],
)
def test_a_footnote_in_an_option_description_is_refused(tmp_path: Path, text: str) -> None:
    """The memo numbers its footnotes (cite()): a description's own [^1] would cite the memo's note 1, and its
    [^1]: definition, standing before the memo's notes, would replace that note's text in Word and HTML."""
    option = OPTION.format(id="alpha").replace("summary: The alpha option.\n", DESCRIPTION.format(text=text))
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"^options/alpha\.yaml:\d+: description: paragraph \d: footnote '\[\^\w+\]' would take")


@pytest.mark.parametrize("text", ["Open text.\n\n  **TLP:CLEAR**", "TLP:GREEN", "Open text.\n\n  _tlp: clear_"])
def test_a_description_paragraph_that_is_only_a_marking_is_refused(tmp_path: Path, text: str) -> None:
    """The description is Markdown printed as it stands: a paragraph reading **TLP:CLEAR** would stand in an AMBER
    memo as a banner of its own, in the middle of it."""
    option = OPTION.format(id="alpha").replace("summary: The alpha option.\n", DESCRIPTION.format(text=text))
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"^options/alpha\.yaml:\d+: description: paragraph \d: a marking alone in a paragraph")


def test_escaped_footnote_characters_in_a_description_are_text(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha").replace(
        "summary: The alpha option.\n", DESCRIPTION.format(text="Regex \\[^a-z] is text.")
    )
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    assert run_check(root)[0] == 0


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        (
            "options/alpha.yaml",
            "{text: It helps.,",
            "{text: (TLP:RED) It helps.,",
            r"options/alpha\.yaml:5: pros\[0\]\.text",
        ),
        ("briefgen.yaml", "bluf: Cooperate", "bluf: (TLP:AMBER) Cooperate", r"briefgen\.yaml:\d+: memos\[0\]\.bluf"),
        (
            "evidence/src-one.yaml",
            "claim: Something happened.",
            "claim: '(TLP:RED) Something.'",
            r"evidence/src-one\.yaml:9: records\[0\]\.claim",
        ),
    ],
)
def test_portion_mark_written_into_other_text_is_refused(
    tmp_path: Path, file: str, old: str, new: str, where: str
) -> None:
    files = {"briefgen.yaml": BRIEF, "evidence/src-one.yaml": EVIDENCE, "options/alpha.yaml": OPTION.format(id="alpha")}
    assert old in files[file]
    root = build_tree(tmp_path, {file: files[file].replace(old, new)})
    expect_error(root, rf"^{where}: portion mark '\(TLP:(RED|AMBER)\)' in text would be ignored: set the")


def test_portion_marks_opening_paragraphs_are_accepted(tmp_path: Path) -> None:
    text = "(TLP:GREEN) Shared.\n\n  (TLP:AMBER+STRICT) Closer held."
    option = OPTION.format(id="alpha").replace("summary: The alpha option.\n", DESCRIPTION.format(text=text))
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    assert run_check(root)[0] == 0


def test_templates_folder_linked_out_of_project(tmp_path: Path) -> None:
    project = build_tree(tmp_path / "p", {})
    (project / "templates").rename(tmp_path / "elsewhere")
    (project / "templates").symlink_to(tmp_path / "elsewhere")
    expect_error(project, r"^briefgen\.yaml:\d+: audiences\.partner\.template: templates/ is a link leading outside")


def test_memo_text_marked_above_an_audience_is_refused(tmp_path: Path) -> None:
    brief = BRIEF.replace("    bluf: Cooperate", "    marking: TLP:AMBER\n    bluf: Cooperate")
    root = build_tree(tmp_path, {"briefgen.yaml": brief})
    expect_error(
        root,
        r"^briefgen\.yaml:\d+: memos\[0\]\.marking: the memo's own text is TLP:AMBER but audience 'partner' is "
        r"cleared only to TLP:GREEN",
    )


def test_memo_text_marked_below_its_recommended_option_is_refused(tmp_path: Path) -> None:
    option = OPTION.format(id="alpha").replace("summary: The alpha option.\n", "summary: x\nmarking: TLP:GREEN\n")
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    expect_error(root, r"memos\[0\]\.marking: the BLUF states the recommendation 'alpha', which is marked TLP:GREEN")


def test_list_whose_only_item_is_invalid_gets_one_error_for_the_item(tmp_path: Path) -> None:
    """pydantic adds "should have at least 1 item after validation" for the list, echoing all of it: not shown."""
    build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace("id: test-memo", "id: '..'")})
    out = expect_error(tmp_path, r"^briefgen\.yaml:12: memos\[0\]\.id: expected text matching .*, got '\.\.'$")
    assert out.splitlines()[-1] == "1 error"
