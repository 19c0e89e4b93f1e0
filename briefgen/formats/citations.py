"""Citation numbering during one render: ``cite(ids)`` numbers evidence in order of first citation in the rendered
text, and ``notes()`` lists exactly what was cited, Chicago notes style: the full citation at a source's first note,
"Ibid" at a note citing the same source as the note just before it, the short form otherwise."""

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


class Citations:
    """Numbers evidence in order of first citation during one render. One instance per render: no shared state."""

    def __init__(self, evidence: dict[str, Evidence]) -> None:
        self.evidence = evidence
        self.numbers: dict[str, int] = {}
        self.closed = False  # the notes are listed: the blocks rendered last may cite only what is numbered

    def close(self) -> None:
        self.closed = True

    def cite(self, ids: Iterable[str]) -> str:
        numbers = [self.number(i) for i in ids]
        return f" [{', '.join(str(n) for n in sorted(set(numbers)))}]" if numbers else ""

    def number(self, record_id: str) -> int:
        if record_id not in self.evidence:
            raise SecurityError(f"cite(): evidence {record_id!r} is not available to this audience")
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
