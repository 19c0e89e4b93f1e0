"""Stage 1, load: read YAML files safely into plain data, keeping the line of every key and value.

Safety: the C parser where available, a composer that refuses nesting deeper than MAX_DEPTH, no custom tags,
duplicate keys refused, a size limit per file, and a limit on alias use so that a "billion laughs" file is refused
before it is expanded."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import InputError, Problem, clip, shown
from briefgen.inputs.files import FileTooLarge, NotRegularFile, digest, read_regular, resolve
from briefgen.inputs.nesting import line_past_depth
from briefgen.inputs.scales import may_hold_written_mark

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_ALIASES = 64
MAX_DEPTH = 64
BRIEF_FILE = "briefgen.yaml"
TEMPLATES_DIR = "templates"

_Parser: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()
_YAML_TAG = "tag:yaml.org,2002:"
_STR, _TIMESTAMP = f"{_YAML_TAG}str", f"{_YAML_TAG}timestamp"
_COLLECTION_TAGS = frozenset({f"{_YAML_TAG}seq", f"{_YAML_TAG}map"})
_SCALAR_TAGS = frozenset(f"{_YAML_TAG}{name}" for name in ("null", "bool", "int", "float", "binary"))

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One loaded YAML file: its data, where each part of it stands, and a digest of its bytes.

    A document taken from the build cache has no line map until one is needed (an error message): it is then
    parsed again from ``reparse``."""

    path: str
    data: Any
    digest: str
    known_lines: Mapping[Loc, int] | None = field(default=None, repr=False)
    reparse: Callable[[], Document] | None = field(default=None, repr=False, compare=False)
    may_mark: bool = field(default=True, compare=False)  # some string in it may hold a written portion mark

    @cached_property
    def lines(self) -> Mapping[Loc, int]:
        if self.known_lines is not None:
            return self.known_lines
        assert self.reparse is not None
        return self.reparse().lines

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known part of ``loc`` (a missing field points at its parent)."""
        lines = self.lines
        for end in range(len(loc), -1, -1):
            line = lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


@dataclass(frozen=True)
class ProjectFiles:
    """Every input file of a brief project, loaded."""

    root: Path
    brief: Document
    evidence: tuple[Document, ...]
    options: tuple[Document, ...]


class _Composer(yaml.composer.Composer, yaml.resolver.Resolver):
    """PyYAML's composer over the (C) parser's events, refusing nesting deeper than MAX_DEPTH. The C composer
    recurses without a bound: 100,000 nested '[' crash the interpreter (a segfault), 10,000 raise RecursionError.
    Composing in Python from the C parser's events is as fast: making the event objects is most of the work."""

    check_event: Callable[..., bool]
    peek_event: Callable[[], yaml.Event]
    get_event: Callable[[], yaml.Event]

    def __init__(self, text: str, path: str) -> None:
        self._events = _Parser(text)
        self.check_event, self.peek_event, self.get_event = (
            self._events.check_event,
            self._events.peek_event,
            self._events.get_event,
        )
        self._path = path
        self._depth = 0
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                line = mark.line + 1 if mark else 0
                raise InputError([Problem(self._path, line, "", f"nested more than {MAX_DEPTH} levels deep: refused")])
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose(self) -> yaml.Node | None:
        try:
            return self.get_single_node()
        finally:
            self._events.dispose()


