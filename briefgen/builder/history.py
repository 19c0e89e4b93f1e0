"""What each reader saw: the rendered Markdown of every version of an output, kept under
``.briefgen/history/<memo>/<audience>/v<N>.md`` with what it rested on (``v<N>.json``, a
:class:`~briefgen.analysis.withheld.Provenance`), the last few versions (``history.keep`` in briefgen.yaml, default
5, the current one among them).

A build writes the current version's files as bookkeeping (staged with everything else, renamed into place before the
manifest: :mod:`briefgen.builder.write`), and removes versions beyond the ones kept once the manifest is written. A
kept version is read only if its Markdown is exactly what the manifest recorded of that version; anything else (a
file edited by hand, a version from before the output left the brief) is not taken for it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from briefgen.analysis.withheld import Provenance
from briefgen.builder.safe_paths import Project, WriteError, read_inside
from briefgen.inputs.files import digest

HISTORY = PurePosixPath(".briefgen", "history")
MAX_KEPT_BYTES = 16 * 1024 * 1024
_VERSION = re.compile(r"v([1-9][0-9]{0,8})\.(md|json)")


def folder(key: str) -> PurePosixPath:
    """Where the versions of output ``memo/audience`` are kept."""
    memo, audience = key.split("/")
    return HISTORY / memo / audience


def markdown_path(key: str, version: int) -> PurePosixPath:
    return folder(key) / f"v{version}.md"


def provenance_path(key: str, version: int) -> PurePosixPath:
    return folder(key) / f"v{version}.json"


@dataclass(frozen=True)
class Kept:
    """One kept version of an output."""

    version: int
    markdown: str
    provenance: Provenance | None  # None if its record is missing or damaged: what it deleted is then withheld


def files(key: str, version: int, markdown: str, provenance: Provenance) -> tuple[tuple[PurePosixPath, bytes], ...]:
    """The files that keep this version."""
    record = json.dumps(provenance.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        (markdown_path(key, version), markdown.encode("utf-8")),
        (provenance_path(key, version), record.encode("utf-8") + b"\n"),
    )


def read(root: Path, key: str, version: int, expected: str | None = None) -> Kept | None:
    """Version ``version`` of output ``key`` as kept; None if it is not kept, or (given ``expected``, the digest the
    manifest recorded of its content) it is not what was recorded."""
    try:
        data = read_inside(root, markdown_path(key, version), MAX_KEPT_BYTES)
    except OSError:
        return None
    if expected is not None and digest(data) != expected:
        return None
    try:
        markdown = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Kept(version, markdown, _provenance(root, key, version))


def _provenance(root: Path, key: str, version: int) -> Provenance | None:
    try:
        return Provenance.from_json(json.loads(read_inside(root, provenance_path(key, version), MAX_KEPT_BYTES)))
    except (OSError, ValueError, KeyError, RecursionError):  # RecursionError: nested too deeply for json
        return None


def _names(root: Path, key: str) -> list[str]:
    """The files kept for output ``key`` (none if its folder cannot be read)."""
    try:
        with Project(root) as project:
            return list(project.names(folder(key)))
    except (OSError, WriteError):
        return []


def versions(root: Path, key: str) -> list[int]:
    """The versions of output ``key`` whose Markdown is kept, oldest first."""
    names = _names(root, key)
    found = {int(m.group(1)) for name in names if (m := _VERSION.fullmatch(name)) and m.group(2) == "md"}
    return sorted(found)


def beyond(root: Path, key: str, current: int, keep: int) -> list[PurePosixPath]:
    """The kept files of output ``key`` to remove once ``current`` is its version: versions older than the last
    ``keep``, and any numbered above it (left from before the output left the brief and came back)."""
    names = _names(root, key)
    out = []
    for name in sorted(names):
        match = _VERSION.fullmatch(name)
        if match and not current - keep < int(match.group(1)) <= current:
            out.append(folder(key) / name)
    return out
