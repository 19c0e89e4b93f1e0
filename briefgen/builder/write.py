"""Stage 5, write: everything a build writes, all or nothing, through no link (:mod:`briefgen.builder.safe_paths`).

First every problem is found without replacing anything: a link, a file or a folder in the way, an output edited by
hand since the last build (refused unless ``--force``, which first saves the edited copy under ``.briefgen/edited/``),
no permission, a full disk — every new file is written to a temp file beside its target and fsynced. Only then are
the temp files renamed into place: the saved copies, the outputs, then the removal of outputs that left the brief,
then the parse cache and, last, the manifest. A reader (or a crash) sees each file old or new, never torn."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from briefgen.builder.cache import LEGACY_CACHE
from briefgen.builder.manifest import LEGACY_MANIFEST
from briefgen.builder.outputs import OUTPUTS_DIR, output_path
from briefgen.builder.safe_paths import Project, Staged, WriteError, cause
from briefgen.errors import InputError, Problem
from briefgen.inputs.files import digest

BOOKKEEPING = PurePosixPath(".briefgen")
EDITED = BOOKKEEPING / "edited"
PENDING = BOOKKEEPING / "pending.json"  # the outputs a build is renaming into place, until its manifest is written
OUTPUTS = PurePosixPath(OUTPUTS_DIR)
ANY = "*"  # the digest of an output to prune whatever it holds: a chart file whose record was lost
# Bookkeeping earlier versions kept inside outputs/ (which is handed to readers): removed by every build.
LEGACY = (LEGACY_MANIFEST, LEGACY_CACHE, ".lock")


class EditedByHand(InputError):
    """Outputs whose bytes differ from what the last build wrote: not overwritten without ``--force``."""


@dataclass(frozen=True)
class Writes:
    """What a build would write, as a value."""

    outputs: dict[PurePosixPath, bytes]  # every rendered output file (written only where the bytes differ)
    recorded: dict[PurePosixPath, str]  # digest of what the last build wrote at an output path, where it recorded one
    bookkeeping: tuple[tuple[PurePosixPath, bytes], ...]  # renamed into place last, in this order
    orphans: dict[str, dict[str, str]] = field(default_factory=dict)  # outputs that left the brief: key → fmt → digest
    force: bool = False  # overwrite outputs edited by hand, after saving them
    discard: tuple[PurePosixPath, ...] = ()  # bookkeeping no longer kept (old versions): removed after the manifest


@dataclass(frozen=True)
class Written:
    written: tuple[str, ...]
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # outputs that left the brief but were edited by hand: left in place
    saved: tuple[tuple[str, str], ...] = ()  # (output edited by hand, where its copy was saved) under --force


def write_build(root: Path, writes: Writes, now: dt.datetime | None = None) -> Written:
    """Write ``writes`` all or nothing; WriteError or EditedByHand (with nothing changed) if it cannot be."""
    try:
        project = Project(root)
    except OSError as exc:
        raise WriteError(f"{root}: cannot open the project folder: {cause(exc)}") from None
    with project:
        try:
            groups, changed, edited, copies = _prepare(project, writes, now or _now())
        except WriteError as err:
            raise WriteError(f"{err}; no output was changed") from None
        intent, saved_copies, outputs, bookkeeping = groups
        _commit(project, intent)  # first: what follows is briefgen's own writing, should the build be killed
        _commit(project, saved_copies)  # next: an edited output is replaced only once its copy is saved
        _commit(project, outputs)
        removed, kept = prune(project, writes.orphans)
        _commit(project, bookkeeping)  # the cache, the kept versions, and last the manifest
        for rel in writes.discard:
            with contextlib.suppress(OSError, WriteError):
                project.remove(rel)
        if intent:
            with contextlib.suppress(OSError):
                project.remove(PENDING)
    saved = tuple((str(rel), str(copies[rel])) for rel in edited)
    return Written(tuple(str(rel) for rel in changed), tuple(removed), tuple(kept), saved)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Groups = tuple[list[Staged], list[Staged], list[Staged], list[Staged]]


def _prepare(
    project: Project, writes: Writes, now: dt.datetime
) -> tuple[Groups, dict[PurePosixPath, bytes], dict[PurePosixPath, bytes], dict[PurePosixPath, PurePosixPath]]:
    """Find every problem and stage every file, replacing nothing. Returns the staged files in the order they are
    renamed into place (the intent record, the saved copies, the outputs, the bookkeeping), the outputs that change,
    those edited by hand, and the names of their copies."""
    tidy(project)
    changed, edited = _changes(project, writes, _pending(project))
    if edited and not writes.force:
        raise EditedByHand(Problem(str(rel), 0, "", _EDITED_MESSAGE) for rel in edited)
    copies = {rel: _copy_name(project, rel, now) for rel in edited}
    intent = json.dumps({str(rel): digest(data) for rel, data in changed.items()}, sort_keys=True).encode("utf-8")
    groups = (
        [(PENDING, intent)] if changed else [],
        [(copies[rel], data) for rel, data in edited.items()],
        list(changed.items()),
        [(rel, data) for rel, data in writes.bookkeeping if _differs(project, rel, data)],
    )
    staged = iter(_stage_all(project, [item for group in groups for item in group]))
    first, second, third, fourth = ([next(staged) for _ in group] for group in groups)
    return (first, second, third, fourth), changed, edited, copies


def _commit(project: Project, staged: list[Staged]) -> None:
    for item in staged:
        project.commit(item)
    project.sync()


def _pending(project: Project) -> dict[str, str]:
    """What a build killed while renaming its files into place was installing (output → digest): such an output
    was written by briefgen, not edited by hand, though the manifest does not say so yet."""
    try:
        data = json.loads(project.read(PENDING, 1 << 20).decode("utf-8"))
    except (OSError, ValueError, WriteError, RecursionError):  # RecursionError: nested too deeply for json
        return {}
    return (
        {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}
    )


_EDITED_MESSAGE = (
    "edited by hand since the last build (its bytes differ from what briefgen wrote): not overwritten, nothing "
    "written; move your copy away, or build --force to save it under .briefgen/edited/ and rebuild"
)


def tidy(project: Project) -> None:
    """Remove what killed builds and earlier versions left: temp files under outputs/ and .briefgen/, and the
    bookkeeping earlier versions kept inside outputs/ (links there are removed, never followed)."""
    project.sweep(OUTPUTS)
    project.sweep(BOOKKEEPING)
    for name in LEGACY:
        with contextlib.suppress(OSError, WriteError):
            info = project.lstat(OUTPUTS / name)
            if info is not None and not stat.S_ISDIR(info.st_mode):
                project.remove(OUTPUTS / name)


def _changes(
    project: Project, writes: Writes, pending: dict[str, str]
) -> tuple[dict[PurePosixPath, bytes], dict[PurePosixPath, bytes]]:
    """The outputs whose bytes differ from what stands, and those of them edited by hand since the last build (with
    the edited bytes). A link, a folder, or a file in the way of a folder is a WriteError: nothing is written yet."""
    changed: dict[PurePosixPath, bytes] = {}
    edited: dict[PurePosixPath, bytes] = {}
    for rel, data in writes.outputs.items():
        current = _current(project, rel)
        if current == data:
            continue
        changed[rel] = data
        recorded = writes.recorded.get(rel)
        if current is not None and recorded is not None and digest(current) not in (recorded, pending.get(str(rel))):
            edited[rel] = current
    return changed, edited


def _current(project: Project, rel: PurePosixPath) -> bytes | None:
    """The bytes of the output at ``rel``; None if there is none, or something briefgen may replace (a named pipe)."""
    info = project.lstat(rel)
    if info is None:
        return None
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(rel.name, dir_fd=project.folder(rel.parent))
        raise WriteError(f"{rel}: is a symbolic link (to {target}): briefgen writes through no link; remove it")
    if stat.S_ISDIR(info.st_mode):
        raise WriteError(f"{rel}: is a folder where briefgen writes a file")
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        return project.read(rel)
    except OSError as exc:
        raise WriteError(f"{rel}: cannot read: {cause(exc)}") from None


def _differs(project: Project, rel: PurePosixPath, data: bytes) -> bool:
    try:
        return project.read(rel) != data
    except (OSError, WriteError):
        return True


def _copy_name(project: Project, rel: PurePosixPath, now: dt.datetime) -> PurePosixPath:
    """``.briefgen/edited/<memo>/<audience>.<UTC time>.<format>``, unique."""
    memo = rel.parent.name
    stem = f"{rel.stem}.{now.astimezone(dt.UTC).strftime('%Y-%m-%dT%H%M%SZ')}"
    for n in range(1, 1000):
        name = EDITED / memo / f"{stem}{'' if n == 1 else f'-{n}'}{rel.suffix}"
        with contextlib.suppress(FileNotFoundError):
            if project.lstat(name) is None:
                return name
    raise WriteError(f"{EDITED / memo}: no free name for a saved copy")


def _stage_all(project: Project, files: Iterable[tuple[PurePosixPath, bytes]]) -> list[Staged]:
    """Stage every file, or none: on the first failure the temp files and the folders made for them are removed."""
    staged: list[Staged] = []
    try:
        project.stage_many(files, staged)
    except (WriteError, OSError) as err:
        for item in staged:
            project.discard(item)
        project.unmake()
        if isinstance(err, WriteError):
            raise
        raise WriteError(f"{getattr(err, 'filename', '') or 'the project'}: {cause(err)}") from None
    return staged


def prune(project: Project, orphans: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """Remove the outputs of targets no longer in the brief, and charts their memos no longer show (``key → {file:
    digest written}``), but only files still holding the bytes briefgen wrote (any bytes for :data:`ANY`): a file
    edited by hand is kept and reported. Empty memo folders go too."""
    removed: list[str] = []
    kept: list[str] = []
    for key, digests in sorted(orphans.items()):
        for name, written in sorted(digests.items()):
            rel = output_path(key, name)
            try:
                data = project.read(rel)
            except OSError:  # gone, or not a file briefgen wrote (a link, a folder, a named pipe): left alone
                continue
            if written != ANY and digest(data) != written:
                kept.append(str(rel))
                continue
            with contextlib.suppress(OSError):
                project.remove(rel)
                removed.append(str(rel))
        with contextlib.suppress(OSError, WriteError):
            project.remove_folder((OUTPUTS / key).parent)  # only if empty
    return removed, kept
