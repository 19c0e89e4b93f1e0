"""What a build must do, and why, as a value: a function of the brief, the manifest and the files on disk.

``--dry-run`` prints the plan; a real build renders exactly the outputs it names — so the two can never disagree.
Before anything is parsed, :func:`nothing_to_do` decides from file digests alone whether the last complete build
already stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from briefgen.builder.manifest import ODD, Entry, Manifest, input_digests
from briefgen.builder.outputs import Format, Target, format_of, formats_for, is_file, output_path
from briefgen.builder.safe_paths import read_inside
from briefgen.inputs.files import digest

if TYPE_CHECKING:
    from briefgen.inputs.validate import Brief

INPUT_FOLDERS = ("evidence", "options", "templates")


@dataclass(frozen=True)
class Step:
    """One output the build renders: why, whether its content may have changed (else only its files are
    rewritten), and what the last build recorded of it."""

    target: Target
    reasons: tuple[str, ...]
    content_may_change: bool
    entry: Entry | None
    formats: tuple[Format, ...]  # what the build writes for it
    redline: bool = False  # a new version also gets its redline against the last (--redline, or the audience's)


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]  # every selected output, in the brief's order
    steps: tuple[Step, ...]  # those to render, in the same order
    formats: dict[Target, tuple[Format, ...]]  # what the build writes for each selected output

    def paths(self, step: Step) -> list[PurePosixPath]:
        return [step.target.path(fmt) for fmt in step.formats]

    def unchanged(self) -> list[str]:
        """Outputs that stand as the last build left them."""
        planned = {step.target for step in self.steps}
        return [str(t.path(fmt)) for t in self.targets if t not in planned for fmt in self.formats[t]]


def plan(
    brief: Brief,
    manifest: Manifest,
    chosen: list[Target],
    fmt: Format | None,
    force: bool,
    today: dt.date,
    redline: bool = False,
) -> Plan:
    """What to render: ``fmt`` for every output (``--format``), or each audience's own formats."""
    from briefgen.builder.deps import docx_deps

    steps = []
    known: dict[str, str] = {}  # fingerprints taken so far, shared by every output's comparison
    formats = {target: formats_for(brief, target, fmt) for target in chosen}
    styled = any(set(f) & STYLED for f in formats.values())
    word = docx_deps(brief) if styled else {}  # the reference document and style, fingerprinted once per plan
    for target in chosen:
        entry = manifest.entries.get(target.key)
        reasons, content = _reasons(brief, target, entry, formats[target], force, today, known, word)
        if reasons:
            wanted = redline or brief.spec.audiences[target.audience_id].redline
            steps.append(Step(target, reasons, content, entry, formats[target], wanted))
    return Plan(tuple(chosen), tuple(steps), formats)


def _reasons(
    brief: Brief,
    target: Target,
    entry: Entry | None,
    formats: tuple[Format, ...],
    force: bool,
    today: dt.date,
    known: dict[str, str],
    word: dict[str, str],
) -> tuple[tuple[str, ...], bool]:
    """Why this output needs work (empty: it does not), and whether its content may have changed; ``word`` is the
    reference document's and style's fingerprints as they stand."""
    from briefgen.builder.deps import changed_keys, current

    if entry is None:
        return ("new output",), True
    if force:
        return ("--force",), True
    content = changed_keys(entry.deps, current(brief, entry.deps, today, known))
    reasons = [_reason(key) for key in content]
    if set(formats) & STYLED and changed_keys(entry.docx_deps, word):
        reasons.append("reference document or style changed")
    for name in files_of(entry, formats):
        if name not in entry.digests or on_disk(brief.root, target.key, name) != entry.digests[name]:
            reasons.append(f"{target.path(name).name} missing or edited")
    return tuple(reasons), bool(content)


STYLED = frozenset({"docx", "pdf", "html"})  # formats that depend on the reference document or the heat colours


def files_of(entry: Entry, formats: Sequence[str]) -> list[str]:
    """The files of an output in ``formats``: one per format, and the charts the Markdown had last time."""
    charts = [name for name in entry.digests if is_file(name) and name not in formats and format_of(name) in formats]
    return [*formats, *charts]


def _reason(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"marking of record {ident} changed" if kind == "marking" else f"{kind} {ident} changed".replace("  ", " ")


def on_disk(root: Path, key: str, name: str) -> str | None:
    """Digest of an output file (a format, or a chart beside the Markdown) as it stands, or None if it cannot be
    read through no link."""
    try:
        return digest(read_inside(root, output_path(key, name)))
    except OSError:
        return None


# ---------------------------------------------------------------- the shortcut taken before parsing


def current_inputs(root: Path, manifest: Manifest) -> dict[str, str]:
    """Digests of every input as it stands, including files outside the input folders the last build read (a
    reference document kept elsewhere in the project). A build takes them before it reads anything and records
    them: an input edited while it runs then differs from the record, and the next build sees the edit."""
    return input_digests(root, INPUT_FOLDERS, ["briefgen.yaml", *_loose_inputs(manifest)])


def nothing_to_do(
    root: Path,
    manifest: Manifest,
    inputs: dict[str, str],
    version: str,
    memo: str | None,
    audience: str | None,
    fmt: Format | None,
    today: dt.date,
) -> bool:
    """Nothing to do, decided without parsing: the same ``inputs`` (as :func:`current_inputs` found them) and version
    as the last complete build, none of them one a build could not use as it stands (a link out of the project, a
    loop, a named pipe: a full build decides, as ``check`` does), nothing turned stale since, and every selected
    output still holds the bytes that build wrote."""
    if not manifest.inputs or manifest.version != version or manifest.inputs != inputs:
        return False
    if any(mark.startswith(ODD) for mark in inputs.values()):
        return False
    if manifest.fresh_until and today >= dt.date.fromisoformat(manifest.fresh_until):
        return False
    wanted = selected(manifest, memo, audience)
    if not wanted:
        return False
    for key in wanted:
        entry = manifest.entries.get(key)
        formats = (fmt,) if fmt is not None else manifest.formats.get(key)
        if entry is None or formats is None:
            return False
        names = files_of(entry, formats)
        if any(name not in entry.digests or on_disk(root, key, name) != entry.digests[name] for name in names):
            return False
    return True


def selected(manifest: Manifest, memo: str | None, audience: str | None) -> list[str]:
    return [k for k in manifest.all_targets if memo in (None, k.split("/")[0]) and audience in (None, k.split("/")[1])]


def _loose_inputs(manifest: Manifest) -> list[str]:
    """Files outside the input folders that the last complete build read; a manifest is data, so only plain
    relative paths inside the project count (anything else is not looked at)."""
    paths = [PurePosixPath(p) for p in manifest.inputs if p != "briefgen.yaml"]
    return [
        str(p)
        for p in paths
        if p.parts
        and p.parts[0] not in INPUT_FOLDERS
        and not p.is_absolute()
        and ".." not in p.parts
        and "\0" not in str(p)
    ]
