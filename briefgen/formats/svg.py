"""A chart as a standalone SVG file (beside the Markdown memo, and inline in the HTML page): horizontal bars, a value
axis with round ticks, a legend, the chart's marking in the TLP look at the top right, and its data again as the
description. Plain text, no script, no external reference (fonts are named, never fetched); the same chart always
gives the same bytes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.formats.charts import Chart
from briefgen.formats.docx.xml import escape_attr as xml_attr
from briefgen.formats.docx.xml import escape_text as xml_text
from briefgen.inputs.scales import Marking

WIDTH = 680
FONT = "'Liberation Sans', Arial, Helvetica, sans-serif"
PALETTE = ("1F3864", "2E75B6", "9DC3E6", "C55A11", "F4B183", "70AD47", "A5A5A5", "FFC000", "7030A0", "264478")
TORNADO = ("C55A11", "2E75B6")  # cut, rise
TLP_COLOURS = {"TLP:CLEAR": "FFFFFF", "TLP:GREEN": "33FF00", "TLP:AMBER": "FFC000", "TLP:AMBER+STRICT": "FFC000",
               "TLP:RED": "FF2B2B"}  # fmt: skip
_EM = 0.56  # average advance of a character, in ems (Liberation Sans)
_ROW = 30  # pixels per category, at least
_VALUE_ROOM = 36  # beside the plot, for the value printed at a bar's end
_PAD = 16


@dataclass(frozen=True)
class _Frame:
    left: int  # where the plot starts (after the category labels)
    right: int
    top: int
    low: float  # the axis range
    high: float

    def x(self, value: float) -> float:
        return self.left + (value - self.low) / (self.high - self.low) * (self.right - self.left)


def chart_svg(chart: Chart, ident: str = "") -> str:
    """The chart as an SVG document; ``ident`` prefixes its element ids (two charts inline in one page)."""
    ident = ident or chart.name
    labels = [_wrapped(c, 26) for c in chart.categories]
    label_width = min(int(max(_width(line, 12) for lines in labels for line in lines)) + 12, WIDTH // 3)
    low, high, ticks = axis_range(chart)
    top = 48
    rows = [max(_ROW, 13 * len(lines) + 10) for lines in labels]
    frame = _Frame(_PAD + label_width + _VALUE_ROOM, WIDTH - _PAD - _VALUE_ROOM, top, low, high)
    plot_bottom = top + sum(rows)
    axis_lines = _wrapped(chart.axis, 90)
    legend_top = plot_bottom + 26 + 14 * len(axis_lines)
    legend, legend_height = _legend(chart, legend_top)
    note_y = legend_top + legend_height + 6
    height = note_y + (18 if chart.note else 0) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="{xml_attr(FONT)}" font-size="12">',
        f'<title id="{ident}-title">{xml_text(chart.caption)}</title>',
        f'<desc id="{ident}-desc">{xml_text(describe(chart))}</desc>',
        f'<rect width="{WIDTH}" height="{height}" fill="#FFFFFF"/>',
        *_marking(chart.marking),
        f'<text x="{_PAD}" y="24" font-size="14" font-weight="bold" fill="#1F3864">{xml_text(chart.title)}</text>',
        *_grid(frame, ticks, plot_bottom, axis_lines),
        *_bars(chart, frame, labels, rows),
        *legend,
    ]
    if chart.note:
        parts.append(f'<text x="{_PAD}" y="{note_y + 12}" font-size="11" fill="#404040">{xml_text(chart.note)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def svg_bytes(chart: Chart) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + chart_svg(chart)).encode("utf-8")


def describe(chart: Chart) -> str:
    """The chart's numbers in words, for a reader who cannot see it."""
    rows = []
    for index, category in enumerate(chart.categories):
        values = [(s.name, s.values[index]) for s in chart.series]
        shown = "; ".join(f"{name} {value:.2f}" for name, value in values if value is not None)
        rows.append(f"{category}: {shown or 'withheld'}")
    return f"{chart.axis}. " + ". ".join(rows) + "."


def axis_range(chart: Chart) -> tuple[float, float, tuple[float, ...]]:
    """The value axis: round ticks covering every bar (stacked: from zero to its total; tornado: the bars and where
    they start, and zero only where a bar reaches it, since below zero the top option is displaced)."""
    values = [chart.origin]
    for index in range(len(chart.categories)):
        column = [v for s in chart.series if (v := s.values[index]) is not None]
        values += [sum(column)] if chart.kind == "stacked" else column
    low, high = min(values), max(values)
    if chart.kind == "stacked" or low <= 0:
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    step = nice_step((high - low) / 5)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    ticks = tuple(round(n * step, 10) for n in range(first, last + 1))
    return ticks[0], ticks[-1], ticks


