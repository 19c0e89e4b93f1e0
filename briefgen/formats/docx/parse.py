"""Stage 4b, render: the Markdown parser for the Word stage (markdown-it-py, CommonMark plus GFM tables and
strikethrough, raw HTML off).

One addition, through markdown-it's own core-rule API: inline content with no character that could start inline
markup (most table cells and many paragraphs of a memo) becomes a single text token without running the inline
rule chain — the same tokens markdown-it would produce, at a fraction of the cost on table-heavy papers. A test
compares both parsers' tokens on every sample memo and on generated text."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# Anything an inline rule could act on: escapes, code, emphasis, links, images, autolinks, entities, strikethrough,
# hard breaks (two spaces, or a backslash, before a newline) and soft breaks.
_INLINE_TRIGGER = re.compile(r"[\\`*_\[\]<>&!~\n]|  ")


@cache
def parser() -> MarkdownIt:
    """The parser (built once; markdown-it parsers keep no state between parses)."""
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.core.ruler.at("inline", _inline)
    return md


def reference_parser() -> MarkdownIt:
    """markdown-it-py unmodified, for the test that compares tokens."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _inline(state: StateCore) -> None:
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if not token.content:
            token.children = []
        elif _INLINE_TRIGGER.search(token.content) is None:
            text = Token("text", "", 0)
            text.content = token.content
            token.children = [text]
        else:
            token.children = []
            md.inline.parse(token.content, md, state.env, token.children)
