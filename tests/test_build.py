"""Build: outputs written atomically, byte-identical rebuilds, failures leave earlier outputs as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from briefs import OPTION, build_tree
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.builder.safe_paths import TEMP_PREFIX
from briefgen.cli import main

OUTPUTS = [f"outputs/test-memo/{a}.{f}" for a in ("partner", "principal", "working-level") for f in ("docx", "md")]
OUTPUTS += [f"outputs/test-memo/working-level-{chart}.svg" for chart in ("scores", "tornado")]  # the options paper's


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "outputs").glob("*/*"))
        if p.is_file()
    }


def test_build_writes_six_outputs_then_nothing(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    first = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "6 written, 0 unchanged"
    assert sorted(digests(root)) == sorted(OUTPUTS)
    again = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert again.output.strip() == "0 written, 6 unchanged"


def test_two_projects_with_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    a = build_tree(tmp_path / "a", {})
    b = build_tree(tmp_path / "b", {})
    build(a)
    build(b)
    assert digests(a) == digests(b)


def test_selecting_memo_audience_and_format(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    result = build(root, audience="partner", fmt="md")
    assert result.written == ("outputs/test-memo/partner.md",)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--memo", "nope"], "unknown memo 'nope' (expected one of: test-memo)"),
        (
            ["--audience", "nope"],
            "unknown audience 'nope' for this memo (expected one of: partner, principal, working-level)",
        ),
    ],
)
def test_unknown_targets(tmp_path: Path, args: list[str], message: str) -> None:
    root = build_tree(tmp_path, {})
    result = CliRunner().invoke(main, ["build", "-p", str(root), *args])
    assert result.exit_code == 2  # a usage error, like any other bad argument
    assert message in result.output


def test_a_failed_build_leaves_earlier_outputs_untouched(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root)
    before = digests(root)
    (root / "options" / "beta.yaml").write_text(OPTION.format(id="beta").replace("impact: high", "impact: huge"))
    bad_input = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert bad_input.exit_code == 1 and "risks[0].impact" in bad_input.output
    assert digests(root) == before
    (root / "options" / "beta.yaml").write_text(OPTION.format(id="beta").replace("It costs.", "It costs more."))
    (root / "templates" / "partner.md.j2").write_text(
        "{% extends 'base.md.j2' %}{% block body %}{{ nope }}{% endblock %}"
    )
    bad_template = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert bad_template.exit_code == 1 and "templates/partner.md.j2:1: template: undefined" in bad_template.output
    assert digests(root) == before, "outputs rendered before the failing template were written"


def test_a_style_of_the_wrong_type_in_the_reference_document_is_a_clear_error(tmp_path: Path) -> None:
    """A missing style is added from briefgen's defaults (tests/test_house_templates.py); one the template defines
    as something else (Heading 2 as a character style) is the template meaning something else: refused."""
    import io
    import zipfile

    root = build_tree(tmp_path, {})
    ref = root / "templates" / "reference.docx"
    source = zipfile.ZipFile(io.BytesIO(ref.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(
                    b'w:type="paragraph" w:styleId="Heading2"', b'w:type="character" w:styleId="Heading2"'
                )
            target.writestr(item, data)
    ref.write_bytes(out.getvalue())
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "docx"])
    assert result.exit_code == 1
    assert "templates/reference.docx" in result.output and "Heading 2" in result.output
    assert not (root / "outputs" / "test-memo").exists()


def test_stray_temp_files_are_cleaned_up(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root)
    stray = root / "outputs" / "test-memo" / f"{TEMP_PREFIX}999-principal.md"
    stray.write_text("half")
    build(root)
    assert not stray.exists()
