"""One output: a (memo, audience) target, where its files go, and how it is rendered — Markdown through the audience's
template, Word from that Markdown — plus the library's one-shot ``render``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from briefgen.analysis.memo_context import History
from briefgen.errors import BriefgenError, RenderError
from briefgen.inputs.files import FileTooLarge, read_regular
from briefgen.inputs.load import TEMPLATES_DIR
from briefgen.inputs.scales import DEFAULT_FORMATS, OUTPUT_FORMATS, OutputFormat, PartialDate, reference_date

# pydantic, Jinja and the stages behind them are imported where used, so that a build with nothing to do (decided
# from file digests alone) starts in a fraction of the time.
if TYPE_CHECKING:
    from briefgen.analysis.memo_context import MemoContext
    from briefgen.formats.docx.document import WordRenderer
    from briefgen.formats.markdown import Draft, RenderedMarkdown
    from briefgen.formats.sandbox import Sandbox
    from briefgen.inputs.model import Memo
    from briefgen.inputs.validate import Brief

Format = OutputFormat
FORMATS: tuple[Format, ...] = OUTPUT_FORMATS
OUTPUTS_DIR = "outputs"
# The files of an output, as its manifest entry names them: one per format, and the charts beside the Markdown
# ("scores.svg": outputs/<memo>/<audience>-scores.svg), which are written with it.
_CHART_FILE = re.compile(r"[a-z]+\.svg")
_DIFF_FILE = re.compile(r"v[0-9]+-v[0-9]+\.redline\.(md|docx)")  # what `briefgen diff --format md|docx` wrote


class UnknownTarget(BriefgenError):
    """--memo or --audience names something the brief does not have: a usage error (the command line exits 2)."""


@dataclass(frozen=True)
class Target:
    memo_id: str
    audience_id: str

    @property
    def key(self) -> str:
        return f"{self.memo_id}/{self.audience_id}"

    def path(self, fmt: str) -> PurePosixPath:
        """The file of a format (``md``), or of a chart beside the Markdown (``scores.svg``)."""
        return output_path(self.key, fmt)


def output_path(key: str, name: str) -> PurePosixPath:
    """``outputs/<memo>/<audience>.<format>``, or ``outputs/<memo>/<audience>-<chart>.svg`` for a chart file."""
    memo_id, _, audience_id = key.partition("/")
    tail = f"-{name}" if _CHART_FILE.fullmatch(name) else f".{name}"
    return PurePosixPath(OUTPUTS_DIR, memo_id, f"{audience_id}{tail}")


REDLINE_FILES = ("redline.md", "redline.docx")  # a revised output's redlines, as its manifest entry names them


def is_file(name: str) -> bool:
    """Whether a manifest digest ``name`` is that of a file in outputs/ (a format, a chart beside the Markdown, a
    redline, or a redline between two kept versions that ``briefgen diff`` wrote)."""
    return (
        name in FORMATS
        or name in REDLINE_FILES
        or _CHART_FILE.fullmatch(name) is not None
        or _DIFF_FILE.fullmatch(name) is not None
    )


def format_of(name: str) -> str:
    """The format whose build writes the file ``name`` (a chart's SVG is written with the Markdown)."""
    return "md" if _CHART_FILE.fullmatch(name) else name


def chart_name(file: str) -> str:
    """``working-level-scores.svg`` → ``scores.svg``: how the manifest names a chart file of an output."""
    return file.rsplit("-", 1)[-1]


def formats_for(brief: Brief, target: Target, fmt: Format | None) -> tuple[Format, ...]:
    """The formats a build writes for ``target``: ``--format``'s, else those its audience lists."""
    if fmt is not None:
        return (fmt,)
    audience = brief.spec.audiences.get(target.audience_id)
    return audience.formats if audience is not None else DEFAULT_FORMATS


def targets(brief: Brief, memo_id: str | None = None, audience_id: str | None = None) -> list[Target]:
    """The (memo, audience) pairs to build, checked against the brief."""
    from briefgen.inputs.suggest import did_you_mean

    memos = [m for m in brief.spec.memos if memo_id in (None, m.id)]
    if not memos:
        ids = [m.id for m in brief.spec.memos]
        hint = did_you_mean(str(memo_id), ids)
        raise UnknownTarget(f"unknown memo {memo_id!r} (expected one of: {', '.join(ids)}){hint}")
    found = [Target(m.id, a) for m in memos for a in m.audiences if audience_id in (None, a)]
    if not found:
        known = sorted({a for m in memos for a in m.audiences})
        hint = did_you_mean(str(audience_id), known)
        raise UnknownTarget(
            f"unknown audience {audience_id!r} for this memo (expected one of: {', '.join(known)}){hint}"
        )
    return found


def memo_of(brief: Brief, target: Target) -> Memo:
    """The target's memo, checked to have the target's audience."""
    memo = next((m for m in brief.spec.memos if m.id == target.memo_id), None)
    if memo is None:
        known = ", ".join(m.id for m in brief.spec.memos)
        raise UnknownTarget(f"unknown memo {target.memo_id!r} (expected one of: {known})")
    if target.audience_id not in memo.audiences:
        raise UnknownTarget(
            f"memo {memo.id!r} has no audience {target.audience_id!r} (it has: {', '.join(memo.audiences)})"
        )
    return memo


def draft_md(
    brief: Brief, target: Target, today: dt.date, history: History | None = None, env: Sandbox | None = None
) -> Draft:
    """The target's memo assembled for its audience and its body rendered (late blocks pending)."""
    from briefgen.analysis.assemble import assemble
    from briefgen.formats.markdown import draft, environment

    memo = memo_of(brief, target)
    ctx = assemble(brief, memo, target.audience_id, today, history or History())
    template = brief.spec.audiences[target.audience_id].template
    return draft(env or environment(brief.root / TEMPLATES_DIR), template, ctx)


def render_md(
    brief: Brief, target: Target, today: dt.date, history: History | None = None, env: Sandbox | None = None
) -> tuple[MemoContext, RenderedMarkdown]:
    """The target's memo as Markdown, with the revision ``history`` describes."""
    from briefgen.formats.markdown import finish

    body = draft_md(brief, target, today, history, env)
    return body.ctx, finish(body, body.ctx)


def word_renderer(brief: Brief) -> WordRenderer:
    """The brief's reference document, read, checked and prepared once, with its heat colours: every Word output of
    a build is rendered with one."""
    from briefgen.formats.docx.document import WordRenderer

    return WordRenderer.of(reference_bytes(brief), heat_colours(brief), brief.spec.style.reference,
                           brief.spec.style.curly_quotes)  # fmt: skip


def heat_colours(brief: Brief) -> dict[str, str]:
    """Risk level label → fill: the defaults, with the brief's ``style.heat``."""
    from briefgen.formats.docx.document import DEFAULT_HEAT

    return {**DEFAULT_HEAT, **{level.label: colour.upper() for level, colour in brief.spec.style.heat.items()}}


def html_bytes(brief: Brief, target: Target, rendered: RenderedMarkdown) -> bytes:
    """The memo as one self-contained HTML page."""
    from briefgen.formats.html.page import html_page

    memo = memo_of(brief, target)
    return html_page(rendered.text, rendered.marking.value, memo.subject or memo.question, rendered.charts,
                     heat_colours(brief), brief.spec.style.curly_quotes)  # fmt: skip


def docx_bytes(
    brief: Brief, target: Target, rendered: RenderedMarkdown, date: PartialDate | None, word: WordRenderer | None = None
) -> bytes:
    from briefgen.formats.docx.document import DocxSettings

    memo = memo_of(brief, target)
    created = date.earliest if date else dt.date(2000, 1, 1)
    word = word or word_renderer(brief)
    settings = DocxSettings(
        reference=b"",  # the renderer holds the reference document
        marking=rendered.marking.value,
        heat=word.heat,
        title=memo.subject or memo.question,
        subject=brief.spec.title,
        author=memo.prepared_by or brief.spec.from_,
        keywords=f"{target.audience_id}; {rendered.marking.value}",
        created=dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC),
        reference_name=brief.spec.style.reference,
        organisation=brief.spec.organisation or "",
    )
    return word.render(rendered.text, settings, rendered.charts)


