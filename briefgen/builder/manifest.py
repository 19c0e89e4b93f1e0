"""The build manifest (``.briefgen/manifest.json``): for each output, fingerprints of exactly the inputs it depends on,
the snapshot a change note is computed from, and its version and date; plus digests of every input file so that a
build with nothing to do can say so without parsing anything."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from briefgen.builder.safe_paths import TEMP_PREFIX, describe, read_inside
from briefgen.inputs.files import digest, read_regular, resolve
from briefgen.inputs.load import MAX_FILE_BYTES
from briefgen.inputs.scales import ID_PATTERN, OUTPUT_FORMATS, PartialDate

# Bookkeeping lives in .briefgen/, not outputs/ (which is handed to readers): the manifest holds each output's
# change lines, which quote claims at that output's marking, for every audience in one file.
MANIFEST_PATH = PurePosixPath(".briefgen", "manifest.json")
LEGACY_MANIFEST = "manifest.json"  # where earlier builds kept it, inside outputs/: removed by every build
SCHEMA = 2  # 2: snapshots hold record fingerprints only (no claim text)


def fingerprint(value: Any) -> str:
    """A short stable hash of JSON-able data."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return digest(text.encode("utf-8"))


def file_digest(path: Path) -> str:
    return digest(read_regular(path))


@dataclass(frozen=True)
class Snapshot:
    """What a change note compares: records shown (fingerprints only: the manifest holds no evidence text), risk
    levels and ranks, as the audience saw them."""

    records: dict[str, str] = field(default_factory=dict)
    risks: dict[str, tuple[str, str]] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    sensitivity: dict[str, int] = field(default_factory=dict)  # the figures shown, in whole per cent (changes.py)
    text: dict[str, str] = field(default_factory=dict)  # the memo's own text shown: section -> fingerprint


@dataclass(frozen=True)
class Entry:
    """One (memo, audience) target: its content dependencies, Word-only dependencies, and its history."""

    deps: dict[str, str]
    docx_deps: dict[str, str]
    digests: dict[str, str]
    version: int
    date: str | None
    changes: tuple[str, ...]
    snapshot: Snapshot

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON data: what :func:`dataclasses.asdict` gives, without its deep copies (every field of
        the entry and of its snapshot, whatever fields they gain)."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["snapshot"] = {f.name: getattr(self.snapshot, f.name) for f in fields(self.snapshot)}
        return data

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """An entry as :meth:`Manifest.to_json` wrote it; ValueError for anything else."""
        entry = _of(dict, data)
        snap = _of(dict, entry.get("snapshot", {}))
        risks = _of(dict, snap.get("risks", {}))
        ranks = _of(dict, snap.get("ranks", {}))
        snapshot = Snapshot(
            records=_texts(snap.get("records", {})),
            risks={_of(str, k): _pair(v) for k, v in risks.items()},
            ranks={_of(str, k): _of(int, v) for k, v in ranks.items()},
            options=_texts(snap.get("options", {})),
            sensitivity={_of(str, k): _of(int, v) for k, v in _of(dict, snap.get("sensitivity", {})).items()},
            text=_texts(snap.get("text", {})),  # absent in manifests of earlier versions: nothing to compare
        )
        date = entry.get("date")
        if date is not None:
            PartialDate.parse(_of(str, date))  # a date the next revision is dated by: it must read back
        version = _of(int, entry["version"])
        if version < 1:
            raise ValueError(f"version {version}")
        return cls(
            deps=_texts(entry["deps"]),
            docx_deps=_texts(entry.get("docx_deps", {})),
            digests=_texts(entry.get("digests", {})),
            version=version,
            date=date,
            changes=tuple(_of(str, line) for line in _of(list, entry.get("changes", []))),
            snapshot=snapshot,
        )


@dataclass(frozen=True)
class Manifest:
    version: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    all_targets: tuple[str, ...] = ()
    fresh_until: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    # The formats each output's audience lists, as of the last complete build (with ``inputs``): what a build with
    # nothing to do checks on disk, without parsing the brief.
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "schema": SCHEMA,
            "briefgen": self.version,
            "inputs": self.inputs,
            "all_targets": list(self.all_targets),
            "fresh_until": self.fresh_until,
            "entries": {key: entry.to_json() for key, entry in sorted(self.entries.items())},
            "formats": {key: list(names) for key, names in sorted(self.formats.items())},
        }
        # Compact: json's C encoder writes it (an indented manifest goes through the pure-Python one, 9x slower).
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def read_manifest(root: Path) -> Manifest:
    """The last build's manifest; an empty one if there is none, or if it is not exactly what a build writes
    (truncated, hand-edited, damaged): everything is then rebuilt. Every field is checked here, so that the build
    never meets a date it cannot parse or a target key without a '/'."""
    try:
        data = _of(dict, json.loads(read_inside(root, MANIFEST_PATH).decode("utf-8")))
        if data.get("schema") != SCHEMA:
            return Manifest()
        fresh_until = data.get("fresh_until")
        if fresh_until is not None:
            dt.date.fromisoformat(_of(str, fresh_until))
        return Manifest(
            version=_of(str, data["briefgen"]),
            inputs=_texts(data["inputs"]),
            all_targets=tuple(_target(key) for key in _of(list, data["all_targets"])),
            fresh_until=fresh_until,
            entries={_target(key): Entry.from_json(value) for key, value in _of(dict, data["entries"]).items()},
            formats={_target(k): _formats(v) for k, v in _of(dict, data.get("formats", {})).items()},
        )
    except (OSError, ValueError, KeyError, RecursionError):  # RecursionError: nested too deeply for json
        return Manifest()


