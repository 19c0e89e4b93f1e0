"""The build: lock → load → validate → plan → render what the plan names → write → record.

Every output is rendered in memory before anything is written, so a failure writes nothing; files are replaced
atomically and the manifest is written last."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.builder.cache import LEGACY_CACHE, load_brief, read_cache, write_cache
from briefgen.builder.lock import build_lock
from briefgen.builder.manifest import LEGACY_MANIFEST, Manifest, input_digests, read_manifest, write_manifest
from briefgen.builder.outputs import FORMATS, OUTPUTS_DIR, Format, Target, render, targets
from briefgen.builder.plan import INPUT_FOLDERS, Plan, Step, nothing_to_do, plan, selected
from briefgen.builder.write import prune, remove_stray_temps, write_if_changed
from briefgen.inputs.load import BRIEF_FILE, TEMPLATES_DIR, ProjectFiles
from briefgen.inputs.project import project_root
from briefgen.inputs.scales import reference_date

if TYPE_CHECKING:
    from briefgen.builder.revision import Outcome
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

    def __str__(self) -> str:
        if self.dry_run:
            lines = [f"would rebuild {output}: {'; '.join(reasons)}" for output, reasons in self.plan]
            return "\n".join([*lines, f"{len(self.plan)} to rebuild, {len(self.unchanged)} up to date (dry run)"])
        lines = [f"kept {p}: no longer in the brief but edited by hand" for p in self.kept]
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
) -> BuildResult:
    """Rebuild the outputs whose dependencies changed (all with ``force``), writing only bytes that differ; render on
    ``jobs`` processes (default: one per core; 1: in this process)."""
    root = project_root(path)
    today = reference_date(as_of)
    formats = FORMATS if fmt is None else (fmt,)
    with _locked(root, dry_run, on_wait):
        manifest = read_manifest(root)
        if not force and nothing_to_do(root, manifest, _version(), memo, audience, formats, today):
            paths = [f"{OUTPUTS_DIR}/{key}.{f}" for key in selected(manifest, memo, audience) for f in formats]
            return BuildResult((), tuple(sorted(paths)), (), dry_run)
        cache = read_cache(root)
        files, brief = _load(root, cache)
        work = plan(brief, manifest, targets(brief, memo, audience), formats, force, today)
        if dry_run:
            return BuildResult((), tuple(work.unchanged()), _planned(work), True)
        outcomes = _render(brief, work, today, progress, jobs)
        written, unchanged = _write(root, work, outcomes)
        complete = memo is None and audience is None and fmt is None
        removed, kept = _record(root, brief, files, cache, manifest, outcomes, today, complete)
    return BuildResult(tuple(written), tuple(unchanged), removed=tuple(removed), kept=tuple(kept))


@contextlib.contextmanager
def _locked(root: Path, dry_run: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """The build lock, and the sweep a real build begins with: temp files a killed build left, and the bookkeeping
    earlier versions kept inside outputs/. A dry run writes nothing and takes no lock."""
    if dry_run:
        yield
        return
    outputs = root / OUTPUTS_DIR
    with build_lock(root, outputs, on_wait=on_wait):
        remove_stray_temps(outputs)
        for legacy in (LEGACY_CACHE, LEGACY_MANIFEST):
            with contextlib.suppress(IsADirectoryError):
                (outputs / legacy).unlink(missing_ok=True)
        yield


def _load(root: Path, cache: dict[str, tuple[str, object]]) -> tuple[ProjectFiles, Brief]:
    return load_brief(root, cache)


def _planned(work: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((str(path), step.reasons) for step in work.steps for path in sorted(work.paths(step)))


def _render(
    brief: Brief, work: Plan, today: dt.date, progress: Progress | None, jobs: int | None = None
) -> dict[Target, Outcome | None]:
    """Each planned output rendered (None for an output that stands), on ``jobs`` processes (default: every core;
    :mod:`~briefgen.builder.pool`); nothing written yet. The templates are compiled and the Word reference prepared
    once, before any worker starts."""
    from briefgen.builder.outputs import word_renderer
    from briefgen.builder.pool import render_all
    from briefgen.builder.revision import render_step
    from briefgen.formats.markdown import environment

    env = environment(brief.root / TEMPLATES_DIR)
    word = word_renderer(brief) if "docx" in work.formats and work.steps else None

    def one(step: Step) -> Outcome:
        return render_step(brief, step, work.formats, today, env, word)

    outcomes: dict[Target, Outcome | None] = dict.fromkeys(work.targets)
    rendered = render_all(work.steps, one, jobs, progress, lambda step: str(step.target.path(work.formats[0])))
    outcomes.update((step.target, outcome) for step, outcome in zip(work.steps, rendered, strict=True))
    return outcomes


def _write(root: Path, work: Plan, outcomes: dict[Target, Outcome | None]) -> tuple[list[str], list[str]]:
    written: list[str] = []
    unchanged: list[str] = []
    for target, outcome in outcomes.items():
        for fmt in work.formats:
            rel = target.path(fmt)
            data = outcome.files.get(rel) if outcome else None
            changed = data is not None and write_if_changed(root / rel, data)
            (written if changed else unchanged).append(str(rel))
    return written, unchanged


def _record(
    root: Path,
    brief: Brief,
    files: ProjectFiles,
    cache: dict[str, tuple[str, object]],
    manifest: Manifest,
    outcomes: dict[Target, Outcome | None],
    today: dt.date,
    complete: bool,
) -> tuple[list[str], list[str]]:
    """Remove the outputs of targets that left the brief, then write the parse cache and, last, the manifest."""
    from briefgen.builder.deps import fresh_until

    digests = input_digests(root, INPUT_FOLDERS, [BRIEF_FILE, brief.spec.style.reference])
    all_targets = tuple(t.key for t in targets(brief))
    entries = {**manifest.entries, **{t.key: o.entry for t, o in outcomes.items() if o is not None}}
    written = {key: {str(f): d for f, d in entry.digests.items() if f in FORMATS} for key, entry in entries.items()}
    orphans = {key: kinds for key, kinds in written.items() if key not in all_targets}
    removed, kept = prune(root / OUTPUTS_DIR, orphans)
    entries = {k: e for k, e in entries.items() if k in all_targets}
    until = fresh_until(brief, (e.deps for e in entries.values()), today)
    write_cache(root, [files.brief, *files.evidence, *files.options], cache)
    fresh = until.isoformat() if until else None
    write_manifest(root, Manifest(_version(), digests if complete else {}, all_targets, fresh, entries))
    return removed, kept


def _version() -> str:
    from briefgen import __version__

    return __version__
