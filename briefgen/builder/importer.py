"""The ``import`` use case: a reference-manager export becomes ``source:`` blocks of evidence files, one file per
entry with ``records: []`` to fill. An entry matching an existing source (by id, DOI or URL) updates that source's
citation fields in place and touches nothing else: not its grade, marking or file, not its records. Writes are
atomic, inside ``evidence/`` only and never through a link; ``--dry-run`` says what would change and writes nothing;
a bad entry is an error naming its line, and then nothing is written at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from briefgen.analysis.sources import short_author
from briefgen.builder.safe_paths import write_inside
from briefgen.errors import BriefgenError, InputError, Problem, shown
from briefgen.inputs.bibliography import CITATION_FIELDS, Citation, format_of, parse_citations
from briefgen.inputs.files import read_regular, resolve
from briefgen.inputs.load import MAX_FILE_BYTES, Document, load_project, parse_yaml
from briefgen.inputs.project import project_root

EVIDENCE_DIR = "evidence"


class ImportRefused(BriefgenError):
    """The import cannot write where it was asked to (outside evidence/, through a link)."""


@dataclass(frozen=True)
class Change:
    path: str
    source_id: str
    action: str  # "create", "update" or "unchanged"
    fields: tuple[str, ...] = ()
    data: bytes = b""


@dataclass(frozen=True)
class ImportResult:
    changes: tuple[Change, ...]
    dry_run: bool

    def __str__(self) -> str:
        verb = {
            "create": "would create" if self.dry_run else "created",
            "update": "would update" if self.dry_run else "updated",
        }
        lines = []
        for c in self.changes:
            if c.action == "unchanged":
                lines.append(f"unchanged {c.path} ({c.source_id})")
            else:
                what = f": {', '.join(c.fields)}" if c.action == "update" else ""
                lines.append(f"{verb[c.action]} {c.path} ({c.source_id}){what}")
        counts = {a: sum(1 for c in self.changes if c.action == a) for a in ("create", "update", "unchanged")}
        lines.append(
            f"{counts['create']} new, {counts['update']} updated, {counts['unchanged']} unchanged"
            + (" (dry run: nothing written)" if self.dry_run else "")
        )
        return "\n".join(lines)


def import_citations(
    file: str | Path, project: str | Path | None = None, into: str | Path | None = None, dry_run: bool = False
) -> ImportResult:
    root = project_root(project)
    folder = _evidence_folder(root, into)
    path = Path(file)
    kind = format_of(path.name)
    if kind is None:
        raise ImportRefused(f"{path}: expected a .bib, .json (CSL-JSON) or .ris file")
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), 0, "", "not UTF-8")]) from None
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot read: {exc.strerror or exc}") from None
    citations = parse_citations(text, kind, str(path))
    existing = load_project(root).evidence
    changes = [_change(root, folder, existing, str(path), c) for c in citations]
    problems = [c for c in changes if isinstance(c, Problem)]
    if problems:
        raise InputError(problems)
    done = tuple(c for c in changes if isinstance(c, Change))
    if not dry_run:
        for change in done:
            if change.action != "unchanged":
                _write(root, folder, root / change.path, change.data)
    return ImportResult(done, dry_run)


def _evidence_folder(root: Path, into: str | Path | None) -> Path:
    """The project's evidence/ folder, which ``--into`` may name but not change: evidence files live nowhere else."""
    folder = root / EVIDENCE_DIR
    if into is not None:
        wanted = Path(into) if Path(into).is_absolute() else Path.cwd() / into
        if resolve(wanted) != resolve(folder):
            raise ImportRefused(f"--into {into}: sources are imported into the project's {EVIDENCE_DIR}/ folder only")
    if folder.is_symlink() or (folder.exists() and not resolve(folder).is_relative_to(resolve(root))):
        raise ImportRefused(f"{EVIDENCE_DIR}/ is a link: refused (import writes only real files inside the project)")
    return folder


def _match(existing: tuple[Document, ...], citation: Citation) -> Document | None:
    def norm_url(url: object) -> str:
        return str(url).rstrip("/").lower() if url else ""

    for doc in existing:
        source = doc.data.get("source") if isinstance(doc.data, dict) else None
        if not isinstance(source, dict):
            continue
        if source.get("id") == citation.id:
            return doc
        doi = citation.fields.get("doi")
        if doi and str(source.get("doi") or "").lower() == doi.lower():
            return doc
        url = norm_url(citation.fields.get("url"))
        if url and norm_url(source.get("url")) == url:
            return doc
    return None


def _change(
    root: Path, folder: Path, existing: tuple[Document, ...], import_path: str, c: Citation
) -> Change | Problem:
    doc = _match(existing, c)
    if doc is None:
        return _create(root, folder, existing, import_path, c)
    source = dict(doc.data["source"])
    updated = {**source, **_citation_fields(c)}
    changed = tuple(k for k in [*CITATION_FIELDS, "extra"] if updated.get(k) != source.get(k))
    if not changed:
        return Change(doc.path, str(source.get("id")), "unchanged")
    text = (root / doc.path).read_text(encoding="utf-8")
    new = _replace_source_block(text, doc, updated)
    if new is None:
        return Problem(
            doc.path, doc.line_of(("source",)), "source", "cannot update a source written in flow style {...}"
        )
    problem = _invalid(doc.path, new, import_path, c)
    return problem or Change(doc.path, str(source.get("id")), "update", changed, new.encode("utf-8"))


