"""The ``check`` use case: everything ``build`` would refuse, found without writing anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefgen import __version__
from briefgen.builder.cache import load_brief
from briefgen.builder.manifest import input_digests, read_manifest
from briefgen.errors import InputError
from briefgen.inputs.load import BRIEF_FILE, TEMPLATES_DIR
from briefgen.inputs.project import Summary, project_root, stale_problems, stale_records
from briefgen.inputs.scales import reference_date


def check(path: str | Path | None = None, strict: bool = False, as_of: dt.date | None = None) -> Summary:
    """Validate the project, compile its templates and summarise it; with ``strict``, stale cited evidence is an
    error too."""
    from briefgen.formats.faults import compile_templates  # Jinja only when templates are compiled

    _, brief = load_brief(project_root(path))  # unchanged files' data from the build's parse cache
    today = reference_date(as_of)
    if _templates_changed_since_last_build(brief.root):
        broken = compile_templates(brief.root / TEMPLATES_DIR, [a.template for a in brief.spec.audiences.values()])
    else:
        broken = []  # the last complete build rendered every audience through these very templates
    if broken:
        raise InputError(e.problem for e in broken)
    stale = stale_records(brief, today)  # their lines (which may mean parsing a cached file again) only if refused
    if strict and stale:
        raise InputError(stale_problems(brief, today))
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
