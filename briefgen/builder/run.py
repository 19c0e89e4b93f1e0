"""The use cases: render one memo, build many. Reads as the pipeline: load → validate → assemble → render → write,
with the manifest deciding which outputs need work and remembering what each showed (for change notes)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from briefgen.analysis.memo_context import History
from briefgen.builder.lock import build_lock
from briefgen.builder.manifest import (
    LEGACY_CACHE,
    LEGACY_MANIFEST,
    Entry,
    Manifest,
    file_digest,
    input_digests,
    read_cache,
    read_manifest,
    write_cache,
    write_manifest,
)
from briefgen.builder.write import prune, remove_stray_temps, write_if_changed
from briefgen.errors import BriefgenError, RenderError
from briefgen.inputs.files import digest, read_regular
from briefgen.inputs.load import BRIEF_FILE, TEMPLATES_DIR
from briefgen.inputs.project import project_root
from briefgen.inputs.scales import PartialDate, reference_date

# pydantic, Jinja and the stages behind them are imported where used, so that a build with nothing to do (decided
# from file digests alone) starts in a fraction of the time.
if TYPE_CHECKING:
    from briefgen.analysis.memo_context import MemoContext
    from briefgen.formats.markdown import RenderedMarkdown
    from briefgen.formats.sandbox import Sandbox
    from briefgen.inputs.model import Memo
    from briefgen.inputs.validate import Brief

Format = Literal["md", "docx"]
FORMATS: tuple[Format, ...] = ("md", "docx")
OUTPUTS_DIR = "outputs"
INPUT_FOLDERS = ("evidence", "options", TEMPLATES_DIR)


class UnknownTarget(BriefgenError):
    """--memo or --audience names something the brief does not have."""


@dataclass(frozen=True)
class Target:
    memo_id: str
    audience_id: str

    @property
    def key(self) -> str:
        return f"{self.memo_id}/{self.audience_id}"

    def path(self, fmt: Format) -> PurePosixPath:
        return PurePosixPath(OUTPUTS_DIR, self.memo_id, f"{self.audience_id}.{fmt}")


@dataclass(frozen=True)
class Planned:
    output: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    plan: tuple[Planned, ...] = ()
    dry_run: bool = False
    removed: tuple[str, ...] = ()  # outputs of memos or audiences no longer in the brief
    kept: tuple[str, ...] = ()  # such outputs left in place because they were edited by hand

    def __str__(self) -> str:
        if self.dry_run:
            lines = [f"would rebuild {p.output}: {'; '.join(p.reasons)}" for p in self.plan]
            return "\n".join([*lines, f"{len(self.plan)} to rebuild, {len(self.unchanged)} up to date (dry run)"])
        lines = [f"kept {p}: no longer in the brief but edited by hand" for p in self.kept]
        removed = f", {len(self.removed)} removed" if self.removed else ""
        return "\n".join([*lines, f"{len(self.written)} written, {len(self.unchanged)} unchanged{removed}"])


def targets(brief: Brief, memo_id: str | None = None, audience_id: str | None = None) -> list[Target]:
    """The (memo, audience) pairs to build, checked against the brief."""
    memos = [m for m in brief.spec.memos if memo_id in (None, m.id)]
    if not memos:
        raise UnknownTarget(f"unknown memo {memo_id!r} (expected one of: {', '.join(m.id for m in brief.spec.memos)})")
    found = [Target(m.id, a) for m in memos for a in m.audiences if audience_id in (None, a)]
    if not found:
        known = sorted({a for m in memos for a in m.audiences})
        raise UnknownTarget(f"unknown audience {audience_id!r} for this memo (expected one of: {', '.join(known)})")
    return found


def _memo(brief: Brief, memo_id: str) -> Memo:
    for memo in brief.spec.memos:
        if memo.id == memo_id:
            return memo
    raise UnknownTarget(f"unknown memo {memo_id!r} (expected one of: {', '.join(m.id for m in brief.spec.memos)})")


def render_md(
    brief: Brief, target: Target, today: dt.date, history: History | None = None, env: Sandbox | None = None
) -> tuple[MemoContext, RenderedMarkdown]:
    memo = _memo(brief, target.memo_id)
    if target.audience_id not in memo.audiences:
        raise UnknownTarget(
            f"memo {memo.id!r} has no audience {target.audience_id!r} (it has: {', '.join(memo.audiences)})"
        )
    from briefgen.analysis.assemble import assemble
    from briefgen.formats.markdown import environment, render_markdown

    ctx = assemble(brief, memo, target.audience_id, today, history or History())
    template = brief.spec.audiences[target.audience_id].template
    return ctx, render_markdown(env or environment(brief.root / TEMPLATES_DIR), template, ctx)


def docx_bytes(brief: Brief, target: Target, rendered: RenderedMarkdown, date: PartialDate | None) -> bytes:
    from briefgen.formats.docx.document import DEFAULT_HEAT, DocxSettings, markdown_to_docx

    memo = _memo(brief, target.memo_id)
    heat = {**DEFAULT_HEAT, **{level.label: colour.upper() for level, colour in brief.spec.style.heat.items()}}
    created = date.earliest if date else dt.date(2000, 1, 1)
    settings = DocxSettings(
        reference=reference_bytes(brief),
        marking=rendered.marking.value,
        heat=heat,
        title=memo.subject or memo.question,
        subject=brief.spec.title,
        author=memo.prepared_by or brief.spec.from_,
        keywords=f"{target.audience_id}; {rendered.marking.value}",
        created=dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC),
        reference_name=brief.spec.style.reference,
    )
    return markdown_to_docx(rendered.text, settings)


def reference_bytes(brief: Brief) -> bytes:
    path = brief.root / brief.spec.style.reference
    try:
        return read_regular(path)
    except OSError as exc:
        raise RenderError(f"{brief.spec.style.reference}: cannot read the reference document: {exc.strerror}") from None


def render(
    brief: Brief, memo_id: str, audience_id: str, fmt: Format = "md", today: dt.date | None = None
) -> str | bytes:
    """The memo for one audience as Markdown text or Word bytes (library API; no manifest, version 1)."""
    target = Target(memo_id, audience_id)
    ctx, rendered = render_md(brief, target, reference_date(today))
    return rendered.text if fmt == "md" else docx_bytes(brief, target, rendered, ctx.date)


@dataclass(frozen=True)
class _Outcome:
    entry: Entry
    files: dict[PurePosixPath, bytes]
    reasons: tuple[str, ...]


def build(
    path: str | Path | None = None,
    memo: str | None = None,
    audience: str | None = None,
    fmt: Format | None = None,
    force: bool = False,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    progress: Callable[[Iterable[Target]], Iterable[Target]] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Rebuild the outputs whose dependencies changed (all with ``force``), writing only bytes that differ.

    Every output is rendered in memory before anything is written, so a failure writes nothing; files are
    replaced atomically and the manifest is written last."""
    root = project_root(path)
    outputs = root / OUTPUTS_DIR
    today = reference_date(as_of)
    formats = FORMATS if fmt is None else (fmt,)
    lock = contextlib.nullcontext() if dry_run else build_lock(root, outputs, on_wait=on_wait)
    with lock:
        if not dry_run:
            remove_stray_temps(outputs)
            for legacy in (LEGACY_CACHE, LEGACY_MANIFEST):
                with contextlib.suppress(IsADirectoryError):
                    (outputs / legacy).unlink(missing_ok=True)
        manifest = read_manifest(root)
        # Files outside the input folders that the last build read (a reference document kept elsewhere).
        digests = input_digests(root, INPUT_FOLDERS, [BRIEF_FILE, *_loose_inputs(manifest)])
        if not force and _up_to_date(root, manifest, digests, memo, audience, formats, today):
            return BuildResult((), tuple(sorted(_selected_paths(manifest, memo, audience, formats))), (), dry_run)
        cache = read_cache(root)
        from briefgen.builder.deps import fresh_until
        from briefgen.formats.markdown import environment
        from briefgen.inputs.load import load_project
        from briefgen.inputs.validate import validate_project

        files = load_project(root, cache)
        brief = validate_project(files)
        digests = input_digests(root, INPUT_FOLDERS, [BRIEF_FILE, brief.spec.style.reference])
        chosen = targets(brief, memo, audience)
        env = environment(brief.root / TEMPLATES_DIR)
        outcomes = {
            t: _build_target(brief, t, formats, manifest.entries.get(t.key), force, today, env)
            for t in (progress(chosen) if progress and not dry_run else chosen)
        }
        plan = tuple(Planned(str(p), o.reasons) for o in outcomes.values() if o.reasons for p in sorted(o.files))
        if dry_run:
            unchanged = [str(t.path(f)) for t, o in outcomes.items() if not o.reasons for f in formats]
            return BuildResult((), tuple(unchanged), plan, True)
        written, unchanged = _write(root, outcomes, formats)
        complete = memo is None and audience is None and fmt is None
        all_targets = tuple(t.key for t in targets(brief))
        entries = {**manifest.entries, **{t.key: o.entry for t, o in outcomes.items()}}
        orphans = {k: e.digests for k, e in entries.items() if k not in all_targets}
        removed, kept = prune(outputs, {k: {f: d for f, d in v.items() if f in FORMATS} for k, v in orphans.items()})
        entries = {k: e for k, e in entries.items() if k in all_targets}
        until = fresh_until(brief, (e.deps for e in entries.values()), today)
        write_cache(root, [files.brief, *files.evidence, *files.options], cache)
        write_manifest(
            root,
            Manifest(
                _version(), digests if complete else {}, all_targets, until.isoformat() if until else None, entries
            ),
        )
    return BuildResult(tuple(written), tuple(unchanged), plan, removed=tuple(removed), kept=tuple(kept))


