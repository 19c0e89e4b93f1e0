"""Hyperlinks: which link targets become links (as markdown-it decided: no ``javascript:``, ``vbscript:``, ``file:``
or ``data:`` other than images), the target normalised as markdown-it wrote it (percent-encoded, the host name of an
http(s) link in IDNA form), and the relationship each distinct external target gets in one memo."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from briefgen.formats.docx.xml import xml_safe

_BAD_PROTOCOL = re.compile(r"(vbscript|javascript|file|data):")
_GOOD_DATA = re.compile(r"data:image/(gif|png|jpeg|webp);")
# What a URL keeps as it is (markdown-it's mdurl.encode); anything else is percent-encoded, a bare % too.
_TO_ENCODE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+")


def link_target(url: str) -> str | None:
    """The target a link is written with; None when there must be no link (an empty or unsafe target)."""
    lowered = url.strip().lower()
    if not url or (_BAD_PROTOCOL.match(lowered) and not _GOOD_DATA.match(lowered)):
        return None
    return _TO_ENCODE.sub(lambda m: quote(m.group(), safe=""), xml_safe(_ascii_host(url)))


def _ascii_host(url: str) -> str:
    """An http(s) URL with its host name in IDNA (punycode) form."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    user, at, host_port = rest[:end].rpartition("@")
    host, colon, port = host_port.partition(":")
    if host.isascii():
        return url
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return url
    return f"{scheme}://{user}{at}{host}{colon}{port}{rest[end:]}"


@dataclass
class Links:
    """The document's relationships as a memo adds hyperlinks: one per distinct external target (a target the
    reference document already links to keeps its relationship), each new one numbered with the lowest free
    ``rIdN``, as python-docx numbers them."""

    taken: set[str]  # every rId in use
    existing: dict[str, str]  # external hyperlink target -> its rId, in the reference
    added: dict[str, str] = field(default_factory=dict)  # target -> new rId, in order
    lowest_free: int = 1

    @classmethod
    def of(cls, relationships: Iterable[tuple[str, str, str, bool]], hyperlink_type: str) -> Links:
        """From (rId, type, target, external) of every relationship of the document part."""
        rels = list(relationships)
        existing: dict[str, str] = {}
        for rid, kind, target, external in rels:
            if kind == hyperlink_type and external:
                existing.setdefault(target, rid)
        return cls({rid for rid, *_ in rels}, existing)

    def external(self, target: str) -> str:
        """The relationship id of an external hyperlink to ``target``."""
        found = self.existing.get(target) or self.added.get(target)
        if found is None:
            found = self.reserve()
            self.added[target] = found
        return found

    def reserve(self) -> str:
        """A new relationship id, the lowest free one (for a part the memo adds, such as a chart)."""
        while f"rId{self.lowest_free}" in self.taken:
            self.lowest_free += 1
        found = f"rId{self.lowest_free}"
        self.taken.add(found)
        return found
