"""Charts a template asks for with ``{{ chart("scores") }}`` or ``{{ chart("tornado") }}``: the data of the chart,
taken from the memo as the audience sees it, and the Markdown image that stands for it.

The Markdown output links the image to an SVG file beside the memo (``<audience>-<name>.svg``,
:mod:`briefgen.formats.svg`); the Word output draws a native chart where the image stands
(:mod:`briefgen.formats.docx.chart`); the HTML output inlines the SVG. The data is what the template could have
printed itself, and reading it marks the memo as reading those fields would: a chart of the weighted comparison reads
every shown option's title, scores and total, the tornado reads ``memo.sensitivity``. An option whose total is
withheld has no bar (a stack of the scores the audience may see would read as a total); the tornado exists only where
``memo.sensitivity`` does. The chart carries the most restrictive marking of its data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefgen.analysis.memo_context import MemoContext, OptionView
from briefgen.formats.filters import escape_md
from briefgen.inputs.scales import Marking, most_restrictive

if TYPE_CHECKING:
    from briefgen.formats.sandbox import Sandbox

KINDS = ("scores", "tornado")
Note = Callable[[Marking, dict[str, set[str]], set[str]], None]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None: no bar (withheld)


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: ``stacked`` (one bar per category, a segment per series) or ``tornado`` (per
    category, a bar per series from ``origin``)."""

    name: str  # "scores" or "tornado"
    file: str  # the SVG's name beside the memo: "<audience>-<name>.svg"
    title: str
    kind: str  # "stacked" or "tornado"
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis: str  # what the value axis measures
    marking: Marking
    origin: float = 0.0  # where the bars start
    note: str = ""  # a line under the chart (what a withheld bar means, where the bars start)

    @property
    def caption(self) -> str:
        """The title with its portion mark when above TLP:CLEAR, as the options paper marks portions."""
        mark = f"({self.marking.value}) " if self.marking > Marking.CLEAR else ""
        return f"{mark}{self.title}"


class ChartError(ValueError):
    """A template asked for a chart that does not exist (a template error at the line that asks)."""


@dataclass
class Charts:
    """The charts one render draws, in order; ``chart(name)`` is the template helper. ``note`` is told what the
    chart read (markings, option fields, memo fields), as the sandbox is told what a template reads."""

    ctx: MemoContext
    note: Note
    drawn: dict[str, Chart] = field(default_factory=dict)

    def chart(self, name: str) -> str:
        """The Markdown image of chart ``name`` (nothing where there is nothing to draw for this audience)."""
        if name not in KINDS:
            raise ChartError(f"unknown chart {name!r} (expected one of: {', '.join(KINDS)})")
        drawn = self.drawn.get(name) or (scores_chart if name == "scores" else tornado_chart)(self.ctx, self.note)
        if drawn is None:
            return ""
        self.drawn[name] = drawn
        return f"![{escape_md(drawn.caption)}]({drawn.file})"

    @property
    def all(self) -> tuple[Chart, ...]:
        return tuple(self.drawn.values())


def noting(env: Sandbox) -> Note:
    """What a chart read, noted in the render's records (those of the pass under way: the sandbox starts new records
    for each pass and for the late blocks)."""

    def note(marking: Marking, option_fields: dict[str, set[str]], memo_fields: set[str]) -> None:
        reads = env.reads
        reads.markings.add(marking)
        for option, names in option_fields.items():
            reads.option_fields.setdefault(option, set()).update(names)
        reads.memo_fields |= memo_fields

    return note


def chart_file(audience_id: str, name: str) -> str:
    return f"{audience_id}-{name}.svg"


def scores_chart(ctx: MemoContext, note: Note) -> Chart | None:
    """The weighted comparison: a bar per option, a segment per criterion (its weight × score)."""
    options = ctx.options
    shown = [o for o in options if o.total is not None]
    if not shown:
        return None
    criteria = [c for c in ctx.criteria if c.weight > 0]
    shown_markings = [*(o.marking for o in options), *(s.marking for o in shown for s in o.scores)]
    marking = most_restrictive([*shown_markings, *(_total(o) for o in shown)])
    note(marking, {o.id: {"title", "scores", "total"} for o in options}, {"options", "criteria"})
    series = tuple(
        Series(c.name, tuple(_weighted(o, c.id) if o.total is not None else None for o in options)) for c in criteria
    )
    withheld = [o for o in options if o.total is None]
    return Chart(
        name="scores",
        file=chart_file(ctx.audience_id, "scores"),
        title="Weighted comparison: each option's score, by criterion",
        kind="stacked",
        categories=tuple(o.title + (" (withheld)" if o.total is None else "") for o in options),
        series=series,
        axis="Weighted score (1 to 5)",
        marking=marking,
        note=f"{len(withheld)} option{'s' if len(withheld) > 1 else ''} not scored in full for this audience"
        if withheld
        else "",
    )


def tornado_chart(ctx: MemoContext, note: Note) -> Chart | None:
    """The tornado: per criterion, the top option's lead when its weight is cut and when it is raised."""
    s = ctx.sensitivity
    note(s.marking if s is not None else Marking.CLEAR, {}, {"sensitivity"})
    if s is None or not s.tornado:
        return None
    step = f"{round(s.step * 100):g}%"
    return Chart(
        name="tornado",
        file=chart_file(ctx.audience_id, "tornado"),
        title=f"Does the ranking hold? Each weight cut and raised by {step}",
        kind="tornado",
        categories=tuple(b.name for b in s.tornado),
        series=(
            Series(f"Weight cut by {step}", tuple(b.low_lead for b in s.tornado)),
            Series(f"Weight raised by {step}", tuple(b.high_lead for b in s.tornado)),
        ),
        axis=f"Lead of {s.top_title} over the next option (score points)",
        marking=s.marking,
        origin=s.lead,
        note=f"Bars start at the lead at the stated weights ({s.lead:.2f}); below 0 another option ranks first",
    )


def _weighted(option: OptionView, criterion: str) -> float | None:
    return next((s.weighted for s in option.scores if s.criterion == criterion), None)


def _total(option: OptionView) -> Marking:
    return option.derived_markings.get("total", option.marking)
