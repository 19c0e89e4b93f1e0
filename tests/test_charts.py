"""Charts: chart("scores") and chart("tornado") draw what the audience may see — an SVG beside the Markdown (linked
from it), a native chart in Word (a DrawingML chart part whose numbers are the figures), the same bytes every time —
and carry the marking of their data."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from briefs import BRIEF, OPTION, build_tree
from click.testing import CliRunner
from lxml import etree

from briefgen.builder.run import build
from briefgen.cli import main
from briefgen.formats.charts import Chart, Series
from briefgen.formats.docx.chart import chart_part
from briefgen.formats.svg import axis_range, svg_bytes
from briefgen.inputs.scales import Marking

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
MEMO = "outputs/test-memo"

CHARTS_TEMPLATE = """\
{% extends "base.md.j2" %}
{% block body %}
Before.

{{ chart("scores") }}

{{ chart("tornado") }}

After.
{% endblock %}
"""

# beta's influence score rests on an AMBER record: its total (and every rank) is withheld from the GREEN partner.
AMBER_SCORE = OPTION.format(id="beta").replace(
    "influence: {score: 4, rationale: Good., evidence: [E-1]}",
    "influence: {score: 5, rationale: Good., evidence: [E-2]}",
)


def charted(tmp_path: Path, **files: str) -> Path:
    return build_tree(tmp_path, {"templates/partner.md.j2": CHARTS_TEMPLATE, **files})


def chart_values(docx: bytes) -> dict[str, list[list[float]]]:
    """Each chart part's series values, by part name."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in package.namelist():
            if name.startswith("word/charts/"):
                root = etree.fromstring(package.read(name))
                found[name] = [
                    [float(v.text or "") for v in ser.iterfind(f"{C}val/{C}numRef/{C}numCache/{C}pt/{C}v")]
                    for ser in root.iter(f"{C}ser")
                ]
    return found


def test_the_options_paper_draws_both_charts_in_every_format(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root, audience="working-level")
    md = (root / MEMO / "working-level.md").read_text(encoding="utf-8")
    assert "](working-level-scores.svg)" in md and "](working-level-tornado.svg)" in md
    for name in ("scores", "tornado"):
        svg = (root / MEMO / f"working-level-{name}.svg").read_bytes()
        etree.fromstring(svg)  # well-formed XML
        assert b"<script" not in svg and b"href" not in svg
    docx = (root / MEMO / "working-level.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
        body = package.read("word/document.xml").decode()
    assert len(names) == len(set(names)), names  # each part once ([Content_Types].xml changes with the charts)
    assert [n for n in names if n.startswith("word/charts/")] == ["word/charts/chart1.xml", "word/charts/chart2.xml"]
    assert types.count("drawingml.chart+xml") == 2
    assert rels.count("relationships/chart") == 2
    assert body.count("<c:chart ") == 2 and "drawingml/2006/chart" in body
    # the weighted comparison: a series per criterion, a value per option: weight × score
    scores = chart_values(docx)["word/charts/chart1.xml"]
    assert scores == [[2.4, 2.4], [0.8, 0.8]]  # influence 0.6 × 4, cost 0.4 × 2, for alpha and beta


def test_charts_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = build_tree(tmp_path / "a", {})
    second = build_tree(tmp_path / "b", {})
    build(first)
    build(second)
    for name in ("working-level-scores.svg", "working-level-tornado.svg", "working-level.docx"):
        assert (first / MEMO / name).read_bytes() == (second / MEMO / name).read_bytes()
    chart = Chart(
        "scores", "x-scores.svg", "T", "stacked", ("a", "b"), (Series("s", (1.0, 2.0)),), "axis", Marking.CLEAR
    )
    assert svg_bytes(chart) == svg_bytes(chart) and chart_part(chart) == chart_part(chart)


def test_a_green_audience_chart_holds_nothing_above_green(tmp_path: Path) -> None:
    root = charted(tmp_path, **{"options/beta.yaml": AMBER_SCORE})
    build(root, audience="partner")
    md = (root / MEMO / "partner.md").read_text(encoding="utf-8")
    assert md.splitlines()[0] == "**TLP:CLEAR**"  # the chart's data is all CLEAR: nothing marks it higher
    assert "partner-tornado.svg" not in md  # the ranks are withheld, so the sensitivity figures are
    assert not (root / MEMO / "partner-tornado.svg").exists()
    svg = (root / MEMO / "partner-scores.svg").read_text(encoding="utf-8")
    assert "Option beta (withheld)" in svg and "TLP:AMBER" not in svg
    assert "3.00" not in svg  # beta's AMBER influence score, 0.6 × 5, is nowhere
    values = chart_values((root / MEMO / "partner.docx").read_bytes())
    assert values == {"word/charts/chart1.xml": [[2.4], [0.8]]}  # alpha's bar only: beta has none


def test_a_chart_carries_the_marking_of_its_data(tmp_path: Path) -> None:
    brief = BRIEF.replace("template: principal.md.j2", "template: partner.md.j2")  # the charts, up to AMBER
    root = charted(tmp_path, **{"options/beta.yaml": AMBER_SCORE, "briefgen.yaml": brief})
    build(root, audience="principal")
    md = (root / MEMO / "principal.md").read_text(encoding="utf-8")
    assert md.splitlines()[0] == "**TLP:AMBER**"  # the chart alone shows beta's AMBER score
    assert "![(TLP:AMBER) Weighted comparison" in md
    assert "TLP:AMBER" in (root / MEMO / "principal-scores.svg").read_text(encoding="utf-8")


def test_a_chart_that_is_no_longer_drawn_is_removed(tmp_path: Path) -> None:
    root = charted(tmp_path)
    build(root, audience="partner")
    assert (root / MEMO / "partner-scores.svg").exists()
    (root / "templates/partner.md.j2").write_text(CHARTS_TEMPLATE.replace('{{ chart("scores") }}', ""), "utf-8")
    result = build(root, audience="partner")
    assert not (root / MEMO / "partner-scores.svg").exists()
    assert f"{MEMO}/partner-scores.svg" in result.removed


def test_a_chart_file_edited_by_hand_is_not_overwritten(tmp_path: Path) -> None:
    root = charted(tmp_path)
    build(root, audience="partner")
    (root / MEMO / "partner-scores.svg").write_text("<svg/>", encoding="utf-8")
    again = CliRunner().invoke(main, ["build", "-p", str(root), "--audience", "partner", "--force"])
    assert again.exit_code == 0, again.output
    assert "saved your edited outputs/test-memo/partner-scores.svg" in again.output


def test_a_missing_chart_file_is_rebuilt(tmp_path: Path) -> None:
    root = charted(tmp_path)
    build(root)
    (root / MEMO / "partner-scores.svg").unlink()
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / MEMO / "partner-scores.svg").exists()