T = TypeVar("T")
_TARGET = re.compile(f"{ID_PATTERN[1:-1]}/{ID_PATTERN[1:-1]}")


def _of(kind: type[T], value: object) -> T:
    """``value`` if it is a ``kind`` (true/false is no number here), else ValueError."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _texts(value: object) -> dict[str, str]:
    return {_of(str, k): _of(str, v) for k, v in _of(dict, value).items()}


def _pair(value: object) -> tuple[str, str]:
    first, second = _of(list, value)  # ValueError unless exactly two
    return _of(str, first), _of(str, second)


def _formats(value: object) -> tuple[str, ...]:
    """A list of output formats (the no-op build reads files by them: only known names)."""
    names = tuple(_of(str, name) for name in _of(list, value))
    if not names or any(name not in OUTPUT_FORMATS for name in names):
        raise ValueError("not a list of formats")
    return names


def _target(value: object) -> str:
    """A target key, ``memo-id/audience-id``: it is joined into paths under outputs/."""
    if not _TARGET.fullmatch(_of(str, value)):
        raise ValueError("not a target key")
    return str(value)


def manifest_bytes(manifest: Manifest) -> bytes:
    return manifest.to_json().encode("utf-8")


# ---------------------------------------------------------------- the inputs as they stand

ODD = "!"  # starts the fingerprint of an input no build could use as it is: see input_digests
_MAX_FOLDER_DEPTH = 32


def input_digests(root: Path, folders: Iterable[str], files: Iterable[str]) -> dict[str, str]:
    """A fingerprint of every input as it stands: the named files and everything under the named folders. A regular
    file (or a link to one inside the project) gets the digest of its bytes; a file over the input size limit its
    size and time (it is refused unread where it is used); anything else — a link out of the project, a loop of
    links, a dangling link, a named pipe, a folder linked in — a fingerprint starting with :data:`ODD`, so that the
    no-op shortcut leaves it to a full build to decide what it means."""
    real_root = root.resolve()
    found: dict[str, str] = {}
    for name in files:
        mark = _fingerprint(root / name, real_root)
        if mark is not None:
            found[name] = mark
    for folder in folders:
        _walk_top(root / folder, folder, real_root, found)
    return found


def _walk_top(path: Path, rel: str, real_root: Path, found: dict[str, str]) -> None:
    """An input folder: it may itself be a link to a folder inside the project (loading allows that)."""
    if path.is_symlink():
        try:
            inside = resolve(path).is_relative_to(real_root)
        except OSError:
            found[rel] = f"{ODD}loop"
            return
        if not inside:
            found[rel] = f"{ODD}outside"
            return
    if path.is_dir():
        _walk(path, rel, real_root, found, _MAX_FOLDER_DEPTH)
    elif path.exists() or path.is_symlink():
        found[rel] = f"{ODD}not a folder"


def _walk(folder: Path, rel: str, real_root: Path, found: dict[str, str], depth: int) -> None:
    try:
        with os.scandir(folder) as scan:
            entries = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in scan]
    except OSError as exc:
        found[rel] = f"{ODD}unreadable:{exc.errno}"
        return
    for name, is_folder in entries:
        if name.startswith(TEMP_PREFIX):
            continue
        if is_folder and depth > 1:
            _walk(folder / name, f"{rel}/{name}", real_root, found, depth - 1)
        else:
            found[f"{rel}/{name}"] = f"{ODD}too deep" if is_folder else _fingerprint(folder / name, real_root) or ""


def _fingerprint(path: Path, real_root: Path) -> str | None:
    """The fingerprint of one input file (None if there is none)."""
    try:
        info = os.stat(path, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            if not resolve(path).is_relative_to(real_root):
                return f"{ODD}outside"
            info = os.stat(path)
    except FileNotFoundError:
        return f"{ODD}dangling" if path.is_symlink() else None
    except OSError as exc:
        return f"{ODD}loop" if exc.errno == errno.ELOOP else f"{ODD}unreadable:{exc.errno}"
    if not stat.S_ISREG(info.st_mode):
        return f"{ODD}{describe(info)}"
    if info.st_size > MAX_FILE_BYTES:
        return f"large:{info.st_size}:{info.st_mtime_ns}"
    try:
        return digest(read_regular(path, MAX_FILE_BYTES))
    except OSError as exc:
        return f"{ODD}unreadable:{exc.errno}"
