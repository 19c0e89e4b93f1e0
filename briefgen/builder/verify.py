"""The ``verify`` use case: every record's quote against its source's text. A quote passes only by exact match after
folding (``analysis/quotes``); a failure names the record's file and line and shows the closest passage and a word
diff; a record whose source names no file is counted as unverifiable, never as passed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import InputError, Problem, shown
from briefgen.inputs.load import Document, field_path
from briefgen.inputs.project import load

if TYPE_CHECKING:
    from briefgen.inputs.validate import Brief

MAX_SHOWN = 160  # characters of a passage or diff shown in a failure line


@dataclass(frozen=True)
class VerifyReport:
    verified: int
    unverifiable: tuple[str, ...]  # record ids whose source names no file
    sources: int  # source texts read
    problems: tuple[Problem, ...] = ()  # quotes not found, source texts missing or unreadable

    def __str__(self) -> str:
        total = self.verified + len(self.unverifiable)
        texts = f"{self.sources} source text{'' if self.sources == 1 else 's'}"
        line = f"{total} quote{'' if total == 1 else 's'}: {self.verified} verified against {texts}"
        if self.unverifiable:
            line += f", {len(self.unverifiable)} unverifiable (their sources name no file)"
        return line


def verify(path: str | Path | None = None) -> VerifyReport:
    """Verify every quote of the brief at or above ``path``; raise InputError listing every failure."""
    report = verify_brief(load(path))
    if report.problems:
        raise InputError(report.problems)
    return report


def verify_brief(brief: Brief, store: bool = True) -> VerifyReport:
    """Every quote of a loaded brief against its source text; failures are returned, not raised. With ``store``
    false the extracted-text cache is only read, never written or pruned (for ``check --strict``)."""
    from briefgen.analysis.quotes import fold
    from briefgen.builder.texts import prune_texts
    from briefgen.inputs.sourcing import source_folder

    folder = source_folder(brief.root, brief.spec)
    problems: list[Problem] = []
    verified, read = 0, 0
    unverifiable: list[str] = []
    used: list[str] = []
    settings = brief.spec.source_texts
    docs = [d for d in brief.files.evidence if isinstance(d.data, dict)]
    with_files = [d for d in docs if brief.sources[d.data["source"]["id"]].file]
    if with_files and not folder.is_dir():
        problems.append(_folder_problem(brief, folder))
        with_files = []
    for doc in docs:
        source = brief.sources[doc.data["source"]["id"]]
        records = [brief.records[r["id"]] for r in doc.data.get("records") or ()]
        if doc not in with_files:
            unverifiable += [r.id for r in records] if not source.file else []
            continue
        assert source.file is not None
        loaded = _read(brief.root, folder, doc, source.file, store)
        if isinstance(loaded, Problem):
            problems.append(loaded)
            continue
        text, cached = loaded
        read += 1
        used += [cached] if cached else []
        folded = fold(text)
        for i, record in enumerate(records):
            miss = _check_quote(doc, i, record.id, record.quote, text, folded, settings.max_gap, source.file)
            if miss is None:
                verified += 1
            else:
                problems.append(miss)
    if store and not problems:
        prune_texts(brief.root, used)
    return VerifyReport(verified, tuple(unverifiable), read, tuple(problems))


def _folder_problem(brief: Brief, folder: Path) -> Problem:
    doc = brief.files.brief
    loc = ("source_texts", "folder")
    what = "the project folder" if brief.spec.source_texts.folder == "." else shown(brief.spec.source_texts.folder)
    return Problem(
        doc.path,
        doc.line_of(loc),
        field_path(loc) if doc.lines.get(loc) else "source_texts",
        f"the source-texts folder {what} does not exist ({folder}): sources name files in it, so no quote can be "
        "checked; put the folder there or change source_texts.folder",
    )


def _read(root: Path, folder: Path, doc: Document, file: str, store: bool) -> tuple[str, str | None] | Problem:
    from briefgen.builder.texts import source_text
    from briefgen.inputs.extract import SourceTextError, kind_of
    from briefgen.inputs.files import NotRegularFile
    from briefgen.inputs.sourcing import source_path

    loc = ("source", "file")

    def problem(message: str) -> Problem:
        return Problem(doc.path, doc.line_of(loc), field_path(loc), message)

    kind = kind_of(file)
    if kind is None:
        return problem(f"{shown(file)}: expected a .txt, .md, .html, .pdf or .docx file")
    try:
        return source_text(root, source_path(folder, file), kind, store)
    except FileNotFoundError:
        return problem(f"source text {shown(file)} not found in {folder}")
    except NotRegularFile as exc:
        return problem(f"source text {shown(file)} is not a regular file ({exc.kind})")
    except ValueError as exc:
        return problem(str(exc))
    except OSError as exc:
        return problem(f"source text {shown(file)}: cannot read: {exc.strerror or exc}")
    except SourceTextError as exc:
        return problem(f"source text {shown(file)}: {exc}")


def _check_quote(
    doc: Document, index: int, record_id: str, quote: str, text: str, folded: object, max_gap: int, file: str
) -> Problem | None:
    from briefgen.analysis.quotes import Folded, explain_miss, find_quote

    assert isinstance(folded, Folded)
    if find_quote(quote, folded, max_gap) is not None:
        return None
    miss = explain_miss(quote, text, max_gap)
    loc = ("records", index, "quote")
    where = "" if miss.part == " ".join(quote.split()) else f" (the part {_clip(miss.part)!r})"
    message = (
        f"{record_id}: quote not found in {file}{where}; closest passage: {_clip(miss.passage)!r}; "
        f"diff: {_clip(miss.diff)}"
    )
    return Problem(doc.path, doc.line_of(loc), field_path(loc), message)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
