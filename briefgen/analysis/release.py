"""Release filtering, in one place: what passes an audience's release marking, and how much is withheld. Every
portion assemble hands a template has passed a :class:`Gate`; nothing above the audience's ``max_marking`` does."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.analysis.memo_context import Portion
from briefgen.inputs.model import Judgment, Point
from briefgen.inputs.scales import Marking
from briefgen.inputs.validate import Brief


class Gate:
    """Decides what passes the audience's release marking, and counts what it withholds."""

    def __init__(self, ceiling: Marking) -> None:
        self.ceiling = ceiling
        self.withheld = 0

    def allows(self, marking: Marking) -> bool:
        ok = marking <= self.ceiling
        self.withheld += 0 if ok else 1
        return ok

    def point(self, brief: Brief, point: Point | Judgment, floor: Marking = Marking.CLEAR) -> Portion | None:
        marking = max(floor, point.marking or brief.evidence_marking(point.evidence))
        return Portion(point.text, point.evidence, marking) if self.allows(marking) else None

    def points(
        self, brief: Brief, points: Iterable[Point | Judgment], floor: Marking = Marking.CLEAR
    ) -> tuple[Portion, ...]:
        return tuple(p for p in (self.point(brief, x, floor) for x in points) if p is not None)