def _create(
    root: Path, folder: Path, existing: tuple[Document, ...], import_path: str, c: Citation
) -> Change | Problem:
    rel = f"{EVIDENCE_DIR}/{c.id}.yaml"
    if (folder / f"{c.id}.yaml").exists() or (folder / f"{c.id}.yaml").is_symlink():
        return Problem(import_path, c.line, "id", f"{rel} exists and holds another source: rename the entry {c.id!r}")
    record = _record_named(existing, c.id)
    if record is not None:  # ids are one namespace: the new source would make the project invalid
        return Problem(import_path, c.line, "id", f"{c.id!r} is the id of a record in {record}: rename the entry")
    source = {"id": c.id, **_citation_fields(c), **_short(c), "reliability": "F"}
    header = (
        f"# Imported from {Path(import_path).name}. Grade the source (reliability A-F; F until judged), set its\n"
        "# marking if it is not TLP:CLEAR, name its text in file: so quotes can be verified, and add records.\n"
    )
    text = header + _dump({"source": _ordered(source)}) + "records: []\n"
    return _invalid(rel, text, import_path, c) or Change(rel, c.id, "create", ("source",), text.encode("utf-8"))


def _short(c: Citation) -> dict[str, str]:
    """``short:`` for a source whose one author the export marks as an organisation ("{Riverton City Clerk}") but
    whose name reads like a person's: without it the short citation would be cut to the last word ("Clerk 2026")."""
    author = c.fields.get("author", "")
    if not author or c.organisations != (author,) or short_author(author) == author:
        return {}
    return {"short": f"{author} {c.fields['published'][:4]}"}


def _record_named(existing: tuple[Document, ...], wanted: str) -> str | None:
    """The evidence file holding a record with id ``wanted``, if any."""
    for doc in existing:
        records = doc.data.get("records") if isinstance(doc.data, dict) else None
        if isinstance(records, list) and any(isinstance(r, dict) and r.get("id") == wanted for r in records):
            return doc.path
    return None


def _citation_fields(c: Citation) -> dict[str, Any]:
    fields: dict[str, Any] = dict(c.fields)
    if "published" in fields and fields["published"].isdigit():
        fields["published"] = int(fields["published"])
    if c.extra:
        fields["extra"] = {k: v for k, v in sorted(c.extra.items()) if v not in (None, "", [])}
    return fields


_ORDER = (
    "id",
    "title",
    "author",
    "publisher",
    "short",
    "published",
    "url",
    "doi",
    "reliability",
    "reliability_reason",
    "marking",
    "file",
    "extra",
)


def _ordered(source: dict[str, Any]) -> dict[str, Any]:
    return {k: source[k] for k in sorted(source, key=lambda k: (_ORDER.index(k) if k in _ORDER else 99, k))}


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)


def _replace_source_block(text: str, doc: Document, source: dict[str, Any]) -> str | None:
    """``text`` with its top-level ``source:`` mapping rewritten, every other line (records, comments) as it was."""
    lines = text.splitlines(keepends=True)
    start = doc.lines.get(("source",))
    if start is None:
        return None
    tops = sorted(line for loc, line in doc.lines.items() if len(loc) == 1 and line > start)
    end = tops[0] - 1 if tops else len(lines)
    while end > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments before the next key belong to it
    if lines[start - 1].split(":", 1)[-1].strip() not in ("", "#") and not lines[start - 1].split(":", 1)[
        -1
    ].strip().startswith("#"):
        return None  # a flow mapping on the key's own line
    return "".join(lines[: start - 1]) + _dump({"source": _ordered(source)}) + "".join(lines[end:])


def _invalid(rel: str, text: str, import_path: str, c: Citation) -> Problem | None:
    """The file as it would be written, checked like any evidence file: an entry whose fields briefgen refuses (a
    URL that is not http(s), an impossible date) is the entry's error, reported at its line."""
    from briefgen.inputs.model import EvidenceFile
    from briefgen.inputs.schema import parse_model

    try:
        parse_model(EvidenceFile, parse_yaml(text.encode("utf-8"), rel))
    except InputError as err:
        first = err.problems[0]
        return Problem(import_path, c.line, first.field.removeprefix("source."), f"entry {c.id!r}: {first.message}")
    return None


def _write(root: Path, folder: Path, target: Path, data: bytes) -> None:
    if target.is_symlink():
        raise ImportRefused(f"{target.relative_to(root)} is a link: refused (import never writes through a link)")
    if not resolve(target.parent) == resolve(folder):
        raise ImportRefused(f"{shown(str(target))} is outside {EVIDENCE_DIR}/: refused")
    write_inside(root, PurePosixPath(target.relative_to(root).as_posix()), data)
