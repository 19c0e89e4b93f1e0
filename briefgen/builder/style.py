"""``briefgen style export``: briefgen's full reference document, for a designer to restyle in Word and point
``style.reference`` at."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError


class ExportRefused(BriefgenError):
    """The file to export to exists (and --force was not given), or cannot be written."""


def export_style(target: str | Path, force: bool = False) -> Path:
    """Write the house reference document with a sample of every style in its body to ``target``; an existing
    file is replaced only with ``force``."""
    from briefgen.formats.docx.house import build_reference_docx

    path = Path(target)
    try:
        with path.open("wb" if force else "xb") as handle:
            handle.write(build_reference_docx(samples=True))
    except FileExistsError:
        raise ExportRefused(f"{path}: already exists (use --force to replace it)") from None
    except OSError as exc:
        raise ExportRefused(f"{path}: cannot write: {exc.strerror}") from None
    return path
