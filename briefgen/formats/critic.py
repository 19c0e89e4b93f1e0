"""The redline of two versions of a memo's Markdown: CriticMarkup (``{++inserted++}``, ``{--deleted--}``) for
``<audience>.redline.md``, and the same changes coloured for the terminal (``briefgen diff``).

The Markdown is read as blocks — headings, paragraphs, list items, table rows, code blocks — each under its heading
path; blocks are aligned by key (:mod:`~briefgen.formats.diffing`) and paired blocks compared word by word. A list
item's marker and a heading's hashes stay outside the markup, so the redline is still a list, a heading or a table
row (an ordered item shows its new number). Deleted words of a block that rests on material now withheld from the
audience show as ``{--[withheld]--}`` and nothing else; runs of such blocks are one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Literal

from briefgen.errors import printable
from briefgen.formats.diffing import WITHHELD, Block, Covers, Pair, align, id_finder, tokens, word_diff

if TYPE_CHECKING:
    from rich.text import Text

Mark = Literal["equal", "delete", "insert", "withheld"]

_HEADING = re.compile(r"(#{1,6})[ \t]+")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_SEPARATOR = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class MdBlock:
    kind: str  # heading, para, item, row, code
    lead: str  # what stays outside the markup: "## ", "- ", "12. " (a row's pipes are handled cell by cell)
    body: str
    before: str  # the line breaks between it and the block before
    headings: tuple[str, ...]
    table: int = -1  # rows of one table share a number

    @property
    def text(self) -> str:
        return self.lead + self.body


def blocks(markdown: str) -> list[MdBlock]:
    """The blocks of ``markdown``; ``"".join(b.before + b.text for b in blocks) + "\\n"`` gives it back."""
    lines = markdown.rstrip("\n").split("\n")
    out: list[MdBlock] = []
    path: list[tuple[int, str]] = []
    breaks, index, table = 0, 0, 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            breaks, index = breaks + 1, index + 1
            continue
        end = _block_end(lines, index)
        text = "\n".join(lines[index:end])
        before = "\n" * (breaks + 1) if out else ""
        kind, lead = _kind(line)
        kind = "sep" if kind == "row" and _SEPARATOR.fullmatch(text) else kind
        if kind == "heading":
            level = len(lead.strip())
            path = [p for p in path if p[0] < level] + [(level, text[len(lead) :].strip())]
        if kind in ("row", "sep"):
            table += 0 if out and out[-1].kind in ("row", "sep") and breaks == 0 else 1
        headings = tuple(h for _, h in path)
        out.append(MdBlock(kind, lead, text[len(lead) :], before, headings, table if kind in ("row", "sep") else -1))
        breaks, index = 0, end
    return out


def _kind(line: str) -> tuple[str, str]:
    if (m := _HEADING.match(line)) is not None:
        return "heading", m.group(0)
    if line.lstrip().startswith("|"):
        return "row", ""
    if _FENCE.match(line):
        return "code", ""
    if (m := _ITEM.match(line)) is not None:
        return "item", m.group(0)
    return "para", ""


def _block_end(lines: Sequence[str], start: int) -> int:
    """Where the block starting at ``start`` ends: a heading or row is one line, a code block runs to its closing
    fence, a paragraph or list item to a blank line or the next block's start."""
    kind, _ = _kind(lines[start])
    if kind in ("heading", "row"):
        return start + 1
    if kind == "code":
        fence = _FENCE.match(lines[start])
        assert fence is not None
        for end in range(start + 1, len(lines)):
            if lines[end].strip().startswith(fence.group(1)):
                return end + 1
        return len(lines)
    end = start + 1
    while end < len(lines) and lines[end].strip() and _kind(lines[end])[0] == "para":
        end += 1
    return end


# ---------------------------------------------------------------- the redline, as marked segments


@dataclass(frozen=True)
class Segment:
    mark: Mark
    text: str


