"""Reference-manager exports read as briefgen source citations: BibTeX (bibtexparser 2), CSL-JSON (Zotero's export)
and RIS (rispy). Each entry becomes a :class:`Citation` (briefgen's citation fields, plus every other field kept in
``extra``), or a problem naming the entry's line. Organisational authors stay whole: ``{OECD Secretariat}`` in
BibTeX, ``{"literal": ...}`` in CSL-JSON, an RIS author without a comma. Pure: text in, citations out."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from briefgen.errors import InputError, Problem, shown
from briefgen.inputs.scales import ID_PATTERN, PartialDate

FORMATS = {"bib": "bibtex", "bibtex": "bibtex", "json": "csl-json", "ris": "ris"}
CITATION_FIELDS = ("title", "author", "publisher", "published", "url", "doi")


@dataclass(frozen=True)
class Citation:
    line: int
    id: str
    fields: dict[str, str]  # title, author, publisher, published, url, doi: those the entry has
    extra: dict[str, Any] = field(default_factory=dict)
    organisations: tuple[str, ...] = ()  # the authors the export marks as organisations, not people


def format_of(name: str) -> str | None:
    return FORMATS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


def parse_citations(text: str, kind: str, path: str) -> list[Citation]:
    """Every entry of an export, or InputError with one problem per bad entry (each at its line)."""
    reader = {"bibtex": _bibtex, "csl-json": _csl, "ris": _ris}[kind]
    problems: list[Problem] = []
    citations: list[Citation] = []
    for item in reader(text, path):
        (problems if isinstance(item, Problem) else citations).append(item)  # type: ignore[arg-type]
    seen: dict[str, int] = {}
    for c in citations:
        if c.id in seen:
            problems.append(Problem(path, c.line, "id", f"duplicate entry id {c.id!r} (also on line {seen[c.id]})"))
        seen.setdefault(c.id, c.line)
    if problems:
        raise InputError(problems)
    return citations


def _entry(
    path: str,
    line: int,
    key: str | None,
    fields: dict[str, str],
    extra: dict[str, Any],
    organisations: tuple[str, ...] = (),
) -> Citation | Problem:
    """A citation from normalised fields, or the problem that makes it unusable."""
    fields = {k: " ".join(v.split()) for k, v in fields.items() if v and v.strip()}
    if "title" not in fields:
        return Problem(path, line, "title", f"entry {shown(key or '?')} has no title: a source needs one")
    if "published" not in fields:
        return Problem(path, line, "published", f"entry {shown(key or '?')} has no date: a source needs its year")
    try:
        PartialDate.parse(fields["published"])
    except ValueError as exc:
        return Problem(path, line, "published", f"entry {shown(key or '?')}: {exc}")
    ident = _make_id(key, fields)
    if ident is None:
        return Problem(path, line, "id", f"entry key {shown(key)} cannot be made an id (letters, digits, . _ -)")
    doi = fields.get("doi")
    if doi:
        fields["doi"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)
    return Citation(line, ident, fields, extra, tuple(" ".join(o.split()) for o in organisations if o.strip()))


def _make_id(key: str | None, fields: dict[str, str]) -> str | None:
    if not key:
        who = (fields.get("author") or fields["title"]).split(",")[0].split(" and ")[0].split()
        key = f"{who[-1] if who else 'source'}-{fields['published'][:4]}"
    ident = re.sub(r"[^A-Za-z0-9._-]+", "-", key.strip()).strip("-._")[:64]
    return ident if re.match(ID_PATTERN, ident) else None


def join_names(names: list[str]) -> str:
    names = [n for n in (" ".join(n.split()) for n in names) if n]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def _date(year: object, month: object = None, day: object = None) -> str:
    parts = [str(year).strip()]
    for part in (month, day):
        if part in (None, ""):
            break
        parts.append(f"{int(str(part)):02d}" if str(part).isdigit() else str(part))
    return "-".join(parts)


# ---------------------------------------------------------------- BibTeX


_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_BIB_OUTLET = ("journal", "journaltitle", "booktitle", "publisher", "institution", "organization", "howpublished")


def _bibtex(text: str, path: str) -> Iterator[Citation | Problem]:
    from bibtexparser.entrypoint import parse_string

    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its warnings about bad blocks become our own problems below
    try:
        library = parse_string(text)
    finally:
        logger.setLevel(level)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        first = (block.raw or "").strip().splitlines() or [""]
        yield Problem(path, line, "", f"malformed BibTeX entry: {shown(first[0])}")
    for entry in library.entries:
        raw = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
        names = _split_names(raw.pop("author", ""))
        fields = {
            "title": _latex(raw.pop("title", "")),
            "author": join_names([_bib_name(n) for n in names]),
            "publisher": next((_latex(raw.pop(k)) for k in _BIB_OUTLET if k in raw), ""),
            "url": raw.pop("url", ""),
            "doi": raw.pop("doi", ""),
            "published": _bib_date(raw),
        }
        extra = {"type": entry.entry_type, **{k: _latex(v) for k, v in raw.items()}}
        organisations = tuple(_bib_name(n) for n in names if _braced(n))
        yield _entry(path, (entry.start_line or 0) + 1, entry.key, fields, extra, organisations)


def _bib_date(raw: dict[str, str]) -> str:
    if "date" in raw:
        return raw.pop("date").strip()
    year = raw.pop("year", "").strip()
    month = raw.pop("month", "").strip().lower()[:3]
    day = raw.pop("day", "").strip()
    number = _MONTHS.get(month) or (int(month) if month.isdigit() else None)
    return _date(year, number, day if number else None) if year else ""


def _split_names(value: str) -> list[str]:
    """BibTeX names split on ' and ' outside braces, before any LaTeX is decoded (decoding first would strip the
    braces that keep '{OECD Secretariat}' one name)."""
    names, depth, start = [], 0, 0
    for i, char in enumerate(value):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0 and value[i : i + 5].lower() == " and " and (i == 0 or value[i - 1] != "\\"):
            names.append(value[start:i])
            start = i + 5
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _braced(name: str) -> bool:
    """'{OECD Secretariat}': a name BibTeX keeps whole, an organisation's."""
    return name.startswith("{") and name.endswith("}") and _balanced(name[1:-1])


