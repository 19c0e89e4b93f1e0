"""Hostile templates cost bounded memory and time, and end in one clear error naming the template and line; a
template cannot print a whole object (whose content would reach the memo without its marking being noted)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from briefs import build_tree
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.formats import sandbox

EXHAUSTING = {
    "expandtabs": '{{ ("\\t" * 1000000).expandtabs(100000)|length }}',
    "join-filter": '{{ (range(100000)|list)|join("x" * 1000000)|length }}',
    "join-method": '{{ ("x" * 1000000).join(range(100000)|map("string")|list)|length }}',
    "concat-doubling": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}'
        "{{ ns.s|length }}"
    ),
    "plus-doubling": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}'
        "{{ ns.s|length }}"
    ),
    "replace-method": '{{ ("x" * 1000000).replace("x", "x" * 1000000)|length }}',
    "replace-filter": '{{ ("x" * 1000000)|replace("x", "x" * 1000000)|length }}',
    "int-squaring": (
        "{% set ns = namespace(v=10**64) %}{% for i in range(30) %}{% set ns.v = ns.v * ns.v %}{% endfor %}"
        "{{ ns.v % 7 }}"
    ),
    "power": "{{ (10**64)**64 }}",
    "center-filter": '{{ "x"|center(999999999)|length }}',
    "ljust": '{{ "x".ljust(999999999)|length }}',
    "zfill": '{{ "x".zfill(999999999)|length }}',
    "percent-width": '{{ ("%999999999d" % 1)|length }}',
    "percent-star": '{{ ("%*d" % (999999999, 1))|length }}',
    "format-method": '{{ "{:>999999999}".format(1)|length }}',
    "format-nested": '{{ "{:>{w}}".format(1, w=999999999)|length }}',
    "format-filter": '{{ "%999999999s"|format("a")|length }}',
    "indent": '{{ "a\\nb"|indent(999999999)|length }}',
    "lipsum": "{{ lipsum(n=10000000)|length }}",
    "output-flood": "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
    "silent-loop": "{% set l = range(100000)|list %}{% for i in l %}{% for j in l %}{% endfor %}{% endfor %}",
}


PRINCIPAL_MD = ("build", "--audience", "principal", "--format", "md")


def cli(root: Path, *args: str, expect: int) -> str:
    """Run briefgen on the project and check its exit code (a refusal: one clean message); its output."""
    result = CliRunner().invoke(main, [*args, "-p", str(root)])
    assert result.exit_code == expect, result.output
    if expect == 1:
        assert "internal error" not in result.output and "Traceback" not in result.output
    return result.output


def hostile(tmp_path: Path, body: str) -> Path:
    root = build_tree(tmp_path, {})
    template = '{% extends "base.md.j2" %}{% block body %}\n' + body + "\n{% endblock %}"
    (root / "templates" / "principal.md.j2").write_text(template)
    return root


@pytest.mark.parametrize("case", sorted(EXHAUSTING))
def test_exhausting_template_fails_fast_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)
    root = hostile(tmp_path, EXHAUSTING[case])
    started = time.monotonic()
    output = cli(root, *PRINCIPAL_MD, expect=1)
    elapsed = time.monotonic() - started
    assert output.startswith("templates/principal.md.j2:"), output
    assert not (root / "outputs").exists()
    assert elapsed < 20, f"{case} took {elapsed:.1f} s"  # a bound on the guard, not a benchmark


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ memo.options }}", "cannot print a whole tuple"),
        ("{{ memo.recommended }}", "cannot print a whole option"),
        ('{{ memo.options|join(", ") }}', "cannot print a whole option"),
        ("{{ memo.recommended ~ '' }}", "cannot print a whole option"),
        ('{{ "%s"|format(memo.recommended) }}', "cannot print a whole option"),
        ('{{ "{}".format(memo.recommended) }}', "cannot format a whole option"),
        ("{{ memo.evidence }}", "cannot print a whole dict"),
        ("{{ memo.options|pprint }}", "No filter named 'pprint'"),
        ("{{ memo.options|string }}", "No filter named 'string'"),
    ],
)
def test_whole_objects_cannot_be_printed(tmp_path: Path, body: str, message: str) -> None:
    root = hostile(tmp_path, body)
    output = cli(root, *PRINCIPAL_MD, expect=1)
    assert output.startswith("templates/principal.md.j2:"), output
    assert message in output, output


def test_a_container_printed_shows_ids_only(tmp_path: Path) -> None:
    """Containers print their parts' reprs, which name a part and carry none of its content."""
    root = hostile(tmp_path, '{{ memo.options|map(attribute="risks")|list|join }} {{ memo.evidence|dictsort|join }}')
    cli(root, *PRINCIPAL_MD, expect=0)
    text = (root / "outputs/test-memo/principal.md").read_text()
    assert "<RiskView R-alpha-1>" in text and "<Evidence E-1>" in text
    assert "Something goes wrong" not in text and "Something happened" not in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{% extends "base.md.j2" %}{% extends "base.md.j2" %}', "extended multiple times"),
        ("{{ super() }}", "'super' is undefined"),
        ('{{ "\\udcff" }}', "surrogate"),
        ("{{ nope() }}", "undefined"),
    ],
)
def test_runtime_template_errors_are_clean(tmp_path: Path, source: str, message: str) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "principal.md.j2").write_text(source)
    output = cli(root, "build", "--audience", "principal", expect=1)
    assert output.startswith("templates/principal.md.j2"), output
    assert message in output, output
    assert "internal error" not in output


