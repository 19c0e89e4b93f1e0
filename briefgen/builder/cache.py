"""The parse cache (``.briefgen/cache.json``): the parsed data of every input file, keyed by the digest of its bytes,
so that a build after a change parses only the files that changed."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from briefgen.builder.safe_paths import read_inside

if TYPE_CHECKING:
    from briefgen.inputs.load import ProjectFiles
    from briefgen.inputs.validate import Brief

# The parsed inputs, kept out of outputs/ (which is shared with readers): they hold every record at every marking.
CACHE_PATH = PurePosixPath(".briefgen", "cache.json")
LEGACY_CACHE = ".cache.json"  # where earlier builds kept it, inside outputs/: removed by every build


def read_cache(root: Path) -> dict[str, tuple[str, Any]]:
    """``path → (digest, data)`` of input files parsed by an earlier build; empty if absent or unreadable."""
    try:
        raw = json.loads(read_inside(root, CACHE_PATH).decode("utf-8"))
        return {path: (entry[0], entry[1]) for path, entry in raw.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError, RecursionError):
        return {}


def cache_bytes(documents: Iterable[Any], previous: Mapping[str, tuple[str, Any]]) -> bytes | None:
    """The parsed data of every input file, kept for the next build; None when the cache already holds every file as
    it is (nothing to write). Data that JSON would alter (non-text keys) is left out, so a cached file always
    validates exactly as a parsed one would."""
    documents = list(documents)
    if len(documents) == len(previous) and all(previous.get(d.path, ("",))[0] == d.digest for d in documents):
        return None
    cache: dict[str, tuple[str, Any]] = {}
    for doc in documents:
        old = previous.get(doc.path)
        if old is not None and old[0] == doc.digest:
            cache[doc.path] = old
        elif json.loads(json.dumps(doc.data, default=str)) == doc.data:
            cache[doc.path] = (doc.digest, doc.data)
    return json.dumps(cache, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def load_brief(root: Path, cache: Mapping[str, tuple[str, Any]] | None = None) -> tuple[ProjectFiles, Brief]:
    """Load and validate the project, taking the data of every file whose bytes are unchanged from the parse cache
    (read here unless given): ``check`` and ``build`` both load this way."""
    from briefgen.inputs.load import load_project
    from briefgen.inputs.validate import validate_project

    with collector_paused():
        files = load_project(root, read_cache(root) if cache is None else cache)
        return files, validate_project(files)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a brief is loaded: loading makes hundreds of thousands of objects that
    all stay alive, and the collector, run every few hundred allocations, would walk the growing heap again and again
    (a quarter of a 50,000-record check, growing faster than the brief). Loading makes few garbage cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
