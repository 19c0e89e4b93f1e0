"""The ``check`` use case: everything ``build`` would refuse, found without writing anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefgen import __version__
from briefgen.builder.manifest import input_digests, read_manifest
from briefgen.errors import InputError, StrictFailure
from briefgen.inputs.load import BRIEF_FILE, TEMPLATES_DIR
from briefgen.inputs.project import Summary, load, stale_problems
from briefgen.inputs.scales import reference_date


def check(path: str | Path | None = None, strict: bool = False, as_of: dt.date | None = None) -> Summary:
    """Validate the project, compile its templates, lint it and summarise it. With ``strict``, stale cited evidence,
    quotes not found in their source texts (verify) and lint warnings fail it too."""
    from briefgen.analysis.lint import lint
    from briefgen.formats.faults import compile_templates  # Jinja only when templates are compiled

    brief = load(path)
    today = reference_date(as_of)
    if _templates_changed_since_last_build(brief.root):
        broken = compile_templates(brief.root / TEMPLATES_DIR, [a.template for a in brief.spec.audiences.values()])
    else:
        broken = []  # the last complete build rendered every audience through these very templates
    if broken:
        raise InputError(e.problem for e in broken)
    stale = stale_problems(brief, today)
    warnings = tuple(w.problem() for w in lint(brief, today))
    if strict:
        from briefgen.builder.verify import verify_brief

        errors = [*stale, *verify_brief(brief).problems]
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
        stale=tuple(sorted({p.message.split()[0] for p in stale})),
        stale_after=brief.spec.stale_after,
        warnings=warnings,
    )


def _templates_changed_since_last_build(root: Path) -> bool:
    """False when the last complete build, by this version, saw the same brief file and templates: it rendered every
    audience through them, so compiling them again would find nothing."""
    manifest = read_manifest(root)
    if not manifest.inputs or manifest.version != __version__:
        return True
    now = input_digests(root, [TEMPLATES_DIR], [BRIEF_FILE])
    then = {k: v for k, v in manifest.inputs.items() if k == BRIEF_FILE or k.startswith(f"{TEMPLATES_DIR}/")}
    return now != then