def test_dynamic_include_is_a_dependency(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "extra.md.j2").write_text("Extra text.\n")
    source = (root / "templates" / "partner.md.j2").read_text()
    name = "extra" + ".md.j2"
    include = '{% block body %}{% include memo.memo_id[:0] ~ "' + name + '" %}\n'
    (root / "templates" / "partner.md.j2").write_text(source.replace("{% block body %}", include, 1))
    cli(root, "build", expect=0)
    (root / "templates" / "extra.md.j2").write_text("Extra text, revised.\n")
    cli(root, "build", expect=0)
    assert "Extra text, revised." in (root / "outputs/test-memo/partner.md").read_text()


def test_check_reports_template_syntax_errors_without_building(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "base.md.j2").write_text("line\n{% if %}\n")
    output = cli(root, "check", expect=1)
    assert "templates/base.md.j2:2: template: syntax error" in output
    assert not (root / "outputs").exists()


def test_loader_refuses_a_templates_folder_linked_out(tmp_path: Path) -> None:
    from briefgen.formats.faults import compile_templates

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.md.j2").write_text("hi")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "templates").symlink_to(tmp_path / "elsewhere")
    errors = compile_templates(tmp_path / "project" / "templates", ["a.md.j2"])
    assert [str(e) for e in errors] == ["templates/a.md.j2: template: refused: templates/ leads outside the project"]


def test_memo_text_marking_is_a_floor_for_every_output(tmp_path: Path) -> None:
    from briefs import BRIEF

    root = build_tree(
        tmp_path, {"briefgen.yaml": BRIEF.replace("    bluf: Cooperate", "    marking: TLP:GREEN\n    bluf: Cooperate")}
    )
    assert CliRunner().invoke(main, ["build", "-p", str(root), "--format", "md"]).exit_code == 0
    for audience in ("partner", "principal", "working-level"):
        text = (root / f"outputs/test-memo/{audience}.md").read_text()
        assert text.startswith("**TLP:GREEN**") or text.startswith("**TLP:AMBER"), (audience, text[:40])


def test_a_template_that_drops_the_marking_banner_is_refused(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "partner.md.j2").write_text("# {{ memo.subject }}\n\n{{ memo.marking }}\n")
    output = cli(root, "build", expect=1)
    assert "templates/partner.md.j2: template: the output must open with its marking (TLP:CLEAR)" in output


def test_check_reports_a_template_that_is_not_utf8(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "partner.md.j2").write_bytes(b"{% extends 'base.md.j2' %}\n\xff\xfe caf\xe9\n")
    for command in ("check", "build"):
        output = cli(root, command, expect=1)
        assert output.startswith("templates/partner.md.j2"), output
        assert "internal error" not in output


