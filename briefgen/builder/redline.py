"""Every revision with its redline: what a render adds to an output's files — its version kept for later
(:mod:`~briefgen.builder.history`) and, for a new version with a redline wanted, ``<audience>.redline.md``
(CriticMarkup) and ``<audience>.redline.docx`` (Word tracked changes) against the version the reader last saw.

The redline compares the two versions' Markdown for the same audience: the old as kept, the new as just rendered
(Word: both rendered by the same Word writer, then merged, :mod:`briefgen.formats.docx.redline`). What the old version
showed that is withheld from the audience now (:func:`briefgen.analysis.withheld.withheld_since`) shows as deleted
``[withheld]``, never its words. A version whose only change is its revision — version number, date, change note —
gets no redline: each output records the digest of its Markdown finished with a fixed revision (``neutral``), and a
new version with the same one has nothing to show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from briefgen.builder import history
from briefgen.builder.outputs import REDLINE_FILES, Format, Target, docx_bytes, memo_of, word_renderer
from briefgen.inputs.files import digest
from briefgen.inputs.scales import Marking, PartialDate

if TYPE_CHECKING:
    from briefgen.analysis.memo_context import History, MemoContext
    from briefgen.analysis.withheld import Provenance, Withheld
    from briefgen.builder.plan import Step
    from briefgen.formats.diffing import Covers
    from briefgen.formats.docx.document import WordRenderer
    from briefgen.formats.markdown import Draft, RenderedMarkdown
    from briefgen.inputs.model import Memo
    from briefgen.inputs.validate import Brief

KINDS = REDLINE_FILES  # the redline's files, as the manifest names them beside md and docx
NEUTRAL = "neutral"  # the manifest's digest of an output finished with a fixed revision
_FIXED = PartialDate(2000, 1, 1)
_BANNER = re.compile(r"TLP:[A-Z+]+")


@dataclass(frozen=True)
class Extras:
    files: dict[str, bytes] = field(default_factory=dict)  # the redline files, by manifest name, if any
    kept: tuple[tuple[PurePosixPath, bytes], ...] = ()  # this version, for .briefgen/history/
    neutral: str = ""


def extras(
    brief: Brief,
    step: Step,
    formats: tuple[Format, ...],
    body: Draft,
    rendered: RenderedMarkdown,
    revision: History,
    word: WordRenderer | None,
    docx: bytes | None,
) -> Extras:
    """What the render of ``step`` adds to its files: this version kept, and its redline if it is a new version
    with a redline wanted. ``docx`` is the new version's Word file, if one was rendered."""
    from briefgen.analysis.withheld import provenance

    target, entry = step.target, step.entry
    memo = memo_of(brief, target)
    seen = provenance(
        brief, memo, body.ctx, body.citations.numbers, rendered.cited, rendered.option_fields, rendered.memo_fields
    )
    neutral = neutral_digest(body)
    kept = history.files(target.key, revision.version, rendered.text, seen)
    if not (step.redline and entry is not None and revision.version > entry.version):
        return Extras({}, kept, neutral)
    if entry.digests.get(NEUTRAL) == neutral:  # only the version, date and change note moved
        return Extras({}, kept, neutral)
    old = history.read(brief.root, target.key, entry.version, entry.digests.get("content"))
    if old is None:  # the version the reader last saw was not kept: nothing to compare with
        return Extras({}, kept, neutral)
    date = memo.date or revision.date
    red = Redline(brief, target, memo, body.ctx, date, word)
    return Extras(red.files(old, rendered, formats, docx), kept, neutral)


def neutral_digest(body: Draft) -> str:
    """The digest of the output finished as version 1 of a fixed day with no change note: equal for two versions
    whose only difference is their revision."""
    from briefgen.formats.markdown import finish

    fixed = replace(body.ctx, version=1, date=_FIXED, changes=())
    return digest(finish(body, fixed).text.encode("utf-8"))


class Basis(NamedTuple):
    covers: Covers | None  # whether an old block rests on material withheld since
    ids: frozenset[str]


