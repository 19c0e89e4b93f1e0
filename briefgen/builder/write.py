"""Stage 5, write: atomic file replacement. A reader (or a crash) sees the old bytes or the new, never a torn file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from briefgen.inputs.files import NotRegularFile, digest, read_regular

TEMP_PREFIX = ".briefgen-tmp-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file in the same folder, fsync it, ``os.replace`` it over ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f"{TEMP_PREFIX}{os.getpid()}-{path.name}"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless ``path`` already holds exactly these bytes; True if written."""
    try:
        if path.stat().st_size == len(data) and read_regular(path) == data:
            return False
    except (FileNotFoundError, NotRegularFile):  # a named pipe or folder in the way: replace it
        pass
    atomic_write(path, data)
    return True


def remove_stray_temps(folder: Path) -> int:
    """Delete temp files left by a build that was killed mid-write; return how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for temp in folder.rglob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
            removed += 1
    return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(outputs: Path, orphans: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """Remove the outputs of targets no longer in the brief (``key → {format: digest written}``), but only files
    still holding the bytes briefgen wrote: a file edited by hand is kept and reported. Empty memo folders go too."""
    removed: list[str] = []
    kept: list[str] = []
    for key, digests in sorted(orphans.items()):
        for fmt, written in sorted(digests.items()):
            path = outputs / f"{key}.{fmt}"
            try:
                data = read_regular(path)
            except OSError:  # gone, or not a file briefgen wrote (a folder, a named pipe): left alone
                continue
            if digest(data) == written:
                path.unlink()
                removed.append(f"{outputs.name}/{key}.{fmt}")
            else:
                kept.append(f"{outputs.name}/{key}.{fmt}")
        with contextlib.suppress(OSError):
            (outputs / key).parent.rmdir()  # only if empty
    return removed, kept
