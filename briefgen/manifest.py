"""The build manifest (``outputs/manifest.json``): for each output, fingerprints of exactly the inputs it depends on,
the snapshot a change note is computed from, and its version and date; plus digests of every input file so that a
build with nothing to do can say so without parsing anything."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefgen.write import atomic_write

MANIFEST_NAME = "manifest.json"
SCHEMA = 2  # 2: snapshots hold record fingerprints only (no claim text)


def fingerprint(value: Any) -> str:
    """A short stable hash of JSON-able data."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class Snapshot:
    """What a change note compares: records shown (fingerprints only: the manifest holds no evidence text), risk
    levels and ranks, as the audience saw them."""

    records: dict[str, str] = field(default_factory=dict)
    risks: dict[str, tuple[str, str]] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)


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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        snap = data.get("snapshot", {})
        snapshot = Snapshot(
            records={k: str(v) for k, v in snap.get("records", {}).items()},
            risks={k: (v[0], v[1]) for k, v in snap.get("risks", {}).items()},
            ranks=dict(snap.get("ranks", {})),
            options=dict(snap.get("options", {})),
        )
        return cls(
            deps=dict(data["deps"]),
            docx_deps=dict(data.get("docx_deps", {})),
            digests=dict(data.get("digests", {})),
            version=int(data["version"]),
            date=data.get("date"),
            changes=tuple(data.get("changes", ())),
            snapshot=snapshot,
        )


@dataclass(frozen=True)
class Manifest:
    version: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    all_targets: tuple[str, ...] = ()
    fresh_until: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "schema": SCHEMA,
            "briefgen": self.version,
            "inputs": self.inputs,
            "all_targets": list(self.all_targets),
            "fresh_until": self.fresh_until,
            "entries": {key: asdict(entry) for key, entry in sorted(self.entries.items())},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_manifest(outputs: Path) -> Manifest:
    """The last build's manifest; an empty one if there is none or it cannot be read (everything is then rebuilt)."""
    try:
        data = json.loads((outputs / MANIFEST_NAME).read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            return Manifest()
        return Manifest(
            version=data["briefgen"],
            inputs=dict(data["inputs"]),
            all_targets=tuple(data["all_targets"]),
            fresh_until=data.get("fresh_until"),
            entries={key: Entry.from_json(value) for key, value in data["entries"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return Manifest()


def write_manifest(outputs: Path, manifest: Manifest) -> None:
    atomic_write(outputs / MANIFEST_NAME, manifest.to_json().encode("utf-8"))


def input_digests(root: Path, folders: Iterable[str], files: Iterable[str]) -> dict[str, str]:
    """Digest of every input file: the named files and everything under the named folders."""
    found: dict[str, str] = {}
    for name in files:
        path = root / name
        if path.is_file():
            found[name] = file_digest(path)
    for folder in folders:
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[path.relative_to(root).as_posix()] = file_digest(path)
    return found


# The parsed inputs, kept out of outputs/ (which is shared with readers): they hold every record at every marking.
CACHE_PATH = Path(".briefgen") / "cache.json"
LEGACY_CACHE = ".cache.json"  # where earlier builds kept it, inside outputs/: removed by every build


def read_cache(root: Path) -> dict[str, tuple[str, Any]]:
    """``path → (digest, data)`` of input files parsed by an earlier build; empty if absent or unreadable."""
    try:
        raw = json.loads((root / CACHE_PATH).read_text(encoding="utf-8"))
        return {path: (entry[0], entry[1]) for path, entry in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def write_cache(root: Path, documents: Iterable[Any], previous: Mapping[str, tuple[str, Any]]) -> None:
    """Keep the parsed data of every input file for the next build. Data that JSON would alter (non-text keys) is
    left out, so a cached file always validates exactly as a parsed one would."""
    cache: dict[str, tuple[str, Any]] = {}
    for doc in documents:
        old = previous.get(doc.path)
        if old is not None and old[0] == doc.digest:
            cache[doc.path] = old
        elif json.loads(json.dumps(doc.data, default=str)) == doc.data:
            cache[doc.path] = (doc.digest, doc.data)
    (root / CACHE_PATH.parent).mkdir(exist_ok=True)
    atomic_write(root / CACHE_PATH, json.dumps(cache, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