@dataclass(frozen=True)
class Redline:
    """The redline of one output between a kept version and a newer text, for the audience as it is now."""

    brief: Brief
    target: Target
    memo: Memo
    ctx: MemoContext  # the output assembled now: what its audience may see
    date: PartialDate | None  # when the newer version's content changed
    word: WordRenderer | None = None

    def files(
        self, old: history.Kept, new: RenderedMarkdown, formats: tuple[Format, ...], docx: bytes | None = None
    ) -> dict[str, bytes]:
        """``redline.md`` and ``redline.docx`` (as ``formats`` has md and docx, named as the manifest names them)
        from ``old`` to ``new``."""
        out: dict[str, bytes] = {}
        basis = self.basis(old)  # what is withheld since, and the ids: worked out once for both formats
        if "md" in formats:
            out["redline.md"] = self.markdown(old, new.text, basis).encode("utf-8")
        if "docx" in formats:
            out["redline.docx"] = self.docx(old, new, docx, basis)
        return out

    def withheld(self, old: Provenance | None) -> Withheld:
        from briefgen.analysis.withheld import withheld_since

        return withheld_since(old, self.brief, self.memo, self.ctx)

    def basis(self, old: history.Kept) -> Basis:
        """How ``old`` is compared with the output now: which of its blocks rest on material withheld since (None:
        none), and the ids that tell a block across versions."""
        hidden = self.withheld(old.provenance)
        return Basis(hidden.covers if hidden else None, self.ids(old))

    def markdown(self, old: history.Kept, new: str, basis: Basis | None = None) -> str:
        from briefgen.formats.critic import critic_markup, redline

        covers, ids = basis or self.basis(old)
        marking = max(old_marking(old.markdown, self.ctx.max_marking), old_marking(new, self.ctx.max_marking))
        before, after = (marked(text, marking) for text in (old.markdown, new))
        return critic_markup(redline(before, after, covers, ids))

    def docx(
        self, old: history.Kept, new: RenderedMarkdown, rendered: bytes | None = None, basis: Basis | None = None
    ) -> bytes:
        from briefgen.formats.docx.redline import RedlineSettings, redline_docx

        word = self.word or word_renderer(self.brief)
        marking = max(old_marking(old.markdown, self.ctx.max_marking), new.marking)
        shown = replace(new, text=marked(new.text, marking), marking=marking)
        earlier = replace(shown, text=marked(old.markdown, marking))
        before = docx_bytes(self.brief, self.target, earlier, self.date, word)
        after = rendered if rendered is not None and marking == new.marking else None
        after = after or docx_bytes(self.brief, self.target, shown, self.date, word)
        covers, ids = basis or self.basis(old)
        styles = word.skeleton.reference.style_ids
        settings = RedlineSettings(
            date=f"{(self.date or _FIXED).earliest.isoformat()}T00:00:00Z",
            covers=covers,
            ids=ids,
            headings={styles[f"Heading {n}"]: n for n in range(1, 5) if f"Heading {n}" in styles},
        )
        return redline_docx(before, after, settings)

    def ids(self, old: history.Kept) -> frozenset[str]:
        """Ids that tell a paragraph or row across versions: records and risks, now or in the old version."""
        brief = self.brief
        risks = {r.id for o in brief.options.values() for r in o.risks}
        kept = set(old.provenance.records) | set(old.provenance.risks) if old.provenance else set()
        return frozenset({*brief.records, *risks, *kept})


def marked(markdown: str, marking: Marking) -> str:
    """``markdown`` with its banner (first line) and footer (last line, if the same banner) saying ``marking``: a
    redline is marked at the more restrictive marking of its two versions, both of whose words it shows."""
    lines = markdown.rstrip("\n").split("\n")
    first = lines[0]
    if _BANNER.search(first) is None:
        return markdown
    lines[0] = _BANNER.sub(marking.value, first, count=1)
    if len(lines) > 1 and lines[-1] == first:
        lines[-1] = lines[0]
    return "\n".join(lines) + "\n"


def old_marking(markdown: str, ceiling: Marking) -> Marking:
    """The marking a kept version opened with (its banner line); the audience's ceiling if it cannot be read."""
    found = _BANNER.search(markdown.split("\n", 1)[0])
    try:
        return Marking(found.group(0)) if found else ceiling
    except ValueError:
        return ceiling
