"""Checks of the sourcing fields that need the whole brief: records named in ``confirmed_by`` exist and come from
another source, and the source-texts folder stays inside the project unless the brief explicitly allows otherwise."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path

from briefgen.errors import Problem, shown
from briefgen.inputs.files import resolve
from briefgen.inputs.load import Document, field_path
from briefgen.inputs.model import BriefSpec, EvidenceFile


def corroboration_problems(
    evidence: list[tuple[Document, EvidenceFile]], record_source: Mapping[str, str]
) -> Iterator[Problem]:
    """Every ``confirmed_by`` id names a record of another source: a record cannot corroborate itself, and one
    article saying a thing twice is not confirmation."""
    for doc, ev in evidence:
        for i, record in enumerate(ev.records):
            for j, other in enumerate(record.confirmed_by):
                loc = ("records", i, "confirmed_by", j)
                message = _corroboration_message(ev.source.id, other, record_source)
                if message:
                    yield Problem(doc.path, doc.line_of(loc), field_path(loc), message)


def _corroboration_message(source_id: str, other: str, record_source: Mapping[str, str]) -> str | None:
    if other not in record_source:
        close = difflib.get_close_matches(other, list(record_source), n=1)
        return f"unknown evidence id {other!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    if record_source[other] == source_id:
        return f"{other} is from the same source ({source_id}): corroboration must come from another source"
    return None


def source_texts_problems(root: Path, doc: Document, spec: BriefSpec) -> Iterator[Problem]:
    """The source-texts folder is inside the project, or ``outside_project: true`` says it may be elsewhere."""
    settings = spec.source_texts
    loc = ("source_texts", "folder")
    if settings.outside_project:
        return
    try:
        inside = resolve(root / settings.folder).is_relative_to(resolve(root))
    except OSError as exc:
        yield Problem(
            doc.path, doc.line_of(loc), field_path(loc), f"cannot resolve {shown(settings.folder)}: {exc.strerror}"
        )
        return
    if not inside:
        yield Problem(
            doc.path,
            doc.line_of(loc),
            field_path(loc),
            f"{shown(settings.folder)} is outside the project: set source_texts.outside_project: true to read "
            "source texts from there (read only)",
        )


def source_folder(root: Path, spec: BriefSpec) -> Path:
    """The folder ``source.file`` paths are relative to (checked by validate to be inside the project, unless the
    brief allows a folder outside it)."""
    return root / spec.source_texts.folder


def source_path(folder: Path, file: str) -> Path:
    """The source text ``file`` inside ``folder``, resolved; OSError if it does not exist, ValueError if a link leads
    out of the folder. ``file`` is a relative path without '..' (the schema refuses anything else)."""
    base = resolve(folder)
    target = resolve(base / file)
    if not target.is_relative_to(base):
        raise ValueError(f"{shown(file)} leads outside the source-texts folder: refused")
    return target
