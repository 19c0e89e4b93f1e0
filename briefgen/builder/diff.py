"""``briefgen diff MEMO AUDIENCE [--from N] [--to M]``: the change between two kept versions of an output, word by word
— in the terminal, or as a redline file (``--format md``: CriticMarkup, ``--format docx``: Word tracked changes)
written to ``outputs/<memo>/<audience>.v<N>-v<M>.redline.<md|docx>``.

Release filtering holds here as in a build: both versions are shown only as far as the audience may see them now.
What the older version showed that is withheld now is deleted ``[withheld]``; a block of the newer version resting on
material withheld since is shown as ``[withheld]`` too (the newer version may itself be an old one)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefgen.builder import history
from briefgen.builder.lock import build_lock
from briefgen.builder.manifest import MANIFEST_PATH, manifest_bytes, read_manifest
from briefgen.builder.outputs import Target, memo_of
from briefgen.builder.safe_paths import write_inside
from briefgen.errors import BriefgenError
from briefgen.inputs.files import digest
from briefgen.inputs.project import project_root
from briefgen.inputs.scales import PartialDate, reference_date

if TYPE_CHECKING:
    from rich.text import Text

    from briefgen.builder.redline import Redline
    from briefgen.inputs.validate import Brief

DiffFormat = Literal["text", "md", "docx"]


class NoSuchVersion(BriefgenError):
    """The version asked for is not kept, or there is nothing to compare."""


@dataclass(frozen=True)
class DiffResult:
    older: int
    newer: int
    text: Text | None = None  # the changes, for the terminal
    written: str | None = None  # the redline file written
    changes: int = 0  # blocks changed
    plain: str = ""  # the changes with [-deleted-] and {+inserted+} marks, for output that shows no style

    def __str__(self) -> str:
        if self.written:
            return f"wrote {self.written}: version {self.older} → {self.newer}, {self.changes} blocks changed"
        return f"version {self.older} → {self.newer}: {self.changes} blocks changed"


def diff(
    path: str | Path | None,
    memo_id: str,
    audience_id: str,
    older: int | None = None,
    newer: int | None = None,
    fmt: DiffFormat = "text",
    as_of: dt.date | None = None,
) -> DiffResult:
    """The change from kept version ``older`` (default: the one before ``newer``) to ``newer`` (default: the
    latest kept) of one output."""
    from briefgen.builder.cache import load_brief, read_cache
    from briefgen.builder.outputs import targets

    root = project_root(path)
    _, brief = load_brief(root, read_cache(root))
    target = Target(memo_id, audience_id)
    targets(brief, memo_id, audience_id)  # an unknown memo or audience is a usage error
    a, b = _versions(root, target.key, older, newer)
    red = _redline(brief, target, root, reference_date(as_of), b)
    newer_text = _masked(red, b)
    if fmt == "text":
        from briefgen.formats.critic import console_text, redline

        found = redline(a.markdown, newer_text, *red.basis(a))
        title = f"{memo_id}/{audience_id}: version {a.version} → {b.version}"
        plain = console_text(found, title, marks=True).plain
        return DiffResult(a.version, b.version, console_text(found, title), None, found.changes, plain)
    return _write(root, red, target, a, b, newer_text, fmt)


def _versions(root: Path, key: str, older: int | None, newer: int | None) -> tuple[history.Kept, history.Kept]:
    kept = history.versions(root, key)
    listed = ", ".join(map(str, kept)) or "none"
    newer = newer if newer is not None else (kept[-1] if kept else None)
    if newer is None or newer not in kept:
        raise NoSuchVersion(f"{key}: version {newer} is not kept (kept: {listed})")
    before = [v for v in kept if v < newer]
    older = older if older is not None else (before[-1] if before else None)
    if older is None:
        raise NoSuchVersion(f"{key}: no version before {newer} is kept (kept: {listed}): nothing to compare")
    if older not in kept:
        raise NoSuchVersion(f"{key}: version {older} is not kept (kept: {listed})")
    if older >= newer:
        raise NoSuchVersion(f"{key}: --from {older} must be an earlier version than --to {newer}")
    found = [history.read(root, key, v) for v in (older, newer)]
    if found[0] is None or found[1] is None:
        raise NoSuchVersion(f"{key}: version {older if found[0] is None else newer} cannot be read")
    return found[0], found[1]


def _redline(brief: Brief, target: Target, root: Path, today: dt.date, newer: history.Kept) -> Redline:
    """The redline as the audience may see it now, dated by the newer version's date where the manifest has it."""
    from briefgen.analysis.assemble import assemble
    from briefgen.builder.redline import Redline

    memo = memo_of(brief, target)
    ctx = assemble(brief, memo, target.audience_id, today)
    entry = read_manifest(root).entries.get(target.key)
    dated = entry is not None and entry.date is not None and entry.version == newer.version
    date = memo.date or (PartialDate.parse(entry.date) if dated and entry and entry.date else None)
    return Redline(brief, target, memo, ctx, date)


def _masked(red: Redline, newer: history.Kept) -> str:
    """The newer version as its audience may see it now: blocks resting on material withheld since, withheld."""
    from briefgen.formats.critic import masked

    hidden = red.withheld(newer.provenance)
    return masked(newer.markdown, hidden.covers) if hidden else newer.markdown


def _write(
    root: Path, red: Redline, target: Target, older: history.Kept, newer: history.Kept, text: str, fmt: DiffFormat
) -> DiffResult:
    from briefgen.formats.critic import redline
    from briefgen.formats.markdown import RenderedMarkdown

    kind = f"v{older.version}-v{newer.version}.redline.{fmt}"
    rel = target.path(kind)
    basis = red.basis(older)
    if fmt == "md":
        data = red.markdown(older, text, basis).encode("utf-8")
    else:
        from briefgen.builder.redline import old_marking

        marking = old_marking(newer.markdown, red.ctx.max_marking)
        data = red.docx(older, RenderedMarkdown(text, (), marking, ()), basis=basis)
    with build_lock(root):
        write_inside(root, rel, data)
        _record(root, target, kind, data)
    changes = redline(older.markdown, text, *basis).changes
    return DiffResult(older.version, newer.version, None, str(rel), changes)


def _record(root: Path, target: Target, kind: str, data: bytes) -> None:
    """Name the file in its output's manifest entry, as a build names its redlines: the next build that makes a new
    version of the output (or drops it) removes the file unless it was edited by hand, so outputs/ never keeps a
    comparison its audience may no longer see."""
    manifest = read_manifest(root)
    entry = manifest.entries.get(target.key)
    if entry is None:
        return
    recorded = dataclasses.replace(entry, digests={**entry.digests, kind: digest(data)})
    entries = {**manifest.entries, target.key: recorded}
    write_inside(root, MANIFEST_PATH, manifest_bytes(dataclasses.replace(manifest, entries=entries)))
