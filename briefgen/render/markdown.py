"""Stage 4a, render: MemoContext → Markdown through the audience's Jinja2 template.

The environment is an immutable sandbox with StrictUndefined, a loader confined to ``templates/`` (links out are
refused), and guards on output size. Templates cite evidence with ``cite(ids)``: notes are numbered in order of
first citation in the rendered text, and ``notes()`` (called at the end) lists exactly what was cited."""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from briefgen.errors import TemplateError
from briefgen.memo_context import Evidence, MemoContext
from briefgen.render.sandbox import ConfinedLoader, Sandbox, render_stream
from briefgen.scales import CREDIBILITY_MEANING, Level, Marking, PartialDate, Reliability, most_restrictive

# CommonMark inline metacharacters (plus GFM's | and ~); & only where it would start an entity reference.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~]|&(?=#?[A-Za-z0-9]+;))")
# Block starters only matter at the start of a line: headings, quotes, list markers, setext underlines.
_LINE_START = re.compile(r"^(\s*(?:[0-9]+(?=[.)]))?)([-+=>#.)])", re.MULTILINE)


def escape_md(value: object) -> str:
    """Data as literal Markdown text: inline metacharacters backslash-escaped, block starters neutralised."""
    text = _MD_SPECIAL.sub(r"\\\1", str(value))
    return _LINE_START.sub(r"\1\\\2", text)


def escape_cell(value: object) -> str:
    """Data inside a pipe-table cell: escaped, on one line."""
    return escape_md(" ".join(str(value).split()))


def environment(templates: Path) -> Sandbox:
    env = Sandbox(
        loader=ConfinedLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        md=escape_md,
        cell=escape_cell,
        level=level_label,
        date=long_date,
        portion=portion_mark,
        first_sentence=first_sentence,
    )
    return env


_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {
        "pub",
        "no",
        "nos",
        "vol",
        "art",
        "sec",
        "para",
        "fig",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "etc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "col",
        "maj",
        "lt",
        "gov",
        "sen",
        "rep",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "vs",
    }
)


def first_sentence(value: str) -> str:
    """Text up to the end of its first sentence (for tight tables in one-page memos); abbreviations such as
    "Pub. L." or "U.S." and single initials do not end a sentence."""
    text = " ".join(value.split())
    for match in _SENTENCE_END.finditer(text):
        word = text[: match.start()].rsplit(" ", 1)[-1].lower()
        if len(word) > 1 and word not in _ABBREVIATIONS:
            return text[: match.end()]
    return text


def level_label(value: Level | None) -> str:
    return value.label if value is not None else "—"


def long_date(value: PartialDate | dt.date | None) -> str:
    if isinstance(value, dt.date):
        value = PartialDate.parse(value)
    return value.long() if value is not None else "—"


def portion_mark(value: Any) -> str:
    """``(TLP:AMBER) `` before a portion above TLP:CLEAR, nothing otherwise."""
    marking = value if isinstance(value, Marking) else value.marking
    return f"({marking.value}) " if marking > Marking.CLEAR else ""


@dataclass(frozen=True)
class Note:
    number: int
    evidence: Evidence
    first_of_source: bool

    @property
    def citation(self) -> str:
        """Chicago notes style: the full citation at a source's first note, the short form after."""
        return self.evidence.citation if self.first_of_source else self.evidence.short_citation

    @property
    def grade_meaning(self) -> str:
        """``B2`` spelled out: source usually reliable; information probably true."""
        reliability = Reliability(self.evidence.reliability).meaning
        return f"source {reliability}; information {CREDIBILITY_MEANING[self.evidence.credibility]}"


class _Citations:
    """Numbers evidence in order of first citation during one render. One instance per render: no shared state."""

    def __init__(self, evidence: dict[str, Evidence]) -> None:
        self.evidence = evidence
        self.numbers: dict[str, int] = {}

    def cite(self, ids: Iterable[str]) -> str:
        numbers = [self.number(i) for i in ids]
        return f" [{', '.join(str(n) for n in sorted(set(numbers)))}]" if numbers else ""

    def number(self, record_id: str) -> int:
        if record_id not in self.evidence:
            raise SecurityError(f"cite(): evidence {record_id!r} is not available to this audience")
        return self.numbers.setdefault(record_id, len(self.numbers) + 1)

    def notes(self) -> list[Note]:
        seen: set[str] = set()
        notes = []
        for record_id, number in self.numbers.items():
            evidence = self.evidence[record_id]
            notes.append(Note(number, evidence, evidence.source_id not in seen))
            seen.add(evidence.source_id)
        return notes


@dataclass(frozen=True)
class RenderedMarkdown:
    text: str
    cited: tuple[str, ...]  # records cited by note, in note order, then any other record whose content was read
    marking: Marking
    templates: tuple[str, ...]
    option_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what the template read of each option
    dated: bool = False  # the template printed or used the reference date (memo.as_of)