class _Walker:
    """Turns a composed node graph into plain data, recording lines and bounding alias expansion."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Loc, int] = {}
        self.seen: set[int] = set()
        self.aliases = 0
        self.text = 0
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if len(loc) >= MAX_DEPTH:  # the composer bounds each node's depth; aliases can stack them
            raise InputError([self._problem(node, loc, f"nested more than {MAX_DEPTH} levels deep: refused")])
        self._count_use(node, loc)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        if node.tag not in _COLLECTION_TAGS:  # !foo [..], !!set {..}, !!omap [..]: nothing briefgen reads
            raise InputError([self._problem(node, loc, f"unsupported tag {shown(node.tag)}")])
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self._mapping(node, loc)

    def _count_use(self, node: yaml.Node, loc: Loc) -> None:
        """A node used a second time is an alias use, scalars and keys included: one large scalar repeated through
        aliases is as costly as a large collection. Aliases are bounded in number and in the text they expand to
        (a file without aliases holds no more text than its size)."""
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputError([self._problem(node, loc, f"more than {MAX_ALIASES} alias uses: refused")])
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            self.text += len(node.value)
            if self.text > MAX_FILE_BYTES:
                message = f"aliases expand to more than {MAX_FILE_BYTES:,} characters of text: refused"
                raise InputError([self._problem(node, loc, message)])

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError([self._problem(key_node, loc, "merge keys (<<) are not supported")])
            self._count_use(key_node, loc)
            key = self._scalar(key_node, loc) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.problems.append(self._problem(key_node, loc, f"keys must be text, got {shown(key)}"))
                continue
            if key in result:
                first = self.lines.get((*loc, key), 0)
                self.problems.append(
                    self._problem(key_node, (*loc, key), f"duplicate key {shown(key)} (first defined on line {first})")
                )
                continue
            self.lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        """A scalar's value. An explicit tag (``!!bool abc``) is applied like an implicit one, so a value the tag
        cannot read is refused here: PyYAML's constructors raise KeyError, IndexError or ValueError for it."""
        if node.tag == _STR:
            return node.value
        if node.tag == _TIMESTAMP:
            if not _SCALARS.timestamp_regexp.match(node.value):
                raise InputError([self._problem(node, loc, f"invalid !!timestamp value {shown(node.value)}")])
            return node.value  # dates stay text: PartialDate parses them with a precise message
        if node.tag not in _SCALAR_TAGS:  # custom, python/* and collection tags on a scalar
            raise InputError([self._problem(node, loc, f"unsupported tag {shown(node.tag)}")])
        try:
            return _SCALARS.yaml_constructors[node.tag](_SCALARS, node)
        except (ValueError, LookupError, yaml.YAMLError):
            name = node.tag.removeprefix(_YAML_TAG)
            raise InputError([self._problem(node, loc, f"invalid !!{name} value {shown(node.value)}")]) from None

    def _problem(self, node: yaml.Node, loc: Loc, message: str) -> Problem:
        return Problem(self.path, node.start_mark.line + 1, field_path(loc), message)


def field_path(loc: Loc) -> str:
    """``('records', 3, 'quote')`` → ``records[3].quote``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{clip(part)}" if out else clip(part))
    return out


def parse_yaml(raw: bytes, path: str) -> Document:
    """Parse one YAML file's bytes; raise InputError naming the file for anything unsafe or malformed."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(path, 0, "", f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")])
    text = _decode(raw, path)
    if not text.strip():
        raise InputError([Problem(path, 1, "", "empty file")])
    try:
        node = _Composer(text, path).compose()
    except yaml.MarkedYAMLError as exc:
        problem = _nesting_problem(path, text, exc) or _tab_problem(path, text, exc) or _syntax_problem(path, exc)
        raise InputError([problem]) from None
    except yaml.YAMLError as exc:
        raise InputError([_unreadable_character(path, text) or Problem(path, 0, "", f"YAML error: {exc}")]) from None
    if node is None:
        raise InputError([Problem(path, 1, "", "empty file")])
    walker = _Walker(path)
    data = walker.build(node, ())
    if walker.problems:
        raise InputError(walker.problems)
    return Document(path, data, digest(raw), walker.lines, may_mark=may_hold_written_mark(text))


def _nesting_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """briefgen's own refusal when the text nests past MAX_DEPTH before the point where the parser stopped: some
    libyaml releases refuse deep flow collections themselves, in their own words, before the composer counts."""
    mark = exc.problem_mark or exc.context_mark
    end = getattr(mark, "index", None) if mark else None
    line = line_past_depth(text, MAX_DEPTH, None if end is None else end + 1)
    return Problem(path, line, "", f"nested more than {MAX_DEPTH} levels deep: refused") if line else None