def _version() -> str:
    from briefgen import __version__

    return __version__


def _up_to_date(
    root: Path,
    manifest: Manifest,
    digests: dict[str, str],
    memo: str | None,
    audience: str | None,
    formats: tuple[Format, ...],
    today: dt.date,
) -> bool:
    """Nothing to do, decided without parsing: same inputs and version as the last complete build, nothing turned
    stale since, and every selected output still holds the bytes that build wrote."""
    if not manifest.inputs or manifest.inputs != digests or manifest.version != _version():
        return False
    if manifest.fresh_until and today >= dt.date.fromisoformat(manifest.fresh_until):
        return False
    wanted = _selected(manifest, memo, audience)
    if not wanted:
        return False
    for key in wanted:
        entry = manifest.entries.get(key)
        if entry is None or any(_on_disk(root, key, f) != entry.digests.get(f) for f in formats):
            return False
    return True


def _loose_inputs(manifest: Manifest) -> list[str]:
    """Files outside the input folders that the last complete build read; a manifest is data, so only plain
    relative paths inside the project count (anything else is not looked at)."""
    paths = [PurePosixPath(p) for p in manifest.inputs if p != BRIEF_FILE]
    return [
        str(p)
        for p in paths
        if p.parts
        and p.parts[0] not in INPUT_FOLDERS
        and not p.is_absolute()
        and ".." not in p.parts
        and "\0" not in str(p)
    ]


