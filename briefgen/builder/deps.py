"""What each output depends on, as ``kind:id → fingerprint`` pairs, and how to fingerprint each kind now.

An output's dependencies are exactly: the briefgen version, the brief's header fields, the criteria, its memo and
audience definitions, the options the memo weighs, every template it renders through, the evidence records whose
content it shows (cited by note or read by a template; records, not files) with their sources and which of those are
stale, and the marking of every other record a portion of the memo or its options rests on (a marking decides whether
a risk row, score or rank is shown at all). Word outputs add the reference document and the style settings. Editing
the text of a record no output shows rebuilds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from briefgen import __version__
from briefgen.analysis.assemble import citable
from briefgen.builder.manifest import file_digest, fingerprint
from briefgen.inputs.load import TEMPLATES_DIR
from briefgen.inputs.model import UNSHOWN_RECORD_FIELDS, UNSHOWN_SOURCE_FIELDS
from briefgen.inputs.scales import stale_limit
from briefgen.inputs.validate import Brief

MISSING = "missing"


def content_deps(
    brief: Brief,
    memo_id: str,
    audience_id: str,
    templates: Iterable[str],
    cited: Iterable[str],
    today: dt.date,
    dated: bool = False,
) -> dict[str, str]:
    """Dependencies of an output's content, found by rendering it (templates used, records cited) and from the
    memo's definition (every record its portions rest on)."""
    memo = next(m for m in brief.spec.memos if m.id == memo_id)
    keys = ["briefgen", "brief", "criteria", f"memo:{memo_id}", f"audience:{audience_id}"]
    keys += [f"option:{o}" for o in memo.options]
    keys += [f"template:{t}" for t in templates]
    cited = sorted(set(cited))
    keys += [f"record:{r}" for r in cited]
    keys += [f"marking:{r}" for r in sorted(set(citable(brief, memo)) - set(cited))]
    keys += sorted({f"source:{brief.record_source[r]}" for r in cited})
    keys += ["as_of"] if dated else []
    deps = {key: resolve(brief, key, today) for key in keys}
    deps["stale"] = _stale(brief, cited, today)
    return deps


def docx_deps(brief: Brief) -> dict[str, str]:
    return {key: resolve(brief, key, dt.date.min) for key in ("briefgen", "reference", "style")}


def current(brief: Brief, deps: dict[str, str], today: dt.date, known: dict[str, str] | None = None) -> dict[str, str]:
    """The same keys as ``deps``, fingerprinted as the inputs stand now; ``known`` keeps fingerprints already taken
    (a plan asks for the same records, options and templates for output after output)."""
    known = {} if known is None else known
    now = {key: known.get(key) or known.setdefault(key, resolve(brief, key, today)) for key in deps if key != "stale"}
    if "stale" in deps:
        now["stale"] = _stale(brief, [r for r in _cited(deps) if r in brief.records], today)
    return now


def changed_keys(old: dict[str, str], now: dict[str, str]) -> list[str]:
    return sorted(key for key in old.keys() | now.keys() if old.get(key) != now.get(key))


def resolve(brief: Brief, key: str, today: dt.date) -> str:
    kind, _, ident = key.partition(":")
    spec = brief.spec
    if kind == "briefgen":
        return __version__
    if kind == "as_of":  # the output shows the reference date
        return today.isoformat()
    if kind == "brief":
        return fingerprint([spec.title, spec.decision_maker, spec.from_, spec.organisation, spec.stale_after])
    if kind == "criteria":  # the criteria, and how the ranking's sensitivity to their weights is tested
        return fingerprint([[c.model_dump(mode="json") for c in spec.criteria], spec.sensitivity.model_dump()])
    if kind == "memo":
        return _dump(next((m for m in spec.memos if m.id == ident), None))
    if kind == "audience":
        return _dump(spec.audiences.get(ident))
    if kind == "option":
        return _dump(brief.options.get(ident))
    if kind == "record":
        record = brief.records.get(ident)
        shown = record.model_dump(mode="json", exclude=set(UNSHOWN_RECORD_FIELDS)) if record else None
        return fingerprint([shown, brief.record_marking(ident).value]) if record else MISSING
    if kind == "marking":
        return brief.record_marking(ident).value if ident in brief.records else MISSING
    if kind == "source":
        return _dump(brief.sources.get(ident), UNSHOWN_SOURCE_FIELDS)
    if kind == "template":
        return _file(brief.root / TEMPLATES_DIR / ident)
    if kind == "reference":
        return _file(brief.root / spec.style.reference)
    if kind == "style":
        colours: dict[str, object] = {level.value: colour for level, colour in spec.style.heat.items()}
        return fingerprint(colours if spec.style.curly_quotes else {**colours, "curly_quotes": False})
    raise ValueError(f"unknown dependency kind {key!r}")


def fresh_until(brief: Brief, outputs: Iterable[Mapping[str, str]], today: dt.date) -> dt.date | None:
    """The first day on which these outputs' dependencies change by the calendar alone (a record they cite turns
    stale, or tomorrow for one that shows the reference date): until then a build with unchanged inputs is a no-op."""
    outputs = list(outputs)
    months = brief.spec.stale_after_months
    cited = {r for deps in outputs for r in _cited(deps)}
    dated = [brief.records[r] for r in cited if r in brief.records and not brief.records[r].historical]
    limits = [stale_limit(record.as_of, months) for record in dated]
    turning = [limit + dt.timedelta(days=1) for limit in limits if limit < dt.date.max]  # date.max: never stale
    turning += [today + dt.timedelta(days=1)] if any("as_of" in deps for deps in outputs) else []
    return min((day for day in turning if day > today), default=None)


def _cited(deps: Mapping[str, str]) -> list[str]:
    return [key.split(":", 1)[1] for key in deps if key.startswith("record:")]


def _stale(brief: Brief, cited: Iterable[str], today: dt.date) -> str:
    months = brief.spec.stale_after_months
    return fingerprint(sorted(r for r in cited if brief.records[r].is_stale(today, months)))


def _dump(model: object, unshown: frozenset[str] = frozenset()) -> str:
    dump = getattr(model, "model_dump", None)
    return fingerprint(dump(mode="json", by_alias=True, exclude=set(unshown))) if dump else MISSING


def _file(path: Path) -> str:
    return file_digest(path) if path.is_file() else MISSING
