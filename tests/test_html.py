"""HTML: one self-contained page per memo — styles in the page, the marking as a banner at the top and the bottom,
footnotes as linked notes, charts inline as SVG — that makes no request when opened: nothing in it refers to
anything outside it except the plain links a reader may follow, and its security policy forbids loading anything."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from briefs import BRIEF, EVIDENCE, build_tree
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.cli import main
from briefgen.formats.html.page import POLICY

MEMO = "outputs/test-memo"
SVG = "{http://www.w3.org/2000/svg}"

TEMPLATE = """\
{% extends "base.md.j2" %}
{% block body %}
# A memo

A claim.[^1] Another claim, citing it again.[^1] And a second note.[^2]

A [source](https://example.org/report) and a [bad link](javascript:alert(1)),
an image ![a picture](https://example.org/x.png) and raw <img src="https://example.org/y.png"> HTML.

| Option | Level |
|---|---|
| A | High |
| **Heading** | Very Low |

{{ chart("scores") }}

[^1]: The first note, with its [source](https://example.org/report).
[^2]: The second note.
{% endblock %}
"""

SOURCE_URL = EVIDENCE.replace("  publisher: An outlet\n", "  publisher: An outlet\n  url: https://example.org/report\n")


def page(root: Path, audience: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((root / MEMO / f"{audience}.html").read_bytes())


def remote_references(tree: lxml.html.HtmlElement) -> list[str]:
    """Every reference a browser would fetch by itself: src, srcset, data, poster, xlink:href and SVG href, styles'
    url(), link and script elements, meta refresh, base, frames, objects."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2].lower()
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local in ("src", "srcset", "data", "poster", "background", "action", "formaction", "ping"):
                found.append(f"{tag} {local}={value}")
            if local == "href" and tag != "a":
                found.append(f"{tag} href={value}")
            if local == "style" and "url(" in value:
                found.append(f"{tag} style={value}")
        if tag in ("link", "script", "iframe", "frame", "object", "embed", "base", "img", "image", "use", "video"):
            found.append(tag)
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("meta refresh")
        if tag == "style" and ("url(" in (element.text or "") or "@import" in (element.text or "")):
            found.append("style url")
    return found


def test_every_audience_gets_a_self_contained_page(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"templates/partner.md.j2": TEMPLATE, "evidence/src-one.yaml": SOURCE_URL})
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "3 written, 0 unchanged"
    for audience in ("principal", "working-level", "partner"):
        tree = page(root, audience)
        assert remote_references(tree) == [], audience
        links = [a.get("href") for a in tree.iter("a") if a.get("href")]
        assert all(h.startswith("#") or h == "https://example.org/report" for h in links), links
        policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert policy == [POLICY] and "default-src 'none'" in POLICY


def test_the_banner_top_and_bottom_is_the_marking(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root, fmt="html")
    for audience in ("principal", "working-level", "partner"):
        tree = page(root, audience)
        banners = tree.find_class("marking")
        body = tree.find("body")
        assert body is not None
        assert [b.text for b in banners] == [banners[0].text] * 2
        assert body[0] is banners[0] and body[-1] is banners[1]  # first and last on the page
        marking = tree.xpath("//meta[@name='marking']/@content")[0]
        assert banners[0].text == marking
        assert not (root / MEMO / f"{audience}.md").exists()  # --format html writes the page alone
    assert page(root, "working-level").find_class("marking")[0].text == "TLP:AMBER"
    assert page(root, "partner").find_class("marking")[0].text == "TLP:CLEAR"


def test_footnotes_are_linked_notes_and_back(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"templates/partner.md.j2": TEMPLATE})
    build(root, audience="partner", fmt="html")
    tree = page(root, "partner")
    refs = tree.xpath("//sup[@class='fnref']/a")
    assert [(a.text, a.get("href")) for a in refs] == [("1", "#fn-1"), ("1", "#fn-1"), ("2", "#fn-2")]
    ids = [a.get("id") for a in refs]
    assert len(set(ids)) == 3
    notes = tree.xpath("//section[@class='footnotes']//li")
    assert [li.get("id") for li in notes] == ["fn-1", "fn-2"]
    backs = [a.get("href") for a in notes[0].find_class("back")]
    assert backs == [f"#{ids[0]}", f"#{ids[1]}"]
    assert "The first note" in notes[0].text_content()


def test_data_and_raw_html_stay_text(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"templates/partner.md.j2": TEMPLATE})
    build(root, audience="partner", fmt="html")
    text = (root / MEMO / "partner.html").read_text(encoding="utf-8")
    tree = page(root, "partner")
    assert "javascript" not in "".join(a.get("href") or "" for a in tree.iter("a"))
    assert "&lt;img src=" in text  # raw HTML in the Markdown is shown as text, as in Word
    assert "a picture" in tree.text_content()  # an image that is no chart shows its description


def test_heat_cells_are_shaded_and_charts_are_inline_svg(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"templates/partner.md.j2": TEMPLATE})
    build(root, audience="partner", fmt="html")
    tree = page(root, "partner")
    cells = {td.text_content(): td.get("style") or "" for td in tree.iter("td")}
    assert "background:#F4B183" in cells["High"] and "background:#006100" in cells["Very Low"]
    assert "color:#FFFFFF" in cells["Very Low"]
    assert "background:#D9D9D9" in cells["Heading"]  # an all-bold cell is a row heading
    svgs = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("svg")]
    assert len(svgs) == 1
    assert not (root / MEMO / "partner-scores.svg").exists()  # the page holds the chart itself