def test_an_unknown_chart_is_a_template_error_at_its_line(tmp_path: Path) -> None:
    root = charted(tmp_path, **{"templates/partner.md.j2": CHARTS_TEMPLATE.replace('"tornado"', '"pie"')})
    result = CliRunner().invoke(main, ["check", "-p", str(root)])
    assert result.exit_code == 1
    assert re.search(r"templates/partner\.md\.j2:7: template: error: unknown chart 'pie'", result.output), result.output


def test_the_axis_starts_at_zero_for_totals_and_spans_the_tornado_bars() -> None:
    stacked = Chart("scores", "f", "t", "stacked", ("a",), (Series("s", (3.85,)),), "x", Marking.CLEAR)
    assert axis_range(stacked)[:2] == (0.0, 4.0)
    tornado = Chart("tornado", "f", "t", "tornado", ("a",), (Series("c", (0.54,)), Series("r", (0.64,))), "x",
                    Marking.CLEAR, origin=0.6)  # fmt: skip
    low, high, _ = axis_range(tornado)
    assert 0.5 <= low <= 0.54 and 0.64 <= high <= 0.7  # zero is left out while no bar reaches it
    displaced = Chart("tornado", "f", "t", "tornado", ("a",), (Series("c", (-0.1,)), Series("r", (0.3,))), "x",
                      Marking.CLEAR, origin=0.1)  # fmt: skip
    assert axis_range(displaced)[0] < 0 < axis_range(displaced)[1]


# The schema's sequences (ECMA-376 Part 1, dml-chart.xsd) for the elements the chart part writes: Word "repairs" a
# part whose children come out of order.
SCHEMA_ORDER = {
    "chartSpace": ["date1904", "lang", "roundedCorners", "AlternateContent", "clrMapOvr", "pivotSource", "protection",
                   "chart", "spPr", "txPr", "externalData", "printSettings", "userShapes", "extLst"],
    "chart": ["title", "autoTitleDeleted", "pivotFmts", "view3D", "floor", "sideWall", "backWall", "plotArea", "legend",
              "plotVisOnly", "dispBlanksAs", "showDLblsOverMax", "extLst"],
    "barChart": ["barDir", "grouping", "varyColors", "ser", "dLbls", "gapWidth", "overlap", "serLines", "axId",
                 "extLst"],
    "ser": ["idx", "order", "tx", "spPr", "invertIfNegative", "pictureOptions", "dPt", "dLbls", "trendline", "errBars",
            "cat", "val", "shape", "extLst"],
    "catAx": ["axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
              "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses", "crossesAt", "auto",
              "lblAlgn", "lblOffset", "tickLblSkip", "tickMarkSkip", "noMultiLvlLbl", "extLst"],
    "valAx": ["axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
              "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses", "crossesAt",
              "crossBetween", "majorUnit", "minorUnit", "dispUnits", "extLst"],
    "scaling": ["logBase", "orientation", "max", "min", "extLst"],
    "title": ["tx", "layout", "overlay", "spPr", "txPr", "extLst"],
    "legend": ["legendPos", "legendEntry", "layout", "overlay", "spPr", "txPr", "extLst"],
}  # fmt: skip


def test_the_chart_part_is_in_schema_order(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root, audience="working-level", fmt="docx")
    with zipfile.ZipFile(root / MEMO / "working-level.docx") as package:
        parts = [etree.fromstring(package.read(n)) for n in package.namelist() if n.startswith("word/charts/")]
    checked = 0
    for part in parts:
        for element in part.iter():
            name = etree.QName(element).localname
            if name not in SCHEMA_ORDER or etree.QName(element).namespace != C[1:-1]:
                continue
            order = [SCHEMA_ORDER[name].index(etree.QName(child).localname) for child in element]
            assert order == sorted(order), f"{name}: {[etree.QName(child).localname for child in element]}"
            checked += 1
    assert checked > 20
