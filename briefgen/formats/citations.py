"""Citation numbering during one render: ``cite(ids)`` numbers evidence in order of first citation in the rendered
text, and ``notes()`` lists exactly what was cited, Chicago notes style: the full citation at a source's first note,
"Ibid" at a note citing the same source as the note just before it, the short form otherwise.

An audience with footnotes (``notes: footnotes``, the default) gets a Markdown footnote per citation: ``cite(ids)``
prints ``[^n]``, ``n`` counting citations in reading order (as Word numbers its footnotes, so both formats number
them alike), and ``footnotes()`` lists each citation's records for the template to write the definitions. A citation
of several records is one footnote. Every cited record is numbered as before, so ``notes()`` still lists them (a
sources list), and what was cited is the same set of evidence objects either way: the marking roll-up and the release
gate see footnote text exactly as body text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2.exceptions import SecurityError

from briefgen.analysis.memo_context import Evidence
from briefgen.inputs.scales import CREDIBILITY_MEANING, Reliability


@dataclass(frozen=True)
class Note:
    number: int
    evidence: Evidence
    first_of_source: bool
    ibid: bool = False  # the note just before cites the same source
    first: bool = True  # the record's first citation (a footnote citing it again may say less)
    continued: bool = False  # in a footnote, the note before it cites the same source

    @property
    def citation(self) -> str:
        """Chicago notes style: the full citation at a source's first note, "Ibid" (the template ends the sentence,
        as after any citation) right after a note of the same source, the short form otherwise."""
        if self.first_of_source:
            return self.evidence.citation
        return "Ibid" if self.ibid else self.evidence.short_citation

    @property
    def grade_meaning(self) -> str:
        """``B2`` spelled out: source usually reliable; information probably true."""
        reliability = Reliability(self.evidence.reliability).meaning
        return f"source {reliability}; information {CREDIBILITY_MEANING[self.evidence.credibility]}"


@dataclass(frozen=True)
class Footnote:
    """One citation as a footnote: its number (the ``n`` of ``[^n]``) and a note per record it cites, in the order
    cited."""

    number: int
    notes: tuple[Note, ...]


class Citations:
    """Numbers evidence in order of first citation during one render. One instance per render: no shared state."""

    def __init__(self, evidence: dict[str, Evidence], footnotes: bool = False) -> None:
        self.evidence = evidence
        self.numbers: dict[str, int] = {}
        self.footnoted = footnotes
        self.citations: list[tuple[str, ...]] = []  # each footnote's records, in reading order
        self.closed = False  # the notes are listed: the blocks rendered last may cite only what is numbered
        self.listed = False  # footnotes() was called: a footnote cited later would have no definition

    def close(self) -> None:
        self.closed = True

    def cite(self, ids: Iterable[str]) -> str:
        cited = tuple(dict.fromkeys(ids))
        numbers = [self.number(i) for i in cited]
        if not numbers:
            return ""
        if not self.footnoted:
            return f" [{', '.join(str(n) for n in sorted(set(numbers)))}]"
        if self.closed or self.listed:
            where = (
                "in a block rendered last (banner, header, footer or revision…)" if self.closed else "after footnotes()"
            )
            raise SecurityError(
                f"cite(): a footnote cited {where}, after the footnotes were written: cite it in the body"
            )
        self.citations.append(cited)
        return f"[^{len(self.citations)}]"

    def number(self, record_id: str) -> int:
        if record_id not in self.evidence:
            raise SecurityError(
                f"cite(): evidence {record_id!r} is not one this memo may cite for this audience: a template cites "
                "the records the memo's and its options' portions cite, up to the audience's marking"
            )
        if self.closed and record_id not in self.numbers:
            raise SecurityError(
                f"cite(): {record_id!r} is cited first in a block rendered last (banner, header, footer or "
                "revision…), after the notes were listed: cite it in the body"
            )
        return self.numbers.setdefault(record_id, len(self.numbers) + 1)

    def notes(self) -> list[Note]:
        seen: set[str] = set()
        notes: list[Note] = []
        for record_id, number in self.numbers.items():
            evidence = self.evidence[record_id]
            previous = notes[-1].evidence.source_id if notes else None
            notes.append(Note(number, evidence, evidence.source_id not in seen, previous == evidence.source_id))
            seen.add(evidence.source_id)
        return notes

    def footnotes(self) -> list[Footnote]:
        """Every footnote so far, in order. "Ibid" follows a note of the same source in the same footnote, or a
        footnote citing that source alone."""
        self.listed = self.footnoted
        sources: set[str] = set()
        records: set[str] = set()
        footnotes: list[Footnote] = []
        previous: tuple[str, ...] = ()  # the sources of the footnote before
        for index, cited in enumerate(self.citations, start=1):
            notes: list[Note] = []
            for record_id in cited:
                evidence = self.evidence[record_id]
                source = evidence.source_id
                before = notes[-1].evidence.source_id if notes else (previous[0] if len(set(previous)) == 1 else None)
                first, continued = record_id not in records, bool(notes) and before == source
                number = self.numbers[record_id]
                notes.append(Note(number, evidence, source not in sources, before == source, first, continued))
                sources.add(source)
                records.add(record_id)
            footnotes.append(Footnote(index, tuple(notes)))
            previous = tuple(note.evidence.source_id for note in notes)
        return footnotes
