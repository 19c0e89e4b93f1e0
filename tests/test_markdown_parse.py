"""The Word stage's parser shortcut yields exactly markdown-it-py's tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from briefs import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.builder.outputs import render_md, targets
from briefgen.formats.docx.parse import parser, reference_parser
from briefgen.inputs.project import load


def tokens(md: Any, text: str) -> list[dict[str, Any]]:
    return [t.as_dict() for t in md.parse(text)]


def test_sample_memos_parse_to_the_same_tokens() -> None:
    brief = load(REPO)
    for target in targets(brief):
        _, rendered = render_md(brief, target, dt.date(2026, 11, 23))
        assert tokens(parser(), rendered.text) == tokens(reference_parser(), rendered.text), target


MARKDOWN_BITS = st.sampled_from(
    [
        "word",
        " ",
        "  ",
        "\n",
        "\n\n",
        "*",
        "_",
        "`",
        "\\",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "&amp;",
        "&",
        "!",
        "~~",
        "|",
        "-",
        "1.",
        "#",
        "http://x.y",
        "a@b.c",
        "'",
        '"',
        "—",
        "é",
        "\t",
        ":",
        "$",
    ]
)


@given(st.lists(MARKDOWN_BITS, max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_to_the_same_tokens(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {text.replace(chr(10), ' ')} | x |\n"
    for source in (text, table, f"- {text}\n"):
        assert tokens(parser(), source) == tokens(reference_parser(), source)
