"""``briefgen style export``: briefgen's full reference document, for a designer to restyle in Word and point
``style.reference`` at."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from briefgen.builder.safe_paths import Project, WriteError, cause, describe
from briefgen.errors import BriefgenError


class ExportRefused(BriefgenError):
    """The file to export to exists (and --force was not given), or cannot be written."""


def export_style(target: str | Path, force: bool = False) -> Path:
    """Write the house reference document with a sample of every style in its body to ``target``; an existing
    file is replaced only with ``force``, and only a regular file: a link (even to nothing), a named pipe or a
    device at ``target`` is refused, never written through (a hard-linked file gets a new inode)."""
    from briefgen.formats.docx.house import build_reference_docx

    path = Path(target)
    data = build_reference_docx(samples=True)
    try:
        if not force:
            with path.open("xb") as handle:  # O_EXCL: a link there, even a dangling one, is "already exists"
                handle.write(data)
            return path
        info = _lstat(path)
        if info is not None and not stat.S_ISREG(info.st_mode):
            why = f" (to {os.readlink(path)}): briefgen writes through no link" if stat.S_ISLNK(info.st_mode) else ""
            raise ExportRefused(f"{path}: is {describe(info)}{why}; remove it to export there")
        with Project(path.parent) as folder:  # OSError if the folder is missing
            folder.write(PurePosixPath(path.name), data)  # a new file renamed over the old one
    except FileExistsError:
        raise ExportRefused(f"{path}: already exists (use --force to replace it)") from None
    except WriteError as exc:
        raise ExportRefused(str(exc).replace(path.name, str(path), 1)) from None
    except OSError as exc:
        raise ExportRefused(f"{path}: cannot write: {cause(exc)}") from None
    return path


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