@dataclass(frozen=True)
class RedBlock:
    """One block of the redline: its place, and its text as marked segments (a row: one tuple per cell)."""

    kind: str
    lead: str
    before: str
    headings: tuple[str, ...]
    cells: tuple[tuple[Segment, ...], ...]  # one entry for anything but a row
    changed: bool
    head: str = ""  # a row's text before its first cell, and after its last
    tail: str = ""

    @property
    def withheld(self) -> bool:
        return self.cells[0] == (Segment("withheld", WITHHELD),)


@dataclass(frozen=True)
class MarkdownRedline:
    blocks: tuple[RedBlock, ...]
    changes: int = field(default=0)  # blocks with a change


def redline(old: str, new: str, covers: Covers | None = None, ids: frozenset[str] = frozenset()) -> MarkdownRedline:
    """The changes from ``old`` to ``new``. ``covers(text, headings)`` says whether an old block rests on material now
    withheld from the audience; ``ids`` are the record, risk and option ids that identify a block across versions."""
    a, b = blocks(old), blocks(new)
    find = id_finder(ids)
    pairs: list[Pair] = []
    matcher = SequenceMatcher(None, [x.text for x in a], [y.text for y in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():  # blocks of the same text first, as they stand
        if tag == "equal":
            pairs += zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        inner = align([_signature(x, find) for x in a[i1:i2]], [_signature(y, find) for y in b[j1:j2]])
        pairs += [(None if i is None else i1 + i, None if j is None else j1 + j) for i, j in inner]
    hide = covers or (lambda text, headings: False)
    out: list[RedBlock] = []
    after_deleted = False
    for i, j in pairs:
        if j is None:
            assert i is not None
            block = _deleted(a[i], hide(a[i].text, a[i].headings), _path_shown(a[i].headings, hide))
            after_deleted = True
            if block.withheld and out and out[-1].withheld and out[-1].kind == block.kind:
                continue  # a run of withheld blocks shows as one
            out.append(block)
        elif i is None:
            out.append(_whole(b[j], "insert"))
            after_deleted = False
        else:
            paired = _paired(a[i], b[j], hide(a[i].text, a[i].headings))
            if after_deleted:  # the space before it is the old one: the deleted block took the new one's place
                paired[0] = replace(paired[0], before=a[i].before)
            out += paired
            after_deleted = False
    return MarkdownRedline(tuple(out), sum(1 for block in out if block.changed))


def _signature(block: MdBlock, find: Callable[[str], str | None]) -> Block:
    path = "\x1f".join(block.headings[:-1] if block.kind == "heading" else block.headings)
    if block.kind == "sep":
        return Block("sep", f"{path}|sep", "")
    if block.kind == "row":
        cells = _split_row(block.body)[1]
        key = find(block.body) or cells[0].strip()
        return Block("row", f"{path}|row|{key}", block.body)
    ident = find(block.body) if block.kind != "heading" else None
    return Block(block.kind, f"{path}|{block.kind}|{ident or block.body.strip()}", block.body)


def _split_row(row: str) -> tuple[str, list[str], str]:
    """A table row as what stands before its cells (up to the first pipe), the cells, and what follows them."""
    pipes = [m.start() for m in _CELL_SPLIT.finditer(row)]
    if len(pipes) < 2:
        return "", [row], ""
    return row[: pipes[0] + 1], _CELL_SPLIT.split(row[pipes[0] + 1 : pipes[-1]]), row[pipes[-1] :]


def _red(block: MdBlock, cells: Sequence[tuple[Segment, ...]], changed: bool, like: MdBlock | None = None) -> RedBlock:
    """A redline block at ``block``'s place, its row pipes as ``like`` (default: the block itself) has them."""
    head, _, tail = _split_row((like or block).body) if block.kind == "row" else ("", [], "")
    return RedBlock(block.kind, block.lead, block.before, block.headings, tuple(cells), changed, head, tail)


def _parts(block: MdBlock) -> list[str]:
    return _split_row(block.body)[1] if block.kind == "row" else [block.body]


def _same(block: MdBlock) -> RedBlock:
    return _red(block, [(Segment("equal", part),) for part in _parts(block)], False)


def _whole(block: MdBlock, mark: Mark) -> RedBlock:
    if block.kind == "sep":
        return _same(block)
    return _red(block, [_marked(part, mark) for part in _parts(block)], True)


def _marked(text: str, mark: Mark) -> tuple[Segment, ...]:
    """``text`` marked, the white space around it (a cell's padding) left outside the mark."""
    core = text.strip()
    if not core:
        return (Segment("equal", text),)
    start = text.index(core)
    pieces = (Segment("equal", text[:start]), Segment(mark, core), Segment("equal", text[start + len(core) :]))
    return tuple(p for p in pieces if p.text)


def _path_shown(headings: tuple[str, ...], hide: Covers) -> tuple[str, ...]:
    """An old block's heading path as the terminal may print it: a heading resting on withheld material (a withheld
    option's title) is ``[withheld]``."""
    return tuple(WITHHELD if hide(h, headings[: k + 1]) else h for k, h in enumerate(headings))


def _deleted(block: MdBlock, withheld: bool, path: tuple[str, ...] | None = None) -> RedBlock:
    block = block if path is None else replace(block, headings=path)
    if block.kind == "sep":
        return _same(block)  # an old table's separator row stays: its deleted rows still make a table
    if not withheld:
        return _whole(block, "delete")
    cells = [(Segment("withheld", WITHHELD),)]
    cells += [(Segment("equal", " "),)] * (len(_parts(block)) - 1)
    return replace(
        _red(block, cells, True), head="|" if block.kind == "row" else "", tail="|" if block.kind == "row" else ""
    )


def _paired(old: MdBlock, new: MdBlock, withheld: bool) -> list[RedBlock]:
    if old.text == new.text or new.kind == "sep":
        return [_same(new)]
    olds, news = _parts(old), _parts(new)
    if len(olds) != len(news):  # a row of another table: the old one deleted, the new one inserted
        return [_deleted(replace(old, before=new.before), withheld), _whole(replace(new, before="\n"), "insert")]
    cells = [_words_changed(x, y, withheld) for x, y in zip(olds, news, strict=True)]
    return [_red(new, cells, any(s.mark != "equal" for cell in cells for s in cell))]


def _words_changed(old: str, new: str, withheld: bool) -> tuple[Segment, ...]:
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []
    for chunk in word_diff(a, b):
        if chunk.op == "equal":
            out.append(Segment("equal", "".join(b[slice(*chunk.new)])))
        elif chunk.op == "delete":
            out.append(Segment("withheld", WITHHELD) if withheld else Segment("delete", "".join(a[slice(*chunk.old)])))
        else:
            out.append(Segment("insert", "".join(b[slice(*chunk.new)])))
    return tuple(out)


def masked(markdown: str, covers: Covers) -> str:
    """``markdown`` with every block that ``covers`` says rests on withheld material shown as ``[withheld]`` (a row
    keeps its cells, empty; a heading its hashes, as the heading of a withheld option), each run of them once."""
    out: list[str] = []
    last = False
    for block in blocks(markdown):
        hidden = block.kind != "sep" and covers(block.text, block.headings)
        if hidden and not last:
            head, cells, tail = _split_row(block.body) if block.kind == "row" else ("", [block.body], "")
            body = (
                head + "|".join([f" {WITHHELD} ", *["  "] * (len(cells) - 1)]) + tail
                if block.kind == "row"
                else WITHHELD
            )
            out.append(block.before + block.lead + body)
        elif not hidden:
            out.append(block.before + block.text)
        last = hidden
    return "".join(out) + "\n"


# ---------------------------------------------------------------- CriticMarkup and the terminal


def critic_markup(red: MarkdownRedline) -> str:
    """The redline as CriticMarkup: the new version's Markdown with ``{--deleted--}`` and ``{++inserted++}``."""
    return "".join(block.before + block.lead + _joined(block) for block in red.blocks) + "\n"


def _joined(block: RedBlock) -> str:
    if block.kind != "row":
        return _critic(block.cells[0])
    return block.head + "|".join(_critic(cell) for cell in block.cells) + block.tail


def _critic(segments: Sequence[Segment]) -> str:
    """A cell's segments in CriticMarkup. A replacement whose two sides end in the same white space has it after
    both (``{--a--}{++b++} ``), so that accepting or rejecting it leaves the text as it was."""
    out: list[str] = []
    for index, segment in enumerate(segments):
        if segment.mark == "equal":
            out.append(segment.text)
            continue
        after = segments[index + 1] if index + 1 < len(segments) else None
        before = segments[index - 1] if index else None
        if segment.mark == "insert":
            tail = _shared_tail(before.text, segment.text) if before and before.mark != "equal" else ""
            out.append(f"{{++{segment.text[: len(segment.text) - len(tail)]}++}}{tail}")
        else:
            tail = _shared_tail(segment.text, after.text) if after and after.mark == "insert" else ""
            out.append(f"{{--{segment.text[: len(segment.text) - len(tail)]}--}}")
    return "".join(out)


def _shared_tail(a: str, b: str) -> str:
    tail_a, tail_b = a[len(a.rstrip()) :], b[len(b.rstrip()) :]
    return tail_a if tail_a == tail_b and a.strip() and b.strip() else ""


def accept(markup: str) -> str:
    """The CriticMarkup redline with every change accepted (a line a deletion leaves empty, or holding only a list
    marker, hashes or empty cells, dropped): the new version, up to blank lines."""
    return _settled(markup, r"\{--.*?--\}", r"\{\+\+(.*?)\+\+\}")


def reject(markup: str) -> str:
    """The redline with every change rejected: the old version, up to blank lines and ordered-list numbers."""
    return _settled(markup, r"\{\+\+.*?\+\+\}", r"\{--(.*?)--\}")


def _settled(text: str, drop: str, keep: str) -> str:
    gone = re.sub(drop, "\x00", text, flags=re.S)
    kept = re.sub(keep, lambda m: m.group(1), gone, flags=re.S)
    lines = [line.replace("\x00", "") for line in kept.split("\n") if not ("\x00" in line and _emptied(line))]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _emptied(line: str) -> bool:
    stripped = line.replace("\x00", "").strip()
    marker_only = re.fullmatch(r"(#{1,6}|[-*+]|\d+[.)])", stripped) is not None
    return not stripped or marker_only or set(stripped) <= {"|", " "}


def changed_blocks(red: MarkdownRedline) -> Iterator[RedBlock]:
    return (block for block in red.blocks if block.changed)


_STYLES = {"equal": "", "delete": "red strike", "insert": "green underline", "withheld": "red strike"}
# Where no style can show (output to a file or a pipe): git's --word-diff=plain marks, as verify prints its diffs.
_MARKS = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}"), "withheld": ("[-", "-]")}


def console_text(red: MarkdownRedline, title: str, marks: bool = False) -> Text:
    """The changed blocks under their headings, deletions struck through in red, insertions underlined in green;
    with ``marks``, each change also between ``[-…-]`` or ``{+…+}``, for output that shows no style."""
    from rich.text import Text

    out = Text(title + "\n", style="bold")
    shown: tuple[str, ...] | None = None
    for block in changed_blocks(red):
        if block.headings != shown:
            shown = block.headings
            out.append("\n" + _safe(" › ".join(block.headings)) + "\n", style="bold cyan")
        out.append(_safe(block.lead + block.head))
        for index, cell in enumerate(block.cells):
            out.append("|" if index else "")
            for segment in cell:
                before, after = _MARKS[segment.mark] if marks else ("", "")
                out.append(before + _safe(segment.text) + after, style=_STYLES[segment.mark])
        out.append(_safe(block.tail) + "\n")
    if shown is None:
        out.append("no change\n", style="dim")
    return out


def _safe(text: str) -> str:
    """Text for the terminal: line breaks kept, every other character a terminal would act on escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))