def test_a_green_page_holds_nothing_above_green(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root, audience="partner", fmt="html")
    text = (root / MEMO / "partner.html").read_text(encoding="utf-8")
    assert "Something else happened" not in text  # E-2 is TLP:AMBER
    assert "TLP:AMBER" not in text


def test_html_is_incremental_and_deterministic(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    first = build(root, fmt="html")
    assert len(first.written) == 3
    before = (root / MEMO / "working-level.html").read_bytes()
    assert build(root, fmt="html").written == ()
    (root / MEMO / "principal.html").unlink()
    assert build(root, fmt="html").written == (f"{MEMO}/principal.html",)
    assert build(root, fmt="html", force=True).written == ()  # the same bytes are not written again
    assert (root / MEMO / "working-level.html").read_bytes() == before
    brief = BRIEF.replace("Cooperate in the civil sphere now", "Cooperate in the civil sphere at once")
    (root / "briefgen.yaml").write_text(brief, encoding="utf-8")
    changed = build(root, fmt="html").written  # the partner version shows no BLUF
    assert changed == (f"{MEMO}/principal.html", f"{MEMO}/working-level.html")


def test_an_html_page_edited_by_hand_is_not_overwritten(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {})
    build(root, fmt="html")
    (root / MEMO / "partner.html").write_text("mine", encoding="utf-8")
    (root / "briefgen.yaml").write_text(BRIEF.replace("now;", "today;"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--format", "html"])
    assert result.exit_code == 1
    assert re.search(r"outputs/test-memo/partner\.html: edited by hand", result.output), result.output
    assert (root / MEMO / "partner.html").read_text(encoding="utf-8") == "mine"


def test_a_format_an_audience_no_longer_lists_leaves_no_stale_page_above_its_marking(tmp_path: Path) -> None:
    """The working level's page showed an AMBER record; the audience is lowered to GREEN and its formats drop html:
    the page left from before would hold what the audience may no longer see, beside a CLEAR memo. The next build
    removes it (as it removes the outputs of an audience that left the brief), unless it was edited by hand."""
    wl = "  working-level: {name: Desk officers, template: options-paper.md.j2, max_marking: TLP:AMBER+STRICT}\n"
    listed = wl.replace("}", ", formats: [md, docx, html]}")
    lowered = wl.replace("TLP:AMBER+STRICT}", "TLP:GREEN}")
    root = build_tree(tmp_path, {"briefgen.yaml": BRIEF.replace(wl, listed)})
    build(root)
    assert "Something else happened" in (root / MEMO / "working-level.html").read_text()
    (root / "briefgen.yaml").write_text(BRIEF.replace(wl, lowered))
    result = build(root)
    assert f"{MEMO}/working-level.html" in result.removed
    assert not (root / MEMO / "working-level.html").exists()
    for path in (root / "outputs").rglob("*.*"):
        assert b"Something else happened" not in path.read_bytes(), path


def test_html_is_typeset_as_word_is_and_follows_the_curly_quotes_setting(tmp_path: Path) -> None:
    """Curly quotes (the house style's), non-breaking spaces in dates and hyphens in ids, as in Word; code as
    written; ``style.curly_quotes: false`` keeps straight quotes in HTML too, and switching it rebuilds the page."""
    typeset = (
        '{% extends "base.md.j2" %}{% block body %}\n"Quoted," said the desk\'s note on 24 March 2026 about R-BAI-1.'
        '\n\n`"code"`\n{% endblock %}\n'
    )
    root = build_tree(tmp_path, {"templates/partner.md.j2": typeset})
    build(root, fmt="html")
    text = (root / "outputs/test-memo/partner.html").read_text(encoding="utf-8")
    assert "\u201cQuoted,\u201d said the desk\u2019s note on 24\u00a0March\u00a02026 about R\u2011BAI\u20111." in text
    assert "<code>&quot;code&quot;</code>" in text or '<code>"code"</code>' in text
    brief = root / "briefgen.yaml"
    brief.write_text(brief.read_text() + "style: {curly_quotes: false}\n")
    build(root, fmt="html")
    text = (root / "outputs/test-memo/partner.html").read_text(encoding="utf-8")
    assert '"Quoted," said the desk\'s note on 24\u00a0March\u00a02026' in text.replace("&quot;", '"')


def test_a_repeated_heading_s_id_is_the_one_the_contents_links_to(tmp_path: Path) -> None:
    """Heading ids are the anchors the Markdown contents and Word use (GitHub's: the second ``options`` is
    ``options-1``), so every contents link lands on its heading in the page."""
    template = (
        '{% extends "base.md.j2" %}{% block body %}\n{{ contents() }}\n\n## Options\n\nFirst.\n\n## Options\n\n'
        "Second.\n{% endblock %}\n"
    )
    root = build_tree(tmp_path, {"templates/partner.md.j2": template})
    build(root, fmt="html")
    tree = page(root, "partner")
    ids = {h.get("id") for h in tree.iter("h1", "h2", "h3")}
    links = [a.get("href")[1:] for a in tree.iter("a") if (a.get("href") or "").startswith("#options")]
    assert links == ["options", "options-1"] and set(links) <= ids, (links, ids)
