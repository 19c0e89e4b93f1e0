"""The Word stage's parser (pulldown-cmark) reads memo Markdown as markdown-it-py, the parser it replaced, read it:
same blocks, same text, same formatting — on every sample memo and on generated text made of what templates write.

Known departures, where markdown-it-py was not what CommonMark/GFM (and cmark-gfm) say, are kept out of the
generated text and pinned in their own tests: raw HTML blocks, single-tilde strikethrough, spaces or tabs before a
line end, and an empty list item followed by a blank line. Two where pulldown-cmark is the odd one out are kept out
too (templates do not write them, and escaped data cannot): ``~~`` between a letter and punctuation (``word~~*~~``
strikes through), and a line indented four spaces straight after a table row (read as a row, not as code)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from briefs import REPO
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefgen.builder.outputs import render_md, targets
from briefgen.formats.docx.parse import events
from briefgen.inputs.project import load

Item = tuple[Any, ...]


def from_markdown_it(text: str) -> list[Item]:
    """markdown-it-py's tokens as blocks and runs: ("open", kind), ("close", kind), ("text", text, format)..."""
    out: list[Item] = []
    for token in MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).parse(text):
        kind = token.type.rsplit("_", 1)[0]
        if token.type == "inline":
            _inline_tokens(token.children or [], out)
        elif kind in ("paragraph",) and token.hidden:
            continue
        elif token.type in ("th_open", "td_open"):
            out.append(("cell",))
        elif kind in ("thead", "tbody", "th", "td"):
            continue
        elif token.type in ("code_block", "fence"):
            out.append(("code", token.content.rstrip("\n")))  # the Word stage drops the final newlines
        elif token.type == "hr":
            out.append(("hr",))
        elif token.nesting:
            detail = token.tag if kind == "heading" else token.attrGet("start") or 1 if kind == "ordered_list" else ""
            out.append(("open" if token.nesting > 0 else "close", _KINDS.get(kind, kind), detail))
    return _merged(out)


_KINDS = {"tr": "row", "list_item": "item", "bullet_list": "list", "ordered_list": "list"}


def _inline_tokens(children: list[Any], out: list[Item]) -> None:
    fmt: dict[str, Any] = {"b": 0, "i": 0, "s": 0, "href": None}
    for child in children:
        if child.type in ("strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close"):
            fmt[{"strong": "b", "em": "i", "s": "s"}[child.type.rsplit("_", 1)[0]]] += child.nesting
        elif child.type == "link_open":
            fmt["href"] = child.attrGet("href")
        elif child.type == "link_close":
            fmt["href"] = None
        elif child.type in ("text", "code_inline", "image"):  # an image shows its description
            code = child.type == "code_inline"
            out.append(("text", _code_text(child.content, code), _frozen(fmt, code)))
        elif child.type in ("softbreak", "hardbreak"):
            out.append((child.type,))


def from_pulldown(text: str) -> list[Item]:
    """The Word parser's events in the same form."""
    out: list[Item] = []
    fmt: dict[str, Any] = {"b": 0, "i": 0, "s": 0, "href": None}
    for event in events(text):
        if event in ("SoftBreak", "HardBreak"):
            out.append((event.lower(),))
        elif event == "Rule":
            out.append(("hr",))
        else:
            ((kind, value),) = event.items()
            name = value if isinstance(value, str) else next(iter(value))
            if kind in ("Text", "Code") and fmt.get("code") is not None:
                fmt["code"] += value
            elif kind in ("Text", "Code"):
                out.append(("text", _code_text(value, kind == "Code"), _frozen(fmt, kind == "Code")))
            elif name in ("Strong", "Emphasis", "Strikethrough"):
                fmt[{"Strong": "b", "Emphasis": "i", "Strikethrough": "s"}[name]] += 1 if kind == "Start" else -1
            elif name == "Image":
                continue
            elif name == "Link":
                fmt["href"] = value["Link"]["dest_url"] if kind == "Start" else None
            elif name == "CodeBlock" and kind == "Start":
                fmt["code"] = ""
            elif name == "CodeBlock":
                out.append(("code", fmt.pop("code").rstrip("\n")))
            elif name == "TableCell":
                out += [("cell",)] if kind == "Start" else []
            else:
                _pulldown_block(kind, name, value, out)
    return _merged(out)


