"""Markdown render: sandboxed templates, template errors with file and line, data always literal."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from briefs import EVIDENCE, OPTION, build_tree
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefgen.builder.run import render
from briefgen.cli import main
from briefgen.errors import TemplateError
from briefgen.formats.filters import escape_cell, escape_md
from briefgen.inputs.project import load

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ memo.__class__.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__['os'].system('true') }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 'x' * 100000000 }}",
    "{{ memo.options.append(1) }}",
    "{% include '../briefgen.yaml' %}",
    "{% extends '/etc/passwd' %}",
]


def test_template_injection_payloads_are_refused(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    for i, payload in enumerate(PAYLOADS):
        (root / "templates" / "partner.md.j2").write_text(f"line one\n\n{payload}\n")
        brief = load(root)
        with pytest.raises(TemplateError) as caught:
            render(brief, "test-memo", "partner", "md")
        message = str(caught.value)
        assert message.startswith("templates/"), (i, message)
        if "include" not in payload and "extends" not in payload:
            assert message.startswith("templates/partner.md.j2:3: template:"), (i, message)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{% extends 'base.md.j2' %}\n{% block body %}\n{% if %}\n{% endblock %}\n",
            "templates/partner.md.j2:3: template: syntax error",
        ),
        (
            "{% extends 'base.md.j2' %}\n{% block body %}\n\n{{ memo.no_such_thing }}\n{% endblock %}\n",
            "templates/partner.md.j2:4: template: undefined",
        ),
        ("a\n{{ memo.__class__ }}\n", "templates/partner.md.j2:2: template: sandbox violation"),
    ],
)
def test_template_errors_name_file_and_line_in_the_cli(tmp_path: Path, source: str, expected: str) -> None:
    root = build_tree(tmp_path, {})
    (root / "templates" / "partner.md.j2").write_text(source)
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "md"])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert not (root / "outputs").exists(), "a failed build wrote outputs"


def test_syntax_error_in_a_parent_template_names_the_parent(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    base = root / "templates" / "base.md.j2"
    base.write_text(base.read_text() + "\n{% endif %}\n")
    with pytest.raises(TemplateError, match=r"^templates/base\.md\.j2:\d+: template: syntax error"):
        render(load(root), "test-memo", "partner", "md")


def plain_text(markdown: str) -> str:
    """The text a reader sees: inline content of every token, joined by spaces."""
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    return " ".join(
        t.content
        for tok in tokens
        if tok.type == "inline"
        for t in tok.children or []
        if t.type in ("text", "code_inline")
    )


hostile = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), blacklist_characters="\u00a0\u2028\u2029\u3000"
        ),
        min_size=1,
        max_size=60,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_escaped_text_reads_back_literally(text: str) -> None:
    assert plain_text(escape_md(text)) == text
    table = f"| a | b |\n|---|---|\n| {escape_cell(text)} | x |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2, "data broke the table"
    assert plain_text(table).split(" ", 2)[2].rsplit(" ", 1)[0] == text


SAMPLES = [
    "a | b",
    "**bold**",
    "`code`",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    "مرحبا بالعالم",
    "emoji 🚀🛰️",
    "x" * 300,
    "# not a heading",
    "1. not a list",
    "> not a quote",
    "[link](http://x)",
    "_x_",
]


def test_hostile_data_stays_literal_in_every_audience(tmp_path: Path) -> None:
    text = " ".join(SAMPLES[:6])
    title = "Alpha " + " ".join(SAMPLES[9:])  # Markdown syntax in a field every audience shows
    option = (
        OPTION.format(id="alpha")
        .replace("It helps.", f"'{text}'")
        .replace("summary: The alpha option.", f"summary: '{' '.join(SAMPLES[6:])}'")
        .replace("title: Option alpha", f"title: '{title}'")
    )
    root = build_tree(tmp_path, {"options/alpha.yaml": option})
    brief = load(root)
    for audience in ("principal", "working-level", "partner"):
        markdown = render(brief, "test-memo", audience, "md")
        assert isinstance(markdown, str)
        seen = plain_text(markdown)
        if audience == "working-level":
            assert text in seen, audience
            assert " ".join(SAMPLES[6:]) in seen  # the summary (the principal memo shows titles only)
        if audience in ("principal", "working-level"):
            assert title in seen, audience
        assert "49" not in seen


lines_and_controls = st.text(alphabet=st.sampled_from(list("ab #->1.|*[^]:\\\r\n\x1b\x07\x0b\x0c\x85\t")), max_size=40)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(lines_and_controls)
def test_escaped_text_with_carriage_returns_and_controls_makes_no_block_and_no_control(text: str) -> None:
    """A value's carriage return ends a line as a line feed does (CommonMark), so "\\r# x" was a heading in Word and
    HTML; and a control character, which Word and HTML drop, reached the Markdown (an escape acting on a terminal)."""
    escaped = escape_md(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", escaped), repr(escaped)
    blocks = [t.type for t in MarkdownIt("commonmark").parse(escaped) if t.nesting >= 0 and t.level == 0]
    assert blocks in ([], ["paragraph_open"]), (repr(text), blocks)  # one paragraph: it stays in its list item


def test_a_carriage_return_in_a_value_makes_no_heading_in_word(tmp_path: Path) -> None:
    summary = 'summary: "The beta option.\\r# Injected heading\\r\\r- injected item\\x1b[31m"\n'
    option = OPTION.format(id="beta").replace("summary: The beta option.\n", summary)
    root = build_tree(tmp_path, {"options/beta.yaml": option})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    document = docx.Document(str(root / "outputs/test-memo/working-level.docx"))
    found = [p for p in document.paragraphs if "Injected" in p.text or "injected item" in p.text]
    styles = {p.style.name if p.style else "" for p in found}
    assert found and not any(str(name).startswith(("Heading", "List", "Title")) for name in styles), styles
    assert "\x1b" not in (root / "outputs/test-memo/working-level.md").read_text()


def test_a_blank_line_in_a_source_s_outlet_keeps_every_note_whole_in_word(tmp_path: Path) -> None:
    """A value is one paragraph: the blank lines of a source's outlet ended each footnote citing it, and the rest of
    the note (outlet, record id, grade) stood as stray paragraphs at the end of the memo."""
    evidence = EVIDENCE.replace("  publisher: An outlet\n", '  publisher: "An outlet\\n\\nits subtitle"\n')
    root = build_tree(tmp_path, {"evidence/src-one.yaml": evidence})
    assert CliRunner().invoke(main, ["build", "-p", str(root)]).exit_code == 0
    with zipfile.ZipFile(root / "outputs/test-memo/working-level.docx") as package:
        body = package.read("word/document.xml").decode()
        notes = package.read("word/footnotes.xml").decode()
    assert "(B2" not in body  # no note's grade left among the body's paragraphs
    assert notes.count("subtitle") == notes.count("(B") > 0
