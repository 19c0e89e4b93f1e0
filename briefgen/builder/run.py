"""The build: lock → load → validate → plan → render what the plan names → write → record.

Every output is rendered in memory before anything is written, and the write stage finds every problem (a link or a
file in the way, an output edited by hand, a full disk) before it replaces anything; the manifest is written last."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.builder.cache import CACHE_PATH, cache_bytes, load_brief, read_cache
from briefgen.builder.lock import build_lock
from briefgen.builder.manifest import MANIFEST_PATH, Manifest, input_digests, manifest_bytes, read_manifest
from briefgen.builder.outputs import OUTPUTS_DIR, Format, Target, formats_for, is_file, render, targets
from briefgen.builder.plan import Plan, Step, current_inputs, files_of, nothing_to_do, plan, selected
from briefgen.builder.safe_paths import Project
from briefgen.builder.write import ANY, Writes, tidy, write_build
from briefgen.errors import RenderError
from briefgen.inputs.load import TEMPLATES_DIR, ProjectFiles
from briefgen.inputs.project import project_root
from briefgen.inputs.scales import reference_date

if TYPE_CHECKING:
    from briefgen.builder.revision import Outcome
    from briefgen.formats.pdf import Office
    from briefgen.inputs.validate import Brief

__all__ = ["BuildResult", "build", "render"]

Progress = Callable[[Iterable[Step]], Iterable[Step]]


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    plan: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (output, reasons) of every output a dry run would rebuild
    dry_run: bool = False
    removed: tuple[str, ...] = ()  # outputs of memos or audiences no longer in the brief
    kept: tuple[str, ...] = ()  # such outputs left in place because they were edited by hand
    saved: tuple[tuple[str, str], ...] = ()  # (output edited by hand, where --force saved it before overwriting)

    def __str__(self) -> str:
        if self.dry_run:
            lines = [f"would rebuild {output}: {'; '.join(reasons)}" for output, reasons in self.plan]
            return "\n".join([*lines, f"{len(self.plan)} to rebuild, {len(self.unchanged)} up to date (dry run)"])
        lines = [f"saved your edited {output} as {copy} before overwriting it" for output, copy in self.saved]
        lines += [f"kept {p}: no longer in the brief but edited by hand" for p in self.kept]
        removed = f", {len(self.removed)} removed" if self.removed else ""
        return "\n".join([*lines, f"{len(self.written)} written, {len(self.unchanged)} unchanged{removed}"])


def build(
    path: str | Path | None = None,
    memo: str | None = None,
    audience: str | None = None,
    fmt: Format | None = None,
    force: bool = False,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
    jobs: int | None = None,
    redline: bool = False,
) -> BuildResult:
    """Rebuild the outputs whose dependencies changed (all with ``force``), writing only bytes that differ; render on
    ``jobs`` processes (default: one per core; 1: in this process). With ``redline``, a new version of any output
    also gets its redline (as an audience with ``redline: true`` always does)."""
    root = project_root(path)
    today = reference_date(as_of)
    with _locked(root, dry_run, on_wait):
        manifest = read_manifest(root)
        inputs = current_inputs(root, manifest)  # before anything is read: what this build records
        if not force and nothing_to_do(root, manifest, inputs, _version(), memo, audience, fmt, today):
            return _standing(root, manifest, selected(manifest, memo, audience), fmt, dry_run)
        cache = read_cache(root)
        files, brief, inputs = _load(root, cache, inputs)
        work = plan(brief, manifest, targets(brief, memo, audience), fmt, force, today, redline)
        if dry_run:
            return BuildResult((), tuple(work.unchanged()), _planned(work), True)
        office = _office(work)  # before anything is rendered: a build that cannot make its PDFs stops here
        outcomes = _pdfs(_render(brief, work, today, progress, jobs), office)
        _fit_pages(brief, work, outcomes)
        complete = memo is None and audience is None and fmt is None
        writes = _writes(brief, files, cache, manifest, inputs, work, outcomes, today, complete, force)
        done = write_build(root, writes)
    written, unchanged = _tally(work, done.written)
    return BuildResult(written, unchanged, removed=done.removed, kept=done.kept, saved=done.saved)


@contextlib.contextmanager
def _locked(root: Path, dry_run: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """The build lock (a dry run writes nothing and takes none)."""
    if dry_run:
        yield
        return
    with build_lock(root, on_wait=on_wait):
        yield


def _standing(root: Path, manifest: Manifest, keys: list[str], fmt: Format | None, dry_run: bool) -> BuildResult:
    """Nothing to do: the outputs stand. A real build still removes what killed builds and earlier versions left."""
    if not dry_run:
        with contextlib.suppress(OSError), Project(root) as project:
            tidy(project)
    paths = [f"{OUTPUTS_DIR}/{key}.{f}" for key in keys for f in ((fmt,) if fmt else manifest.formats.get(key, ()))]
    return BuildResult((), tuple(sorted(paths)), (), dry_run)


def _load(
    root: Path, cache: dict[str, tuple[str, object]], inputs: dict[str, str]
) -> tuple[ProjectFiles, Brief, dict[str, str]]:
    """The project loaded and validated, and ``inputs`` with the reference document the brief names (wherever it is),
    fingerprinted before any render reads it."""
    files, brief = load_brief(root, cache)
    return files, brief, {**inputs, **input_digests(root, [], [brief.spec.style.reference])}


def _tally(work: Plan, written: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every selected output, written or unchanged, in the brief's order."""
    done = set(written)
    charts = {str(t.path(name)): str(t.path("md")) for t in work.targets for name in chart_files()}
    done |= {charts[path] for path in written if path in charts}  # a chart is part of its Markdown memo
    paths = [str(target.path(fmt)) for target in work.targets for fmt in work.formats[target]]
    redlines = sorted(p for p in done if p.endswith((".redline.md", ".redline.docx")))
    return tuple(p for p in paths if p in done) + tuple(redlines), tuple(p for p in paths if p not in done)


