"""Blocks rendered last, so that a memo's body is rendered once.

A memo's banner and footer print its marking, the most restrictive marking of everything it shows; its header and
"What changed" section print its version, date and change note, which depend on whether what it shows differs from
the last build. Both are known only once the rest has been rendered. So the ``banner``, ``header`` and ``footer``
blocks, and any block whose name starts with ``revision``, are *late*: while the body is rendered each leaves a
placeholder, and once the marking and the revision are decided the late blocks alone are rendered with the final
values and put in their places. A template that reads the marking or the revision outside a late block still works:
its body is rendered again when the value it saw turns out different (``formats.markdown`` decides).

The placeholders carry a random marker chosen per render, so no text a template or its data prints can pass for one;
every placeholder is replaced, so the output does not depend on the marker."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jinja2
import jinja2.runtime

LATE_BLOCKS = frozenset({"banner", "header", "footer"})
LATE_PREFIX = "revision"
# What a late block exists to print: reading these elsewhere ties the body to the final values.
SUMMARY_FIELDS = frozenset({"marking", "version", "date", "changes"})

BlockFunction = Callable[[jinja2.runtime.Context], Iterator[str]]


def is_late(name: str) -> bool:
    return name in LATE_BLOCKS or name.startswith(LATE_PREFIX)


def new_marker() -> str:
    return secrets.token_hex(8)


def placeholder(marker: str, name: str) -> str:
    return f"\ue000{marker}:{name}\ue001"


class _Blocks(dict[str, list[BlockFunction]]):
    """A context's blocks; while its template's body is rendered, a late block's first function is a stand-in that
    prints the block's placeholder (Jinja calls ``context.blocks[name][0]`` to render a block)."""

    def __init__(self, blocks: Mapping[str, list[BlockFunction]], context: LateContext) -> None:
        super().__init__(blocks)
        self.context = context

    def __getitem__(self, name: str) -> list[BlockFunction]:
        functions = super().__getitem__(name)
        marker = self.context.deferring
        if marker and is_late(name):
            return [_stand_in(placeholder(marker, name)), *functions]
        return functions


def _stand_in(text: str) -> BlockFunction:
    def render(context: jinja2.runtime.Context) -> Iterator[str]:
        yield text

    return render


class LateContext(jinja2.runtime.Context):
    """The environment's context class. Only the context a render defers in (set by :func:`defer`) stands late blocks
    in: included templates and scoped blocks get contexts of their own, which render everything where it stands."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deferring = ""
        self.blocks = _Blocks(self.blocks, self)


def defer(context: jinja2.runtime.Context, marker: str) -> None:
    """Make ``context`` print placeholders for its late blocks until :func:`render_late` runs."""
    if not isinstance(context, LateContext):
        raise TypeError("late blocks need the sandbox's context class")
    context.deferring = marker


def placed(text: str, marker: str) -> list[str]:
    """The late blocks whose placeholders ``text`` holds, each once, in order of first appearance."""
    names = re.findall(f"\ue000{marker}:([^\ue001]*)\ue001", text)
    return list(dict.fromkeys(names))


def render_late(
    context: jinja2.runtime.Context, names: list[str], stream: Callable[[Iterator[str]], str]
) -> dict[str, str]:
    """Render each late block of ``context`` (its variables already updated to the final values) on its own."""
    if isinstance(context, LateContext):
        context.deferring = ""
    return {name: stream(context.blocks[name][0](context)) for name in names}


def splice(text: str, marker: str, blocks: Mapping[str, str]) -> str:
    """``text`` with every placeholder replaced by its block's rendering."""
    return re.sub(f"\ue000{marker}:([^\ue001]*)\ue001", lambda match: blocks[match.group(1)], text)