def _pulldown_block(kind: str, name: str, value: Any, out: list[Item]) -> None:
    if name in ("TableHead", "TableRow"):
        out.append(("open" if kind == "Start" else "close", "row", ""))
        return
    names = {"Paragraph": "paragraph", "Heading": "heading", "List": "list", "Item": "item", "BlockQuote": "blockquote"}
    if name == "Table" or name not in names:
        out.append(("open" if kind == "Start" else "close", name.lower(), ""))
        return
    detail: Any = ""
    if name == "Heading":
        detail = "h" + (value["Heading"]["level"] if kind == "Start" else value["Heading"])[1:]
    elif name == "List" and kind == "Start":
        detail = value["List"] if value["List"] is not None else ""
    elif name == "List":
        detail = None
    out.append(("open" if kind == "Start" else "close", names[name], detail))


def _code_text(text: str, code: bool) -> str:
    """Spaces in a code span that spans lines: markdown-it kept one fewer where a list item's line continues (cmark
    and pulldown-cmark agree with each other); compared as one space."""
    return re.sub(" +", " ", text) if code else text


def _frozen(fmt: dict[str, Any], code: bool) -> tuple[Any, ...]:
    return (fmt["b"] > 0, fmt["i"] > 0, fmt["s"] > 0, fmt["href"], code)


def _merged(items: list[Item]) -> list[Item]:
    """Adjacent text of one format joined; closing tags' details (which only one parser gives) dropped; spaces
    before a line break dropped, as CommonMark says (markdown-it kept them after a backslash)."""
    out: list[Item] = []
    for item in items:
        if item[0] == "close":
            item = ("close", item[1])
        if item[0] in ("softbreak", "hardbreak") and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1].rstrip(" "), out[-1][2])
        if item[0] == "text" and out and out[-1][0] == "text" and out[-1][2] == item[2]:
            out[-1] = ("text", out[-1][1] + item[1], item[2])
        elif item[0] != "text" or item[1]:
            out.append(item)
    return [("open", "table", "") if i[:2] == ("open", "table") else i for i in out]


def without_footnotes_and_contents(text: str) -> str:
    """The memo without what markdown-it (no plugins, HTML off) has no reading of: the contents directive's region
    (HTML comments) and footnotes (references and definitions), which ``test_render_docx`` tests on their own."""
    text = re.sub(r"<!-- briefgen:contents -->.*?<!-- /briefgen:contents -->\n", "", text, flags=re.DOTALL)
    text = re.sub(r"^\[\^\d+\]: .*\n", "", text, flags=re.MULTILINE)
    return re.sub(r"\[\^\d+\]", "", text)


def test_sample_memos_parse_alike() -> None:
    brief = load(REPO)
    for target in targets(brief):
        _, rendered = render_md(brief, target, dt.date(2026, 11, 23))
        text = without_footnotes_and_contents(rendered.text)
        assert from_pulldown(text) == from_markdown_it(text), target


BITS = st.sampled_from(
    ["word", " ", "  ", "\n", "\n\n", "*", "**", "_", "`", "\\", "[", "]", "(", ")", "&amp;", "&", "!", " ~~gone~~ ",
     "|", "-", "1.", "#", "'", '"', "—", "é", ":", "$", "> ", "- ", "1. ", "[a](http://x.y/z)", "High", "**Low**",
     "  \n"]
)  # fmt: skip


@given(st.lists(BITS, max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_template_like_text_parses_alike(text: str) -> None:
    assume(re.search(r"\\ +\n", text) is None)  # markdown-it: no hard break after a backslash (see below)
    table = f"| a | b |\n|---|:-:|\n| {text.replace(chr(10), ' ')} | x |\n"
    for source in (text, table, f"- {text}\n"):
        if re.search(r"^ *(?:-|\d+[.)]) *\n\s*\n", source, re.MULTILINE):
            continue  # an empty item (bullet or number), then a blank line: markdown-it starts a new list, CommonMark
            # continues it
        assert from_pulldown(source) == from_markdown_it(source), source


def test_raw_html_stays_text_and_an_html_block_follows_commonmark() -> None:
    """Inline HTML is text to both; an HTML block (a line opening with a tag) is one block of literal text, as
    CommonMark says, where markdown-it (HTML off) read its lines as a paragraph with Markdown inside."""
    assert [e for e in events("a <b>x</b>") if "InlineHtml" in e] == [{"InlineHtml": "<b>"}, {"InlineHtml": "</b>"}]
    assert events("<div>\n*x*\n</div>")[:2] == ({"Start": "HtmlBlock"}, {"Html": "<div>\n"})


def test_single_tildes_strike_through_as_in_gfm() -> None:
    assert {"Start": "Strikethrough"} in events("a ~b~ c")


def test_two_spaces_after_a_backslash_break_the_line_as_in_commonmark() -> None:
    assert events("a\\  \nb")[1:4] == ({"Text": "a\\"}, "HardBreak", {"Text": "b"})