def chart_files() -> list[str]:
    """The names a chart beside a Markdown memo may have in its manifest entry."""
    from briefgen.formats.charts import KINDS

    return [f"{kind}.svg" for kind in KINDS]


def _planned(work: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(path), step.reasons) for step in work.steps for path in sorted(work.paths(step)))


def _render(
    brief: Brief, work: Plan, today: dt.date, progress: Progress | None, jobs: int | None = None
) -> dict[Target, Outcome | None]:
    """Each planned output rendered (None for an output that stands), on ``jobs`` processes (default: every core;
    :mod:`~briefgen.builder.pool`); nothing written yet. The Word reference is prepared once, before any worker
    starts (its fingerprint taken before it is read, so that an edit saved meanwhile is rebuilt by the next build)."""
    from briefgen.builder.deps import docx_deps
    from briefgen.builder.outputs import word_renderer
    from briefgen.builder.pool import render_all
    from briefgen.builder.revision import render_step
    from briefgen.formats.markdown import environment

    env = environment(brief.root / TEMPLATES_DIR)
    word_deps = docx_deps(brief)
    word = word_renderer(brief) if any({"docx", "pdf"} & set(step.formats) for step in work.steps) else None

    def one(step: Step) -> Outcome:
        return render_step(brief, step, today, env, word, word_deps)

    outcomes: dict[Target, Outcome | None] = dict.fromkeys(work.targets)
    rendered = render_all(work.steps, one, jobs, progress, lambda step: str(step.target.path(step.formats[0])))
    outcomes.update((step.target, outcome) for step, outcome in zip(work.steps, rendered, strict=True))
    return outcomes


def _office(work: Plan) -> Office | None:
    """LibreOffice, if the build makes a PDF (a RenderError saying how to install it when it is missing)."""
    if not any("pdf" in step.formats for step in work.steps):
        return None
    from briefgen.formats.pdf import find_office

    return find_office()


def _pdfs(outcomes: dict[Target, Outcome | None], office: Office | None) -> dict[Target, Outcome | None]:
    """Every PDF the build still has to make, made in one LibreOffice call."""
    waiting = [(target, o) for target, o in outcomes.items() if o is not None and o.pdf_from is not None]
    if not waiting or office is None:
        return outcomes
    from briefgen.builder.revision import with_pdf
    from briefgen.formats.pdf import to_pdf

    pdfs = to_pdf([o.pdf_from or b"" for _, o in waiting], [o.pdf_date or dt.date(2000, 1, 1) for _, o in waiting],
                  office)  # fmt: skip
    return {**outcomes, **{t: with_pdf(o, t, pdf) for (t, o), pdf in zip(waiting, pdfs, strict=True)}}


def _fit_pages(brief: Brief, work: Plan, outcomes: dict[Target, Outcome | None]) -> None:
    """A PDF longer than its audience's ``max_pages`` stops the build before anything is written: one made now, or
    one that stands because its Word file did not change (the limit itself may just have been set or lowered)."""
    from briefgen.formats.pdf import page_count

    problems = []
    for step in work.steps:
        target, outcome = step.target, outcomes.get(step.target)
        limit = brief.spec.audiences[target.audience_id].max_pages
        if outcome is None or limit is None or "pdf" not in step.formats:
            continue
        pdf = outcome.files.get(target.path("pdf")) or _standing_pdf(brief, target, outcome)
        pages = page_count(pdf) if pdf is not None else 0
        if pages > limit:
            doc, audience = brief.files.brief, target.audience_id
            where = f"{doc.path}:{doc.line_of(('audiences', audience, 'max_pages'))}: audiences.{audience}.max_pages"
            laid_out = f"{target.path('pdf')} runs to {pages} pages as LibreOffice lays it out"
            problems.append(f"{where}: {laid_out}, and the audience allows {limit}; shorten what its template shows")
    if problems:
        raise RenderError("\n".join(problems))


