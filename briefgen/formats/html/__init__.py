"""HTML output: the memo's Markdown as one self-contained page (:mod:`~briefgen.formats.html.page`), its body written
from the parser's events (:mod:`~briefgen.formats.html.body`)."""