def nice_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``rough``."""
    power = 10 ** math.floor(math.log10(rough))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough - 1e-12))


def _marking(marking: Marking) -> list[str]:
    text = marking.value
    width = int(_width(text, 11)) + 14
    x = WIDTH - _PAD - width
    colour = TLP_COLOURS.get(text, "FFFFFF")
    return [
        f'<rect x="{x}" y="8" width="{width}" height="20" fill="#000000"/>',
        f'<text x="{x + width / 2:.1f}" y="22" font-size="11" font-weight="bold" text-anchor="middle"'
        f' fill="#{colour}">{xml_text(text)}</text>',
    ]


def _grid(frame: _Frame, ticks: Sequence[float], bottom: int, axis: Sequence[str]) -> list[str]:
    parts = []
    decimals = (
        0 if all(float(t).is_integer() for t in ticks) else 2 if any(abs(t * 10 % 1) > 1e-6 for t in ticks) else 1
    )
    for tick in ticks:
        x = frame.x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{frame.top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#D9D9D9"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#404040">{tick:.{decimals}f}</text>'
        )
    if frame.low < 0 < frame.high:
        x = frame.x(0.0)
        parts.append(f'<line x1="{x:.1f}" y1="{frame.top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#9C0006"'
                     ' stroke-dasharray="4 3"/>')  # fmt: skip
    parts.append(f'<line x1="{frame.left}" y1="{bottom}" x2="{frame.right}" y2="{bottom}" stroke="#404040"/>')
    centre = (frame.left + frame.right) / 2
    for n, line in enumerate(axis):
        parts.append(f'<text x="{centre:.1f}" y="{bottom + 32 + 14 * n}" text-anchor="middle"'
                     f' fill="#404040">{xml_text(line)}</text>')  # fmt: skip
    return parts


def _bars(chart: Chart, frame: _Frame, labels: Sequence[Sequence[str]], rows: Sequence[int]) -> list[str]:
    parts = []
    y = float(frame.top)
    for index, (lines, row) in enumerate(zip(labels, rows, strict=True)):
        first = y + row / 2 - (len(lines) - 1) * 6.5 + 4
        for n, line in enumerate(lines):
            parts.append(f'<text x="{frame.left - _VALUE_ROOM - 8}" y="{first + n * 13:.1f}" text-anchor="end"'
                         f' fill="#000000">{xml_text(line)}</text>')  # fmt: skip
        bars = _stack(chart, frame, index, y, row) if chart.kind == "stacked" else _pair(chart, frame, index, y, row)
        parts += bars
        y += row
    if chart.kind != "stacked":
        x = frame.x(chart.origin)
        bottom = frame.top + sum(rows)
        parts.append(f'<line x1="{x:.1f}" y1="{frame.top - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#000000"/>')
    return parts


def _stack(chart: Chart, frame: _Frame, index: int, y: float, row: int) -> list[str]:
    parts = []
    start = 0.0
    for number, series in enumerate(chart.series):
        value = series.values[index]
        if value is None:
            continue
        x0, x1 = frame.x(start), frame.x(start + value)
        colour = PALETTE[number % len(PALETTE)]
        parts.append(_rect(x0, y + (row - 20) / 2, x1 - x0, 20, colour, f"{series.name}: {value:.2f}"))
        start += value
    if any(s.values[index] is not None for s in chart.series):
        parts.append(f'<text x="{frame.x(start) + 4:.1f}" y="{y + row / 2 + 4:.1f}" fill="#000000">{start:.2f}</text>')
    else:
        parts.append(f'<text x="{frame.x(0.0) + 4:.1f}" y="{y + row / 2 + 4:.1f}" fill="#595959"'
                     ' font-style="italic">withheld</text>')  # fmt: skip
    return parts


def _pair(chart: Chart, frame: _Frame, index: int, y: float, row: int) -> list[str]:
    parts = []
    height = 22 / max(len(chart.series), 1)
    for number, series in enumerate(chart.series):
        value = series.values[index]
        if value is None:
            continue
        x0, x1 = sorted((frame.x(chart.origin), frame.x(value)))
        colour = TORNADO[number % len(TORNADO)]
        top = y + (row - 22) / 2 + number * height
        parts.append(_rect(x0, top, x1 - x0, height - 1, colour, f"{series.name}: {value:.2f}"))
        right = value >= chart.origin
        anchor = 'text-anchor="start"' if right else 'text-anchor="end"'
        at = (x1 + 3) if right else (x0 - 3)
        parts.append(f'<text x="{at:.1f}" y="{top + height - 2:.1f}" font-size="10" {anchor}'
                     f' fill="#404040">{value:.2f}</text>')  # fmt: skip
    return parts


def _rect(x: float, y: float, width: float, height: float, colour: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}" height="{height:.1f}" fill="#{colour}">'
        f"<title>{xml_text(title)}</title></rect>"
    )


def _legend(chart: Chart, top: int) -> tuple[list[str], int]:
    """Legend entries in rows that fit the width; the markup and its height."""
    parts, x, y = [], float(_PAD), top
    colours = TORNADO if chart.kind != "stacked" else PALETTE
    for number, series in enumerate(chart.series):
        width = 18 + _width(series.name, 12) + 18
        if x + width > WIDTH - _PAD and x > _PAD:
            x, y = float(_PAD), y + 18
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="#{colours[number % len(colours)]}"/>')
        parts.append(f'<text x="{x + 17:.1f}" y="{y + 10}" fill="#000000">{xml_text(series.name)}</text>')
        x += width
    return parts, y - top + 18


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, at most three (the last shortened with an ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][: width - 1] + "…"]
    return lines or [""]


def _width(text: str, size: int) -> float:
    return len(text) * _EM * size
