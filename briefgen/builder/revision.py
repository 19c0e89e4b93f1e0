"""Render one planned output and decide whether it is a new revision.

The body is rendered once (:func:`briefgen.formats.markdown.draft`). Finished with the revision the last build
recorded, it says whether anything the memo shows has changed: its text, or a record, risk, rank or option it shows
(a cited record's claim may change without the memo quoting it: the memo still rests on it). If so, the same draft is
finished again with the next version, today's date and the change note — the late blocks alone are rendered again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from briefgen.analysis.memo_context import History
from briefgen.builder.manifest import Entry, Snapshot
from briefgen.builder.outputs import Target, chart_name, docx_bytes, draft_md, html_bytes, is_file, memo_of
from briefgen.builder.plan import Step, on_disk
from briefgen.inputs.files import digest
from briefgen.inputs.scales import PartialDate

if TYPE_CHECKING:
    from briefgen.formats.docx.document import WordRenderer
    from briefgen.formats.markdown import RenderedMarkdown
    from briefgen.formats.sandbox import Sandbox
    from briefgen.inputs.validate import Brief


PDF_SOURCE = "pdf-of"  # the manifest's digest of the Word file an output's PDF was made from


@dataclass(frozen=True)
class Outcome:
    """A rendered output: its manifest entry and the bytes of each of its files; and the Word file its PDF is still
    to be made from, with the day the PDF is dated (the build converts every PDF in one LibreOffice call)."""

    entry: Entry
    files: dict[PurePosixPath, bytes]
    kept: tuple[tuple[PurePosixPath, bytes], ...] = ()  # this version, kept under .briefgen/history/
    pdf_from: bytes | None = None
    pdf_date: dt.date | None = None


def with_pdf(outcome: Outcome, target: Target, pdf: bytes) -> Outcome:
    """``outcome`` with the PDF made from its Word file."""
    assert outcome.pdf_from is not None
    digests = {**outcome.entry.digests, "pdf": digest(pdf), PDF_SOURCE: digest(outcome.pdf_from)}
    files = {**outcome.files, target.path("pdf"): pdf}
    return Outcome(replace(outcome.entry, digests=digests), files, outcome.kept)


def render_step(
    brief: Brief,
    step: Step,
    today: dt.date,
    env: Sandbox,
    word: WordRenderer | None,
    word_deps: dict[str, str],
) -> Outcome:
    """Render one output. ``word`` is the build's prepared reference document, and ``word_deps`` the Word
    dependencies fingerprinted before it was read (so an edit since is seen by the next build)."""
    from briefgen.analysis.assemble import revise
    from briefgen.builder.changes import change_note, moved, snapshot, visible
    from briefgen.builder.redline import NEUTRAL, extras
    from briefgen.formats.markdown import finish

    target, entry = step.target, step.entry
    memo = memo_of(brief, target)
    first_day = None if memo.date else PartialDate.parse(today)
    history = History(entry.version, _date(entry.date), entry.changes) if entry else History(1, first_day, ())
    body = draft_md(brief, target, today, history, env)
    rendered = finish(body, body.ctx)
    seen = snapshot(brief, body.ctx, rendered.cited, rendered.option_fields, rendered.sensitivity, rendered.memo_fields)
    text_digest = digest(rendered.text.encode("utf-8"))
    revised = entry is not None and (text_digest != entry.digests.get("content") or moved(entry.snapshot, seen))
    if entry is not None and step.content_may_change and revised:
        now = visible(brief, memo.options, body.ctx, entry.snapshot.records)
        note = change_note(entry.snapshot, seen, _titles(brief), _claims(brief, seen), now, _criteria(brief))
        history = History(entry.version + 1, first_day, note)
        first, rendered = rendered, finish(body, revise(body.ctx, memo, history))
        text_digest = digest(rendered.text.encode("utf-8"))
        if (first.cited, first.option_fields, first.sensitivity) != (
            rendered.cited,
            rendered.option_fields,
            rendered.sensitivity,
        ):  # the late blocks showed more
            seen = snapshot(
                brief, body.ctx, rendered.cited, rendered.option_fields, rendered.sensitivity, rendered.memo_fields
            )
    date = memo.date or history.date
    files, pdf_from = _files(brief, step, rendered, date, word)
    extra = extras(brief, step, step.formats, body, rendered, history, word, files.get("docx"))
    files.update(extra.files)  # redline.md, redline.docx
    same_content = entry is not None and entry.digests.get("content") == text_digest
    kept = {f: d for f, d in entry.digests.items() if is_file(f) or f == PDF_SOURCE} if entry and same_content else {}
    kept[NEUTRAL] = extra.neutral
    if pdf_from is not None and _pdf_stands(brief, step, pdf_from):
        assert entry is not None
        kept |= {"pdf": entry.digests["pdf"], PDF_SOURCE: entry.digests[PDF_SOURCE]}
        pdf_from = None
    used = _Used(env.loaded, word_deps)
    paths = {step.target.path(name): data for name, data in files.items()}
    entry_now = _entry(brief, step, rendered, history, seen, text_digest, kept, files, today, used)
    return Outcome(entry_now, paths, extra.kept, pdf_from, date.earliest if date else dt.date(2000, 1, 1))


def _pdf_stands(brief: Brief, step: Step, docx: bytes) -> bool:
    """The PDF on disk is the one the last build made from this very Word file: no need to convert it again."""
    entry = step.entry
    if entry is None or entry.digests.get(PDF_SOURCE) != digest(docx) or "pdf" not in entry.digests:
        return False
    if step.reasons == ("--force",):  # made again (LibreOffice may have changed since)
        return False
    return on_disk(brief.root, step.target.key, "pdf") == entry.digests["pdf"]


@dataclass(frozen=True)
class _Used:
    """Fingerprints of the files a render read, taken when it read them (not once the build ends, when an edit saved
    meanwhile would be recorded as built)."""

    templates: Mapping[str, str]  # template name → digest of the bytes loaded
    word: dict[str, str]  # the Word dependencies, taken before the reference document was read


def _files(
    brief: Brief, step: Step, rendered: RenderedMarkdown, date: PartialDate | None, word: WordRenderer | None
) -> tuple[dict[str, bytes], bytes | None]:
    """The output's files by the names its manifest entry gives them (a format, or a chart beside the Markdown),
    and the Word file its PDF is made from (None without PDF)."""
    from briefgen.formats.svg import svg_bytes

    formats = step.formats
    files: dict[str, bytes] = {}
    if "md" in formats:
        files["md"] = rendered.text.encode("utf-8")
        files.update((chart_name(chart.file), svg_bytes(chart)) for chart in rendered.charts)
    docx = docx_bytes(brief, step.target, rendered, date, word) if {"docx", "pdf"} & set(formats) else None
    if docx is not None and "docx" in formats:
        files["docx"] = docx
    if "html" in formats:
        files["html"] = html_bytes(brief, step.target, rendered)
    return files, docx if "pdf" in formats else None


def _entry(
    brief: Brief,
    step: Step,
    rendered: RenderedMarkdown,
    history: History,
    seen: Snapshot,
    text_digest: str,
    kept: dict[str, str],
    files: dict[str, bytes],
    today: dt.date,
    used: _Used,
) -> Entry:
    from briefgen.builder.deps import content_deps

    target = step.target
    deps = content_deps(
        brief, target.memo_id, target.audience_id, rendered.templates, rendered.cited, today, rendered.dated
    )
    deps.update({f"template:{name}": d for name, d in used.templates.items() if f"template:{name}" in deps})
    return Entry(
        deps=deps,
        docx_deps=used.word,
        digests={**kept, "content": text_digest, **{name: digest(data) for name, data in files.items()}},
        version=history.version,
        date=str(history.date) if history.date else None,
        changes=history.changes,
        snapshot=seen,
    )


def _date(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _claims(brief: Brief, seen: Snapshot) -> dict[str, str]:
    """The claims a change note may quote: of the records the memo now shows (not a copy of every claim)."""
    return {record_id: brief.records[record_id].claim for record_id in seen.records}


def _criteria(brief: Brief) -> dict[str, str]:
    return {criterion.id: criterion.name for criterion in brief.spec.criteria}


def _titles(brief: Brief) -> dict[str, str]:
    return {option_id: option.title for option_id, option in brief.options.items()}