MAX_REFERENCE_BYTES = 32 * 1024 * 1024  # a house template with a few logos is well under 1 MiB


def reference_bytes(brief: Brief) -> bytes:
    path = brief.root / brief.spec.style.reference
    try:
        return read_regular(path, MAX_REFERENCE_BYTES)
    except FileTooLarge as exc:
        raise RenderError(
            f"{brief.spec.style.reference}: the reference document is {exc.size:,} bytes, over the "
            f"{MAX_REFERENCE_BYTES:,}-byte limit"
        ) from None
    except OSError as exc:
        raise RenderError(f"{brief.spec.style.reference}: cannot read the reference document: {exc.strerror}") from None


def render(
    brief: Brief, memo_id: str, audience_id: str, fmt: Format = "md", today: dt.date | None = None
) -> str | bytes:
    """The memo for one audience as Markdown text or Word bytes (library API; no manifest, version 1)."""
    target = Target(memo_id, audience_id)
    ctx, rendered = render_md(brief, target, reference_date(today))
    if fmt == "md":
        return rendered.text
    if fmt == "html":
        return html_bytes(brief, target, rendered)
    docx = docx_bytes(brief, target, rendered, ctx.date)
    if fmt == "pdf":
        from briefgen.formats.pdf import find_office, to_pdf

        created = ctx.date.earliest if ctx.date else dt.date(2000, 1, 1)
        return to_pdf([docx], [created], find_office())[0]
    return docx
