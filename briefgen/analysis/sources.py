"""How a source is cited: the full note form (Chicago notes style) and the short form used after a source's first
note."""

from __future__ import annotations

from briefgen.inputs.validate import Brief


def citation(brief: Brief, source_id: str) -> str:
    """Chicago-style note text: author, "title", outlet, date, URL — only what the source gives."""
    source = brief.sources[source_id]
    parts = [source.author, f"“{source.title}”", source.publisher, source.published.long()]
    text = ", ".join(p for p in parts if p)
    return f"{text}, {source.url}" if source.url else text


def short_citation(brief: Brief, source_id: str) -> str:
    """Author's surname (or the outlet, or the title) and year: "Keranen 2025"."""
    source = brief.sources[source_id]
    who = source.author.split()[-1] if source.author else source.publisher or source.title
    return f"{who} {source.published.year}"
