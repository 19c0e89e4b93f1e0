"""Stage 4a, render: MemoContext → Markdown through the audience's Jinja2 template, in the sandbox.

A render has two steps. :func:`draft` renders the body once, recording what it read, with the *late* blocks (banner,
header, footer, ``revision…``: :mod:`briefgen.formats.late`) left as placeholders. :func:`finish` then decides the
memo's marking from what the body showed, renders the late blocks with that marking and with the version, date and
change note it is given, and puts them in place. A caller that must first see what the body showed to decide the
revision (the builder) finishes one draft twice — with the old revision to compare, and with the new one — and the
body is still rendered once. Templates cite evidence with ``cite(ids)``: notes are numbered in order of first
citation in the rendered text, and ``notes()`` (called at the end) lists exactly what was cited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2.runtime

from briefgen.analysis.memo_context import MemoContext
from briefgen.errors import TemplateError, shown
from briefgen.formats.charts import Chart, Charts, noting
from briefgen.formats.citations import Citations
from briefgen.formats.contents import contents, expand
from briefgen.formats.environment import environment
from briefgen.formats.faults import template_faults
from briefgen.formats.late import SUMMARY_FIELDS, defer, new_marker, placed, render_late, splice
from briefgen.formats.sandbox import Reads, Sandbox, open_template, stream
from briefgen.inputs.scales import Marking, most_restrictive

__all__ = ["Draft", "RenderedMarkdown", "draft", "environment", "finish", "render_markdown"]


@dataclass(frozen=True)
class RenderedMarkdown:
    text: str
    cited: tuple[str, ...]  # records cited by note, in note order, then any other record whose content was read
    marking: Marking
    templates: tuple[str, ...]
    option_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # what the template read of each option
    dated: bool = False  # the template printed or used the reference date (memo.as_of)
    passes: int = 1  # times the body was rendered (more than one only for a body that reads its own marking)
    sensitivity: bool = False  # the template read memo.sensitivity: its figures go into the change-note snapshot
    memo_fields: tuple[str, ...] = ()  # the memo's own fields the template read (its text sections among them)
    charts: tuple[Chart, ...] = ()  # the charts the template drew with chart(name), in order


@dataclass(frozen=True)
class Draft:
    """A memo's body rendered, its late blocks not yet: what :func:`finish` completes."""

    env: Sandbox
    name: str
    ctx: MemoContext  # what the body was rendered with
    extra: dict[str, Any] | None
    text: str  # with a placeholder for each late block
    marker: str
    context: jinja2.runtime.Context
    citations: Citations
    reads: Reads
    deadline: float  # one deadline for the whole render of an output, however many passes it takes
    passes: int
    charts: Charts


def render_markdown(
    templates: Path | Sandbox, template_name: str, ctx: MemoContext, extra: dict[str, Any] | None = None
) -> RenderedMarkdown:
    """Render the memo with the revision ``ctx`` carries; raise TemplateError naming the template file and line for
    any template failure. ``templates`` is the templates folder, or an environment from :func:`environment` to reuse
    across renders (templates are then compiled once)."""
    return finish(draft(templates, template_name, ctx, extra), ctx)


def draft(
    templates: Path | Sandbox, template_name: str, ctx: MemoContext, extra: dict[str, Any] | None = None
) -> Draft:
    env = templates if isinstance(templates, Sandbox) else environment(templates)
    return _draw(env, template_name, ctx, extra, None, 1)


def _draw(
    env: Sandbox, name: str, ctx: MemoContext, extra: dict[str, Any] | None, deadline: float | None, passes: int
) -> Draft:
    deadline = env.begin(deadline)
    citations = Citations(ctx.evidence, footnotes=ctx.notes == "footnotes")
    charts = Charts(ctx, noting(env))
    helpers = {"cite": citations.cite, "notes": citations.notes, "footnotes": citations.footnotes, "contents": contents,
               "chart": charts.chart}  # fmt: skip
    variables = {"memo": ctx, **helpers, **(extra or {})}
    marker = new_marker()
    with template_faults(name):
        template, context = open_template(env, name, variables)
        defer(context, marker)
        text = stream(env, template.root_render_func(context))
        text.encode("utf-8")  # a lone surrogate ("\udcff") could not be written: a UnicodeEncodeError
    return Draft(env, name, ctx, extra, text, marker, context, citations, env.reads, deadline, passes, charts)