def render_markdown(
    templates: Path | Sandbox, template_name: str, ctx: MemoContext, extra: dict[str, Any] | None = None
) -> RenderedMarkdown:
    """Render the memo; raise TemplateError naming the template file and line for any template failure.

    ``templates`` is the templates folder, or an environment from :func:`environment` to reuse across renders
    (templates are then compiled once)."""
    env = templates if isinstance(templates, Sandbox) else environment(templates)
    ctx, text, citations = _render_settled(env, template_name, ctx, extra)
    text = _tidy(text)
    if ctx.marking.value not in text.split("\n", 1)[0]:
        raise TemplateError(
            f"templates/{template_name}",
            0,
            f"the output must open with its marking ({ctx.marking.value}): extend base.md.j2, or print "
            "{{ memo.marking }} on the first line",
        )
    reads = env.reads
    cited = (*citations.numbers, *sorted(reads.records - citations.numbers.keys()))
    fields = {option: tuple(sorted(names)) for option, names in reads.option_fields.items()}
    return RenderedMarkdown(text, cited, ctx.marking, tuple(sorted(reads.templates)), fields, reads.dated)


def _render_settled(
    env: Sandbox, name: str, ctx: MemoContext, extra: dict[str, Any] | None
) -> tuple[MemoContext, str, _Citations]:
    """Render until the banner covers what the render showed. The banner is printed before the content, so each
    pass is marked with what the previous one showed; a template whose content depends on its own marking may need
    more than two passes, and one that cycles is marked at the most restrictive marking it reached (at most one
    pass per marking, plus one)."""
    tried: list[Marking] = []
    while True:
        text, citations = _render_pass(env, name, ctx, extra)
        shown = most_restrictive(
            [ctx.text_marking, *env.reads.markings, *(ctx.evidence[i].marking for i in citations.numbers)]
        )
        if shown == ctx.marking or (shown < ctx.marking and ctx.marking in tried):
            return ctx, text, citations
        tried.append(ctx.marking)
        # A marking seen before means a cycle: go to the most restrictive marking reached, which then covers all.
        settled = shown if shown not in tried else most_restrictive([*tried, shown])
        ctx = replace(ctx, marking=settled)


def _render_pass(env: Sandbox, name: str, ctx: MemoContext, extra: dict[str, Any] | None) -> tuple[str, _Citations]:
    citations = _Citations(ctx.evidence)
    variables = {"memo": ctx, "cite": citations.cite, "notes": citations.notes, **(extra or {})}
    return _render(env, name, variables), citations


def _render(env: Sandbox, name: str, variables: dict[str, Any]) -> str:
    try:
        text = render_stream(env, name, variables)
        text.encode("utf-8")  # a lone surrogate ("\udcff") could not be written
        return text
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"templates/{exc.name or name}", exc.lineno, f"syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"templates/{name}", 0, f"template not found: {exc.name}") from None
    except (
        jinja2.UndefinedError,
        SecurityError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
        ZeroDivisionError,
        OverflowError,
        RecursionError,
        MemoryError,
        UnicodeError,
        jinja2.TemplateError,
    ) as exc:
        path, line = _template_frame(exc.__traceback__, name)
        kind = (
            "sandbox violation"
            if isinstance(exc, SecurityError)
            else "undefined"
            if isinstance(exc, jinja2.UndefinedError)
            else "error"
        )
        detail = str(exc) or "ran out of memory" if isinstance(exc, MemoryError) else str(exc)
        raise TemplateError(path, line, f"{kind}: {detail}") from None


def compile_templates(templates: Path, names: Iterable[str]) -> list[TemplateError]:
    """Compile each named template and everything it extends, includes or imports, each once: syntax errors,
    unknown filters and missing templates found without rendering (for ``briefgen check``)."""
    from jinja2 import meta

    env = environment(templates)
    assert env.loader is not None
    errors: list[TemplateError] = []
    seen: set[str] = set()
    pending = [(name, name) for name in sorted(set(names), reverse=True)]
    while pending:
        name, wanted_by = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            pending += [(n, name) for n in meta.find_referenced_templates(tree) if n]
            env.compile(tree, name, filename, raw=True)  # generating code reports unknown filters and tests
        except jinja2.TemplateSyntaxError as exc:
            errors.append(TemplateError(f"templates/{name}", exc.lineno, f"syntax error: {exc.message}"))
        except jinja2.TemplateNotFound:
            errors.append(TemplateError(f"templates/{wanted_by}", 0, f"template not found: {name}"))
        except UnicodeDecodeError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        except SecurityError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"refused: {exc}"))
        except RecursionError:
            errors.append(TemplateError(f"templates/{name}", 0, "nested too deeply to compile"))
    return errors


def _template_frame(tb: types.TracebackType | None, name: str) -> tuple[str, int]:
    """The innermost traceback frame inside a template (Jinja rewrites those to template file and line)."""
    found = (f"templates/{name}", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            found = (f"templates/{Path(filename).name}", tb.tb_lineno)
        tb = tb.tb_next
    return found


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