def _bib_name(name: str) -> str:
    """'{OECD Secretariat}' → 'OECD Secretariat'; 'Keranen, Christopher S.' → 'Christopher S. Keranen'."""
    if _braced(name):
        return _latex(name[1:-1])
    parts = _top_level_split(name, ",")
    if len(parts) >= 2:
        family, given = parts[0], parts[-1]
        return _latex(f"{given} {family}")
    return _latex(name)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def _top_level_split(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0 and char == sep:
            parts.append(text[start:i].strip())
            start = i + 1
    return [*parts, text[start:].strip()]


def _latex(text: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    if not any(c in text for c in "\\{}$~%&"):
        return text
    return str(LatexNodes2Text(math_mode="verbatim").latex_to_text(text)).strip()


# ---------------------------------------------------------------- CSL-JSON


def _csl(text: str, path: str) -> Iterator[Citation | Problem]:
    for line, item in _json_items(text, path):
        if isinstance(item, Problem):
            yield item
            continue
        if not isinstance(item, dict):
            yield Problem(path, line, "", f"expected a CSL-JSON item (an object), got {shown(item)}")
            continue
        raw = dict(item)
        names = [n for n in raw.pop("author", []) if isinstance(n, dict)]
        fields = {
            "title": _text(raw.pop("title", "")),
            "author": join_names([_csl_name(n) for n in names]),
            "publisher": _text(raw.pop("container-title", "")) or _text(raw.pop("publisher", "")),
            "url": _text(raw.pop("URL", "")),
            "doi": _text(raw.pop("DOI", "")),
            "published": _csl_date(raw.pop("issued", None)),
        }
        raw.pop("publisher", None)
        key = _text(raw.pop("id", "")) or None
        organisations = tuple(_csl_name(n) for n in names if "literal" in n)
        yield _entry(path, line, key, fields, {k: _extra(v) for k, v in raw.items()}, organisations)


def _json_items(text: str, path: str) -> Iterator[tuple[int, object]]:
    """The items of a JSON array with the line each starts on; one problem for text that is no JSON array."""
    decoder = json.JSONDecoder()
    index = len(text) - len(text.lstrip())
    if text[index : index + 1] != "[":
        yield 1, Problem(path, 1, "", "expected CSL-JSON: a JSON array of items")
        return
    index += 1
    while True:
        index = _skip(text, index, " \t\r\n,")
        if index >= len(text) or text[index] == "]":
            return
        line = text.count("\n", 0, index) + 1
        try:
            item, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            yield line, Problem(path, line, "", f"malformed CSL-JSON item: {exc.msg} (line {exc.lineno})")
            return
        except RecursionError:
            yield line, Problem(path, line, "", "malformed CSL-JSON item: nested too deeply")
            return
        yield line, item


def _skip(text: str, index: int, chars: str) -> int:
    while index < len(text) and text[index] in chars:
        index += 1
    return index


def _csl_name(name: dict[str, Any]) -> str:
    if "literal" in name:
        return _text(name["literal"])
    return " ".join(p for p in (_text(name.get("given", "")), _text(name.get("family", ""))) if p)


def _csl_date(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return _date(*parts[0][:3])
    return _text(value.get("raw", "") or value.get("literal", ""))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int | float) else ""


def _extra(value: object) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---------------------------------------------------------------- RIS

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def _ris(text: str, path: str) -> Iterator[Citation | Problem]:
    import rispy

    for line, chunk in _ris_entries(text, path):
        if isinstance(chunk, Problem):
            yield chunk
            continue
        try:
            parsed = rispy.loads(chunk)
        except Exception as exc:  # rispy raises IOError and others for a bad entry: all mean one thing here
            yield Problem(path, line, "", f"malformed RIS entry: {exc}")
            continue
        if len(parsed) != 1:
            yield Problem(path, line, "", "malformed RIS entry: expected one record between TY and ER")
            continue
        raw = dict(parsed[0])
        authors = [*raw.pop("authors", []), *raw.pop("first_authors", [])]
        urls = raw.pop("urls", [])
        fields = {
            "title": raw.pop("title", "") or raw.pop("primary_title", ""),
            "author": join_names([_ris_name(a) for a in authors]),
            "publisher": next((raw.pop(k) for k in ("journal_name", "secondary_title", "publisher") if raw.get(k)), ""),
            "url": urls[0] if urls else "",
            "doi": raw.pop("doi", ""),
            "published": _ris_date(raw),
        }
        raw.pop("unknown_tag", None)
        key = raw.pop("id", None)
        organisations = tuple(a for a in authors if isinstance(a, str) and "," not in a)
        yield _entry(path, line, key, fields, {k: _extra(v) for k, v in raw.items()}, organisations)


def _ris_entries(text: str, path: str) -> Iterator[tuple[int, str | Problem]]:
    """Each entry's text (TY to ER) with its first line; a line outside an entry, or an entry never ended, is a
    problem of its own."""
    start, lines = 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() and not lines:
            continue
        match = _RIS_LINE.match(line.rstrip())
        if not lines:
            if not match or match.group(1) != "TY":
                yield (
                    number,
                    Problem(path, number, "", f"malformed RIS: expected 'TY  - ' to start an entry, got {shown(line)}"),
                )
                return
            start = number
        lines.append(line)
        if match and match.group(1) == "ER":
            yield start, "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield start, Problem(path, start, "", "malformed RIS entry: no 'ER  - ' line ends it")


def _ris_name(name: str) -> str:
    """'Keranen, Christopher S.' → 'Christopher S. Keranen'; a name without a comma is kept whole (an organisation)."""
    if "," not in name:
        return name.strip()
    family, given = (p.strip() for p in name.split(",", 1))
    return f"{given.split(',')[0].strip()} {family}".strip()


def _ris_date(raw: dict[str, Any]) -> str:
    value = str(raw.pop("year", "") or raw.pop("publication_year", "") or raw.pop("date", ""))
    parts = [p for p in re.split(r"[/-]", value.strip()) if p]
    if not parts:
        return ""
    return "-".join([parts[0], *(f"{int(p):02d}" for p in parts[1:3] if p.isdigit())])
