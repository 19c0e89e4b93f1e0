"""The ``check`` use case: everything ``build`` would refuse, found without writing anything.

Beyond loading and validating, ``check`` compiles every audience template (syntax, unknown filters, missing parents
and includes at their line, blocks no parent has), renders each in memory against every memo that uses it — with the
memo as a first version and as a revised one, so that the "What changed" branches run too — and opens the reference
document as a Word render would, noting the styles briefgen adds to it; then it lints the brief. The errors are those
``build`` would stop at, in the same ``file:line: field: message`` form. Nothing is written: no outputs/, no
.briefgen/ (verify's text cache aside, under ``--strict``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import __version__
from briefgen.builder.cache import load_brief
from briefgen.builder.manifest import read_manifest
from briefgen.builder.plan import current_inputs
from briefgen.errors import InputError, Problem, RenderError, StrictFailure, TemplateError
from briefgen.inputs.load import TEMPLATES_DIR
from briefgen.inputs.project import Summary, project_root, stale_problems, stale_records
from briefgen.inputs.scales import PartialDate, reference_date

if TYPE_CHECKING:
    from briefgen.formats.sandbox import Sandbox
    from briefgen.inputs.validate import Brief

EXAMPLE_CHANGE = "Revised E-1: an example change line (check renders every template as a revised memo too)"


def check(path: str | Path | None = None, strict: bool = False, as_of: dt.date | None = None) -> Summary:
    """Validate the project, render its templates in memory, open its reference document, lint it and summarise
    it. With ``strict``, stale cited evidence, quotes not found in their source texts (verify), styles the reference
    document lacked and lint warnings fail it too."""
    from briefgen.analysis.lint import lint

    _, brief = load_brief(project_root(path))  # unchanged files' data from the build's parse cache
    today = reference_date(as_of)
    notes, problems = _reference_problems(brief, strict)
    if not _built_from_these_inputs(brief.root, today):
        problems += _template_problems(brief, today)
    if problems and not strict:
        raise InputError(problems)
    stale = stale_records(brief, today)  # their lines (which may mean parsing a cached file again) only if refused
    warnings = tuple(w.problem() for w in lint(brief, today))
    if strict:
        from briefgen.builder.verify import verify_brief

        errors = [*problems, *stale_problems(brief, today), *verify_brief(brief, store=False).problems]
        if errors or warnings:
            raise StrictFailure(errors, warnings)
    return Summary(
        root=brief.root,
        title=brief.spec.title,
        sources=len(brief.sources),
        records=len(brief.records),
        options=len(brief.options),
        memos=len(brief.spec.memos),
        outputs=sum(len(m.audiences) for m in brief.spec.memos),
        stale=tuple(sorted({record_id for record_id, _ in stale})),
        stale_after=brief.spec.stale_after,
        warnings=warnings,
        notes=tuple(notes),
    )


def _template_problems(brief: Brief, today: dt.date) -> list[Problem]:
    """Compile errors if any (rendering a template that does not compile says nothing more); else every error a
    render of each (memo, audience) meets."""
    from briefgen.formats.faults import compile_templates
    from briefgen.formats.markdown import environment

    env = environment(brief.root / TEMPLATES_DIR)
    broken = compile_templates(env, [a.template for a in brief.spec.audiences.values()])
    if broken:
        return [e.problem for e in broken]
    problems = []
    for memo in brief.spec.memos:
        for audience_id in memo.audiences:
            problem = _render_problem(brief, memo.id, audience_id, today, env)
            if problem is not None:
                problems.append(problem)
    return problems


def _render_problem(brief: Brief, memo_id: str, audience_id: str, today: dt.date, env: Sandbox) -> Problem | None:
    """The error rendering one output in memory meets, if any: as a first version, then finished again as a
    revised one (only the blocks rendered last run again)."""
    from briefgen.analysis.memo_context import History
    from briefgen.builder.outputs import Target, draft_md
    from briefgen.formats.markdown import finish

    try:
        body = draft_md(brief, Target(memo_id, audience_id), today, History(), env)
        finish(body, body.ctx)
        revised = replace(
            body.ctx, version=2, changes=(EXAMPLE_CHANGE,), date=body.ctx.date or PartialDate.parse(today)
        )
        finish(body, revised)
    except TemplateError as err:
        return err.problem
    return None


def _reference_problems(brief: Brief, strict: bool) -> tuple[list[str], list[Problem]]:
    """Open the reference document as a Word render does: notes on the styles it lacked and briefgen added (errors
    under ``strict``), or a problem per fault (not a Word file, a damaged or oversized zip, a style of the wrong
    type)."""
    from briefgen.builder.outputs import reference_bytes
    from briefgen.formats.docx.reference import ReferenceFaults, open_reference

    name = brief.spec.style.reference
    try:
        reference = open_reference(reference_bytes(brief), name)
    except ReferenceFaults as err:
        return [], [Problem(name, 0, "style.reference", message) for message in err.messages]
    except RenderError as err:
        return [], [Problem(name, 0, "style.reference", str(err))]
    notes = []
    if reference.added:
        added = ", ".join(repr(style) for style in reference.added)
        notes.append(f"lacks {len(reference.added)} styles briefgen uses; added from its defaults: {added}")
    if reference.page_set:
        notes.append("sets no page size or margins; using US Letter with 1-inch margins")
    if strict:
        return [], [Problem(name, 0, "style.reference", f"{note} (check --strict fails on it)") for note in notes]
    return [f"note: {name} {note}" for note in notes], []


def _built_from_these_inputs(root: Path, today: dt.date) -> bool:
    """True when the last complete build, by this version, read exactly these input files and nothing it showed
    has turned stale since: it rendered every output through these templates with this data, so rendering them
    again would find nothing."""
    manifest = read_manifest(root)
    if not manifest.inputs or manifest.version != __version__:
        return False
    if manifest.fresh_until and today >= dt.date.fromisoformat(manifest.fresh_until):
        return False
    return manifest.inputs == current_inputs(root, manifest)