def _tab_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """briefgen's own words for a common syntax error: a tab in the indentation of a line between the start of the
    construct the parser was reading and the point where it stopped (parsers word it differently, if at all)."""
    if exc.problem_mark is None:
        return None
    last = exc.problem_mark.line + 1
    first = exc.context_mark.line + 1 if exc.context_mark else max(last - 1, 1)
    lines = text.splitlines()
    for number in range(min(first, last), min(last, len(lines)) + 1):
        line = lines[number - 1]
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))] and line.strip():
            return Problem(path, number, "", "tabs are not allowed in YAML indentation; use spaces")
    return None


# What YAML refuses to read at all (its reader's NON_PRINTABLE): control characters other than tab and line breaks.
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _unreadable_character(path: str, text: str) -> Problem | None:
    """The first character YAML cannot read, at its line and column (the reader reports an offset, and no line)."""
    found = _UNREADABLE.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    name = "a NUL byte" if found.group() == "\0" else "a control character"
    return Problem(path, line, "", f"{name} (U+{ord(found.group()):04X}) at column {column}: YAML does not allow it")


def _syntax_problem(path: str, exc: yaml.MarkedYAMLError) -> Problem:
    """Where the parser noticed the problem, and where the construct it was parsing began if that is elsewhere."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
        message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return Problem(path, line, "", message)


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(path, line, "", f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}")]
        ) from None


def read_document(root: Path, file: Path, cache: Mapping[str, tuple[str, Any]] | None = None) -> Document:
    """Read and parse one file of the project; its path in messages is relative to ``root``. With a cache of
    ``path → (digest, data)`` from an earlier build, a file whose bytes are unchanged is not parsed again."""
    rel = file.relative_to(root).as_posix()
    try:
        raw = read_regular(file, MAX_FILE_BYTES)
    except NotRegularFile as exc:
        raise InputError([Problem(rel, 0, "", f"not a regular file ({exc.kind}): refused")]) from None
    except FileTooLarge as exc:
        raise InputError(
            [Problem(rel, 0, "", f"file is {exc.size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")]
        ) from None
    except OSError as exc:
        raise InputError([Problem(rel, 0, "", f"cannot read: {exc.strerror}")]) from None
    hit = cache.get(rel) if cache else None
    if hit is not None and hit[0] == digest(raw):
        marked = may_hold_written_mark(raw.decode("utf-8-sig", "replace"))
        return Document(rel, hit[1], hit[0], None, lambda: parse_yaml(raw, rel), marked)
    return parse_yaml(raw, rel)


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds briefgen.yaml. Anything of that name counts: if it is no
    file (a folder, a named pipe), loading says so, rather than a brief further up being used instead."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / BRIEF_FILE).exists():
            return folder
    return None


def input_files(root: Path, folder: str) -> list[Path]:
    """YAML files directly in ``root/folder``, sorted; symlinks leading outside the project are skipped by validate."""
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def load_project(root: Path, cache: Mapping[str, tuple[str, Any]] | None = None) -> ProjectFiles:
    """Load every input file of the project at ``root``, collecting problems from all files before raising."""
    problems: list[Problem] = []
    docs: dict[str, list[Document]] = {"evidence": [], "options": []}

    def attempt(file: Path) -> Document | None:
        try:
            _check_inside(root, file)
            return read_document(root, file, cache)
        except InputError as err:
            problems.extend(err.problems)
            return None

    brief = attempt(root / BRIEF_FILE)
    for folder, found in docs.items():
        for file in input_files(root, folder):
            doc = attempt(file)
            if doc is not None:
                found.append(doc)
    if problems or brief is None:
        raise InputError(problems)
    return ProjectFiles(root, brief, tuple(docs["evidence"]), tuple(docs["options"]))


def _check_inside(root: Path, file: Path) -> None:
    rel = file.relative_to(root).as_posix()
    try:
        real = resolve(file)
    except OSError as exc:  # a loop of symbolic links
        raise InputError([Problem(rel, 0, "", f"cannot read: {exc.strerror}")]) from None
    if not real.is_relative_to(root.resolve()):
        raise InputError([Problem(rel, 0, "", f"links outside the project (to {real}): refused")])