def _selected(manifest: Manifest, memo: str | None, audience: str | None) -> list[str]:
    return [k for k in manifest.all_targets if memo in (None, k.split("/")[0]) and audience in (None, k.split("/")[1])]


def _selected_paths(
    manifest: Manifest, memo: str | None, audience: str | None, formats: tuple[Format, ...]
) -> list[str]:
    return [f"{OUTPUTS_DIR}/{key}.{f}" for key in _selected(manifest, memo, audience) for f in formats]


def _on_disk(root: Path, key: str, fmt: str) -> str | None:
    try:
        return file_digest(root / OUTPUTS_DIR / f"{key}.{fmt}")
    except OSError:
        return None


def _reasons(
    brief: Brief, target: Target, entry: Entry | None, formats: tuple[Format, ...], force: bool, today: dt.date
) -> tuple[tuple[str, ...], bool]:
    """Why this output needs work (empty: it does not), and whether its content may have changed."""
    from briefgen.builder.deps import changed_keys, current, docx_deps

    if entry is None:
        return ("new output",), True
    if force:
        return ("--force",), True
    content = changed_keys(entry.deps, current(brief, entry.deps, today))
    reasons = [_reason(key) for key in content]
    if "docx" in formats and changed_keys(entry.docx_deps, docx_deps(brief)):
        reasons.append("reference document or style changed")
    for fmt in formats:
        if fmt not in entry.digests or _on_disk(brief.root, target.key, fmt) != entry.digests[fmt]:
            reasons.append(f"{target.path(fmt).name} missing or edited")
    return tuple(reasons), bool(content)


