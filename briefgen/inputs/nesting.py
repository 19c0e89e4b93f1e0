"""How deeply a YAML text nests its flow collections, read from the text itself.

briefgen refuses YAML nested deeper than its own limit (``load.MAX_DEPTH``), whatever the parser does: libyaml
releases differ on whether, and at which depth and with which words, they refuse deep flow collections themselves.
When the parser stops with an error, this scan says whether the text was already nested past briefgen's limit before
that point, so the refusal is briefgen's own message, the same on every PyYAML release."""

from __future__ import annotations

_OPEN, _CLOSE = "[{", "]}"


def line_past_depth(text: str, limit: int, end: int | None = None) -> int | None:
    """The line (1-based) on which flow brackets in ``text[:end]`` first nest deeper than ``limit``, or None.

    Brackets inside quoted scalars and comments do not count. Plain text that merely contains brackets (rare in a
    file the parser has already refused) may count; the file is refused either way, only the message differs."""
    depth, line, quote = 0, 1, ""
    stop = len(text) if end is None else min(end, len(text))
    index = 0
    while index < stop:
        char = text[index]
        if char == "\n":
            line += 1
        elif quote:
            if char == "\\" and quote == '"':
                index += 1  # an escaped character, whatever it is
            elif char == quote:
                if quote == "'" and text[index + 1 : index + 2] == "'":
                    index += 1  # '' is a quote inside a single-quoted scalar
                else:
                    quote = ""
        elif char in "'\"" and _starts_scalar(text, index):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            newline = text.find("\n", index)
            index = stop if newline < 0 else newline
            continue
        elif char in _OPEN:
            depth += 1
            if depth > limit:
                return line
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        index += 1
    return None


def _starts_scalar(text: str, index: int) -> bool:
    """A quote opens a quoted scalar only where a scalar may start: after indentation, a flow indicator or ': '."""
    before = text[:index].rstrip(" \t")
    return not before or before[-1] in "\n[{,:-?"