def _standing_pdf(brief: Brief, target: Target, outcome: Outcome) -> bytes | None:
    """The PDF on disk that this build keeps as it stands (the bytes the manifest records), if any."""
    from briefgen.builder.safe_paths import read_inside
    from briefgen.inputs.files import digest

    recorded = outcome.entry.digests.get("pdf")
    if recorded is None:
        return None
    try:
        data = read_inside(brief.root, target.path("pdf"))
    except OSError:
        return None
    return data if digest(data) == recorded else None


def _writes(
    brief: Brief,
    files: ProjectFiles,
    cache: dict[str, tuple[str, object]],
    manifest: Manifest,
    inputs: dict[str, str],
    work: Plan,
    outcomes: dict[Target, Outcome | None],
    today: dt.date,
    complete: bool,
    force: bool,
) -> Writes:
    """Everything the build writes, as a value: the rendered outputs, and the parse cache and manifest recording
    them (the input digests taken before anything was read, and those of the bytes actually parsed)."""
    from briefgen.builder.deps import fresh_until
    from briefgen.builder.history import beyond
    from briefgen.builder.redline import KINDS

    documents = [files.brief, *files.evidence, *files.options]
    digests = {**inputs, **{doc.path: doc.digest for doc in documents}}
    all_targets = tuple(t.key for t in targets(brief))
    entries = {**manifest.entries, **{t.key: o.entry for t, o in outcomes.items() if o is not None}}
    written = {key: {f: d for f, d in entry.digests.items() if is_file(f)} for key, entry in entries.items()}
    orphans = {key: kinds for key, kinds in written.items() if key not in all_targets}
    orphans |= _dropped_charts(work, manifest, outcomes)
    for target, outcome in outcomes.items():
        # A file of the last version this one does not replace goes: a redline when the new version has none, a
        # format the build did not render now (no longer listed, or --format chose another), a chart beside
        # Markdown not rebuilt. Left, it would show an old version, or what the audience may no longer see.
        before = manifest.entries.get(target.key)
        if outcome is not None and before is not None:
            stale = {k: d for k, d in before.digests.items() if is_file(k) and k not in outcome.entry.digests}
            if stale:
                orphans.setdefault(target.key, {}).update(stale)
    entries = {k: e for k, e in entries.items() if k in all_targets}
    until = fresh_until(brief, (e.deps for e in entries.values()), today)
    fresh = until.isoformat() if until else None
    defaults: dict[str, tuple[str, ...]] = (
        {t.key: formats_for(brief, t, None) for t in targets(brief)} if complete else {}
    )
    record = Manifest(_version(), digests if complete else {}, all_targets, fresh, entries, defaults)
    rendered = {rel: data for outcome in outcomes.values() if outcome for rel, data in outcome.files.items()}
    recorded = {
        target.path(name): entry.digests[name]
        for target in work.targets
        if (entry := manifest.entries.get(target.key))
        for name in (*files_of(entry, work.formats[target]), *KINDS)
        if name in entry.digests
    }
    parsed = cache_bytes(documents, cache)
    bookkeeping = ((CACHE_PATH, parsed),) if parsed is not None else ()
    kept = tuple(item for outcome in outcomes.values() if outcome for item in outcome.kept)
    keep = brief.spec.history.keep
    discard = tuple(
        p for t, o in outcomes.items() if o is not None for p in beyond(brief.root, t.key, o.entry.version, keep)
    )
    last = (*bookkeeping, *kept, (MANIFEST_PATH, manifest_bytes(record)))
    return Writes(rendered, recorded, last, orphans, force, discard)


def _dropped_charts(
    work: Plan, manifest: Manifest, outcomes: dict[Target, Outcome | None]
) -> dict[str, dict[str, str]]:
    """Chart files briefgen lost track of beside a rendered Markdown memo that no longer shows them (its memo was
    rebuilt without the Markdown since): removed whatever they hold (``*``), so that no chart of what an audience may
    no longer see stays beside it. A chart the last version recorded goes with the other files of that version."""
    dropped: dict[str, dict[str, str]] = {}
    for target, outcome in outcomes.items():
        if outcome is None or "md" not in work.formats[target]:
            continue
        old = manifest.entries.get(target.key)
        for name in chart_files():
            if name not in outcome.entry.digests and (old is None or name not in old.digests):
                dropped.setdefault(target.key, {})[name] = ANY
    return dropped


def _version() -> str:
    from briefgen import __version__

    return __version__
