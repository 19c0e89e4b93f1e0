"""The memo as one self-contained HTML page: its styles in the page, its charts inline as SVG, the marking as a banner
at the top and the bottom (in the TLP look: the colour of the marking on black), and a content security policy that
lets the page load nothing at all — no style sheet, script, font, image or frame from anywhere — so that opening it
makes no request, whatever a memo holds. The sources' own links stay plain links a reader may follow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyromark

from briefgen.formats.charts import Chart
from briefgen.formats.docx.xml import escape_attr as xml_attr
from briefgen.formats.docx.xml import escape_text as xml_text
from briefgen.formats.html.body import BodyHtml
from briefgen.formats.markdown import is_banner
from briefgen.formats.svg import TLP_COLOURS

OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_FOOTNOTES
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """\
body{margin:0;background:#FFFFFF;color:#000000;font:11pt/1.45 'Liberation Sans',Arial,Helvetica,sans-serif}
main{max-width:50rem;margin:0 auto;padding:1rem 1.25rem}
.marking{background:#000000;font-weight:bold;text-align:right;padding:.3rem 1.25rem;letter-spacing:.03em}
h1,h2,h3,h4{color:#1F3864;line-height:1.25;margin:1.4em 0 .5em}
h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #D9D9D9;padding-bottom:.15em}h3{font-size:1.1em}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em;width:100%}
th,td{border:1px solid #808080;padding:.25em .45em;vertical-align:top;text-align:left}
th{background:#D9D9D9}
blockquote{margin:.6em 0;padding:0 1em;border-left:3px solid #D9D9D9;color:#404040}
code{font-family:'Liberation Mono',Consolas,monospace;font-size:.92em}
pre{background:#F2F2F2;padding:.6em;overflow-x:auto}
.chart{display:block;margin:.8em 0;overflow-x:auto}.chart svg{max-width:100%;height:auto}
.fnref{font-size:.75em;line-height:0}
.footnotes{border-top:1px solid #D9D9D9;margin-top:2em;font-size:.9em}
a{color:#1F4E9A}
@media print{.marking{-webkit-print-color-adjust:exact;print-color-adjust:exact}main{max-width:none}}
"""


def html_page(
    markdown: str, marking: str, title: str, charts: Sequence[Chart], heat: Mapping[str, str], curly: bool = True
) -> bytes:
    """The page of a memo rendered as ``markdown`` (its banner and footer lines become the page's banners)."""
    writer = BodyHtml(heat, {chart.file: chart for chart in charts}, curly=curly)
    body = writer.markup(pyromark.events(_inner(markdown, marking), options=OPTIONS))
    banner = banner_html(marking)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta name="marking" content="{xml_attr(marking)}">\n'
        f"<title>{xml_text(f'{marking} — {title}')}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
        f"{banner}\n<main>\n{body}</main>\n{banner}\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def banner_html(marking: str) -> str:
    colour = TLP_COLOURS.get(marking, "FFFFFF")
    return f'<div class="marking" role="note" style="color:#{colour}">{xml_text(marking)}</div>'


def _inner(markdown: str, marking: str) -> str:
    """The Markdown without its banner line (the first) and its footer line (the last, when it is the marking):
    the page shows both as banners of its own."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    lines = text.rstrip("\n").split("\n")
    if lines and is_banner(lines[0], marking):
        lines = lines[1:]
    if lines and is_banner(lines[-1], marking):
        lines = lines[:-1]
    return "\n".join(lines) + "\n"
