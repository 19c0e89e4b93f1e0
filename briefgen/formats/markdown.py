"""Stage 4a, render: MemoContext → Markdown through the audience's Jinja2 template.

The environment is an immutable sandbox with StrictUndefined, a loader confined to ``templates/`` (links out are
refused), and guards on output size. Templates cite evidence with ``cite(ids)``: notes are numbered in order of
first citation in the rendered text, and ``notes()`` (called at the end) lists exactly what was cited."""

from __future__ import annotations

import re
import types
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from briefgen.analysis.memo_context import MemoContext
from briefgen.errors import TemplateError
from briefgen.formats.citations import Citations
from briefgen.formats.filters import (
    escape_cell,
    escape_md,
    first_sentence,
    level_label,
    long_date,
    portion_mark,
    share_percent,
)
from briefgen.formats.sandbox import ConfinedLoader, Sandbox, render_stream
from briefgen.inputs.scales import Marking, most_restrictive


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
        percent=share_percent,
    )
    return env


@dataclass(frozen=True)
class RenderedMarkdown:
    text: str
    cited: tuple[str, ...]  # records cited by note, in note order, then any other record whose content was read
    marking: Marking
    templates: tuple[str, ...]
    option_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what the template read of each option
    dated: bool = False  # the template printed or used the reference date (memo.as_of)
    sensitivity: bool = False  # the template read memo.sensitivity


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
    loaded = tuple(sorted(reads.templates))
    return RenderedMarkdown(text, cited, ctx.marking, loaded, fields, reads.dated, reads.sensitivity)


def _render_settled(
    env: Sandbox, name: str, ctx: MemoContext, extra: dict[str, Any] | None
) -> tuple[MemoContext, str, Citations]:
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


def _render_pass(env: Sandbox, name: str, ctx: MemoContext, extra: dict[str, Any] | None) -> tuple[str, Citations]:
    citations = Citations(ctx.evidence)
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
