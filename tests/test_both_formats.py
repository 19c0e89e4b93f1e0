"""Markdown and Word say the same thing: hostile text in evidence or options appears literally in both and never
breaks a table; canaries never reach an audience below their marking in either format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import yaml
from briefs import OPTION, build_tree
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_assemble import LEVELS, canary, canary_brief
from test_render_markdown import plain_text

from briefgen.builder.run import render
from briefgen.inputs.project import load

TODAY = dt.date(2026, 11, 23)


def docx_text(data: bytes) -> str:
    """All text in the document body, header and footer."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/"))
    return xml


def test_canaries_in_word_outputs(tmp_path: Path) -> None:
    brief = load(canary_brief(tmp_path))
    for ceiling in LEVELS:
        data = render(brief, "test-memo", f"aud-{ceiling.name.lower()}", "docx", TODAY)
        assert isinstance(data, bytes)
        text = docx_text(data)
        for m in LEVELS:
            for kind in ("pro", "con", "para", "quote"):  # the quote is in a footnote: word/footnotes.xml
                assert (canary(m) + kind in text) == (m <= ceiling), (ceiling, m, kind)


hostile = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
            blacklist_characters="\u00a0\u2028\u2029\u3000\ufeff",
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(tmp_path_factory.mktemp("hostile"), {})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pro=hostile, risk=hostile)
def test_any_text_appears_literally_in_both_formats(project: Path, pro: str, risk: str) -> None:
    option = (
        OPTION.format(id="alpha")
        .replace(
            "  - {text: It helps., evidence: [E-1]}",
            "  - "
            + yaml.safe_dump(
                {"text": pro, "evidence": ["E-1"]}, default_flow_style=True, allow_unicode=True, width=10_000
            ).strip(),
        )
        .replace(
            "    risk: Something goes wrong.",
            "    risk: "
            + yaml.safe_dump(risk, allow_unicode=True, width=10_000).strip().removesuffix("\n...").removesuffix("..."),
        )
    )
    (project / "options" / "alpha.yaml").write_text(option, encoding="utf-8")
    brief = load(project)
    markdown = render(brief, "test-memo", "working-level", "md", TODAY)
    assert isinstance(markdown, str)
    seen = plain_text(markdown)
    assert pro in seen and risk in seen
    data = render(brief, "test-memo", "working-level", "docx", TODAY)
    assert isinstance(data, bytes)
    document = Document(io.BytesIO(data))
    paragraphs = [as_written(p.text) for p in document.paragraphs]
    assert any(as_written(pro) in p for p in paragraphs), pro
    registers = [t for t in document.tables if t.rows[0].cells[0].text == "ID"]
    assert registers and all(len(row.cells) == 7 for t in registers for row in t.rows), "text broke a table"
    assert any(as_written(risk) in as_written(row.cells[1].text) for t in registers for row in t.rows), risk


_TYPESET = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def as_written(text: str) -> str:
    """Text with Word's typography undone: curly quotes straight (the house style's option), non-breaking spaces
    plain."""
    return text.translate(_TYPESET)
