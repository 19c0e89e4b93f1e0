"""Source texts as verify reads them: extracted once per file content and kept in ``.briefgen/texts/`` by digest, so
that a PDF or Word source is parsed again only when its bytes change. Bookkeeping: nothing is written anywhere else,
least of all in the source-texts folder, which may be a shared library outside the project."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from briefgen.builder.write import TEMP_PREFIX, atomic_write
from briefgen.inputs.extract import MAX_SOURCE_BYTES, VERSION, extract_text
from briefgen.inputs.files import digest, read_regular

TEXTS_DIR = Path(".briefgen") / "texts"


def source_text(root: Path, path: Path, kind: str, store: bool = True) -> tuple[str, str | None]:
    """The text of the source file at ``path`` and the cache entry it came from or went to (None for plain text,
    which is read directly); with ``store`` false the cache is read but never written (``check`` writes nothing).
    Raises OSError for an unreadable file, SourceTextError for one without readable text."""
    data = read_regular(path, MAX_SOURCE_BYTES)
    if kind == "text":
        return extract_text(data, kind), None
    name = f"{digest(data)}-{kind}-{VERSION}.txt"
    cached = root / TEXTS_DIR / name
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return read_regular(cached).decode("utf-8"), name
    text = extract_text(data, kind)
    if store:
        atomic_write(cached, text.encode("utf-8"))
    return text, name


def prune_texts(root: Path, used: Iterable[str]) -> None:
    """Remove cached texts no source uses any more (after a verify of every source)."""
    folder = root / TEXTS_DIR
    keep = set(used)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.suffix == ".txt" and entry.name not in keep and not entry.name.startswith(TEMP_PREFIX):
            with contextlib.suppress(OSError):
                entry.unlink()