def _reason(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"marking of record {ident} changed" if kind == "marking" else f"{kind} {ident} changed".replace("  ", " ")


def _build_target(
    brief: Brief,
    target: Target,
    formats: tuple[Format, ...],
    entry: Entry | None,
    force: bool,
    today: dt.date,
    env: Sandbox,
) -> _Outcome:
    from briefgen.builder.changes import change_note, snapshot
    from briefgen.builder.deps import content_deps, docx_deps

    reasons, content_may_change = _reasons(brief, target, entry, formats, force, today)
    if not reasons:
        assert entry is not None
        return _Outcome(entry, {}, ())
    memo = _memo(brief, target.memo_id)
    first_day = None if memo.date else PartialDate.parse(today)
    history = History(entry.version, _date(entry.date), entry.changes) if entry else History(1, first_day, ())
    ctx, rendered = render_md(brief, target, today, history, env)
    text_digest = digest(rendered.text.encode("utf-8"))
    seen = snapshot(brief, ctx, rendered.cited, rendered.option_fields, rendered.sensitivity)
    # A new revision when what the memo shows or relies on changed: its text, or a record, risk, rank or option it
    # shows (a cited record's claim may change without the memo quoting it: the memo still rests on it).
    revised = text_digest != entry.digests.get("content") or seen != entry.snapshot if entry else False
    if entry is not None and content_may_change and revised:
        note = change_note(entry.snapshot, seen, _titles(brief), _claims(brief))
        history = History(entry.version + 1, first_day, note)
        ctx, rendered = render_md(brief, target, today, history, env)
        text_digest = digest(rendered.text.encode("utf-8"))
    files: dict[PurePosixPath, bytes] = {}
    if "md" in formats:
        files[target.path("md")] = rendered.text.encode("utf-8")
    if "docx" in formats:
        files[target.path("docx")] = docx_bytes(brief, target, rendered, ctx.date)
    same_content = entry is not None and entry.digests.get("content") == text_digest
    kept: dict[str, str] = {f: d for f, d in entry.digests.items() if f in FORMATS} if entry and same_content else {}
    new_entry = Entry(
        deps=content_deps(
            brief, target.memo_id, target.audience_id, rendered.templates, rendered.cited, today, rendered.dated
        ),
        docx_deps=docx_deps(brief),
        digests={**kept, "content": text_digest, **{str(p.suffix[1:]): digest(b) for p, b in files.items()}},
        version=history.version,
        date=str(history.date) if history.date else None,
        changes=history.changes,
        snapshot=snapshot(brief, ctx, rendered.cited, rendered.option_fields, rendered.sensitivity),
    )
    return _Outcome(new_entry, files, reasons)


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _claims(brief: Brief) -> dict[str, str]:
    return {record_id: record.claim for record_id, record in brief.records.items()}


def _titles(brief: Brief) -> dict[str, str]:
    return {option_id: option.title for option_id, option in brief.options.items()}


def _write(root: Path, outcomes: dict[Target, _Outcome], formats: tuple[Format, ...]) -> tuple[list[str], list[str]]:
    written: list[str] = []
    unchanged: list[str] = []
    for target, outcome in outcomes.items():
        for fmt in formats:
            rel = target.path(fmt)
            data = outcome.files.get(rel)
            changed = data is not None and write_if_changed(root / rel, data)
            (written if changed else unchanged).append(str(rel))
    return written, unchanged