def test_the_library_refuses_a_reference_date_outside_its_years_with_its_own_error(tmp_path: Path) -> None:
    import datetime as dt

    from briefgen import check
    from briefgen.errors import BriefgenError

    root = build_tree(tmp_path, {})
    with pytest.raises(BriefgenError, match="expected a date from 1000-01-01"):
        check(root, as_of=dt.date(999, 12, 31))


def test_check_reports_an_unknown_filter(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    source = "{% extends 'base.md.j2' %}\n{% block body %}\n{{ memo.subject|shout }}\n{% endblock %}\n"
    (root / "templates" / "partner.md.j2").write_text(source)
    output = cli(root, "check", expect=1)
    assert "templates/partner.md.j2:3: template: syntax error: No filter named 'shout'" in output


def test_check_compiles_templates_only_when_they_changed_since_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.errors import TemplateError
    from briefgen.formats import faults

    root = build_tree(tmp_path, {})
    cli(root, "build", expect=0)
    compiled: list[str] = []
    real = faults.compile_templates

    def counting(path: Path, names: Iterable[str]) -> list[TemplateError]:
        compiled.append("yes")
        return real(path, names)

    monkeypatch.setattr(faults, "compile_templates", counting)
    cli(root, "check", expect=0)
    assert compiled == [], "templates the last build rendered were compiled again"
    (root / "templates" / "base.md.j2").write_text("line\n{% if %}\n")  # edited after the build: compiled again
    output = cli(root, "check", expect=1)
    assert compiled == ["yes"] and "templates/base.md.j2:2: template: syntax error" in output


def test_plain_values_print(tmp_path: Path) -> None:
    root = hostile(tmp_path, "{{ memo.as_of }} {{ memo.version }} {{ memo.max_marking }} {{ memo.options[0].total }}")
    cli(root, *PRINCIPAL_MD, expect=0)


def test_content_that_depends_on_its_own_marking_never_shows_above_its_banner(tmp_path: Path) -> None:
    from briefs import EVIDENCE

    evidence = EVIDENCE.replace("  reliability: B\n", "  reliability: B\n  marking: TLP:GREEN\n")
    root = build_tree(tmp_path, {"evidence/src-one.yaml": evidence})
    body = "{% if memo.marking == 'TLP:CLEAR' %}Public annex: {{ memo.evidence['E-1'].claim }}{% endif %}"
    template = '{% extends "base.md.j2" %}{% block body %}' + body + "{% endblock %}"
    (root / "templates" / "principal.md.j2").write_text(template)
    cli(root, *PRINCIPAL_MD, expect=0)
    text = (root / "outputs/test-memo/principal.md").read_text()
    banner = text.splitlines()[0]
    assert "Something happened" not in text or banner != "**TLP:CLEAR**", text
    assert banner in ("**TLP:GREEN**", "**TLP:AMBER**"), banner


MEMORY_HOGS = {
    "map-upper": '{% set s = "x" * 1000000 %}{{ ([s] * 1000000)|map("upper")|list|length }}',
    "block-capture": '{% set s = "x" * 1000000 %}{% set t %}{% for i in range(5000) %}{{ s }}{% endfor %}{% endset %}'
    "{{ t|length }}",
    "bytes": '{{ ("x".encode() * 2000000000)|length }}',
    "join-string": '{{ ("y" * 1000000).join("x" * 1000000)|length }}',
}


@pytest.mark.parametrize("case", sorted(MEMORY_HOGS))
def test_the_command_line_caps_memory_so_a_hog_ends_in_one_error_line(tmp_path: Path, case: str) -> None:
    """What slips past the size checks meets the address-space ceiling the console script sets (not the library)."""
    import subprocess
    import sys

    root = hostile(tmp_path, MEMORY_HOGS[case])
    command = [sys.executable, "-m", "briefgen", "build", "-p", str(root), "--audience", "principal", "--format", "md"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, (result.stdout, result.stderr)
    output = result.stdout + result.stderr
    assert output.startswith("templates/principal.md.j2:"), output
    assert "Traceback" not in output and "internal error" not in output