def finish(draft: Draft, revision: MemoContext) -> RenderedMarkdown:
    """The whole memo: ``draft`` completed with the version, date and change note of ``revision``, marked at the most
    restrictive marking of everything it shows. The body is rendered again only if it read one of those values
    itself and saw another (a template whose content depends on its own marking may need more than two passes; one
    that cycles is marked at the most restrictive marking it reached)."""
    tried: list[Marking] = []
    late_floor = Marking.CLEAR
    while True:
        marking = max(_shown(draft), late_floor)
        if "marking" in draft.reads.memo_fields and marking < draft.ctx.marking and draft.ctx.marking in tried:
            marking = draft.ctx.marking  # a cycle settled at the higher marking: over-marking never leaks
        ctx = replace(revision, marking=marking)
        if _saw_otherwise(draft, ctx):
            if "marking" in draft.reads.memo_fields and marking != draft.ctx.marking:
                tried.append(draft.ctx.marking)
                if marking in tried:  # a cycle: the most restrictive marking reached covers all of them
                    ctx = replace(ctx, marking=most_restrictive([*tried, marking]))
            draft = _draw(draft.env, draft.name, ctx, draft.extra, draft.deadline, draft.passes + 1)
            continue
        blocks, late_reads = _late(draft, ctx)
        late_marking = most_restrictive(late_reads.markings)
        if late_marking > marking:
            late_floor = late_marking
            continue
        return _result(draft, ctx, splice(draft.text, draft.marker, blocks), late_reads)


def _shown(draft: Draft) -> Marking:
    """The most restrictive marking of what the body showed: the memo's own text, what it read, what it cited."""
    evidence = draft.ctx.evidence
    cited = (evidence[i].marking for i in draft.citations.numbers)
    return most_restrictive([draft.ctx.text_marking, *draft.reads.markings, *cited])


def _saw_otherwise(draft: Draft, ctx: MemoContext) -> bool:
    """True when the body read a value that late blocks exist to print, and it differs from the final one."""
    read = draft.reads.memo_fields & SUMMARY_FIELDS
    return any(getattr(draft.ctx, name) != getattr(ctx, name) for name in read)


def _late(draft: Draft, ctx: MemoContext) -> tuple[dict[str, str], Reads]:
    """Render the late blocks with the final values, with records of their own reads (and the draft's deadline)."""
    env = draft.env
    env.begin(draft.deadline)
    draft.context.vars["memo"] = ctx
    draft.citations.close()
    with template_faults(draft.name):
        blocks = render_late(draft.context, placed(draft.text, draft.marker), lambda pieces: stream(env, pieces))
        for text in blocks.values():
            text.encode("utf-8")
    return blocks, env.reads


def _result(draft: Draft, ctx: MemoContext, text: str, late_reads: Reads) -> RenderedMarkdown:
    text = expand(_tidy(text), ctx.marking.value)
    banner = text.split("\n", 1)[0]
    if not is_banner(banner, ctx.marking.value):
        raise TemplateError(
            f"templates/{draft.name}",
            0,
            f"the output must open with its marking ({ctx.marking.value}): a first line that is exactly "
            f"{ctx.marking.value} or **{ctx.marking.value}**, got {shown(banner)}; extend base.md.j2, or print "
            "{{ memo.marking }} alone on the first line (a Markdown viewer hides a comment or markup beside it)",
        )
    reads = Reads()
    reads.merge(draft.reads)
    reads.merge(late_reads)
    numbers = draft.citations.numbers
    cited = (*numbers, *sorted(reads.records - numbers.keys()))
    fields = {option: tuple(sorted(names)) for option, names in reads.option_fields.items()}
    templates = tuple(sorted(reads.templates))
    sensitivity = "sensitivity" in reads.memo_fields
    memo_fields = tuple(sorted(reads.memo_fields))
    return RenderedMarkdown(
        text,
        cited,
        ctx.marking,
        templates,
        fields,
        reads.dated,
        draft.passes,
        sensitivity,
        memo_fields,
        tuple(chart for chart in draft.charts.all if f"]({chart.file})" in text),  # those whose image it shows
    )


_BANNER = re.compile(r"(?:#{1,6} +)?(\*\*|__|\*|_|)(TLP:[A-Z+]+)\1 *")


def is_banner(line: str, marking: str) -> bool:
    """The banner line is the marking and nothing else: plain, bold or italic, or a heading."""
    match = _BANNER.fullmatch(line)
    return match is not None and match.group(2) == marking


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
