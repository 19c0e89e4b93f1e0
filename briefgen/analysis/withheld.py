"""Release filtering across versions: what an audience saw in one version of an output that it may not see now.

A redline shows the words a version deleted. Words the audience saw in an earlier version may since have been
withheld from it (a record, risk, option or portion whose marking was raised above the audience's): those must show
as deleted with no text, never as the words themselves. What a version showed is kept beside its Markdown as a
:class:`Provenance` (the records behind each note number, the risks, options and portions the template read, and how
many portions of each place were withheld then); :func:`withheld_since` compares it with what the audience may see
now. :meth:`Withheld.covers` then says whether a block of that version's text rests on such material: it cites a note
of a withheld record, names a withheld record or risk, stands under the heading of a withheld option, or repeats five
words in a row of a withheld text. When in doubt it withholds: with no provenance, or when the ranks or the
sensitivity figures the version showed are withheld now (derived values cannot be found in the text), every deleted
word is withheld (``strict``); so is it when a risk behind an option's highest residual level it showed is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from briefgen.analysis.memo_context import MemoContext, OptionView
from briefgen.inputs.model import MEMO_POINTS, Memo, description_paragraphs
from briefgen.inputs.validate import Brief

GRAM = 5  # words in a row that tie a block to a withheld text
_WORD = re.compile(r"\w+")
_CITATION = re.compile(r"\[\^?(\d+(?:\s*,\s*\d+)*)\]")
_ITEM_NUMBER = re.compile(r"\s*(\d+)[.)]\s")


@dataclass(frozen=True)
class Place:
    """A list of portions in one version: how many were withheld from the audience, and the texts it was shown."""

    withheld: int
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    """What one version of an output rested on, as its audience saw it."""

    notes: dict[str, str] = field(default_factory=dict)  # note number → record id
    records: dict[str, str] = field(default_factory=dict)  # record → claim and quote, of every record it rests on
    risks: dict[str, str] = field(default_factory=dict)  # risk id → its text and mitigation
    options: dict[str, str] = field(default_factory=dict)  # option id → title
    places: dict[str, Place] = field(default_factory=dict)  # "background", "<option>.pros", ... → what it showed
    ranks: bool = False  # it read ranks or totals
    sensitivity: bool = False  # it read memo.sensitivity
    residual: dict[str, int] = field(default_factory=dict)  # option → risks withheld, where it read highest_residual

    def to_json(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "records": self.records,
            "risks": self.risks,
            "options": self.options,
            "places": {k: {"withheld": p.withheld, "texts": list(p.texts)} for k, p in self.places.items()},
            "ranks": self.ranks,
            "sensitivity": self.sensitivity,
            "residual": self.residual,
        }

    @classmethod
    def from_json(cls, data: object) -> Provenance:
        """As :meth:`to_json` wrote it; ValueError for anything else."""
        d = _dict(data)
        places = {
            _str(k): Place(_int(_dict(v)["withheld"]), tuple(_str(t) for t in _list(_dict(v)["texts"])))
            for k, v in _dict(d["places"]).items()
        }
        flags = [d["ranks"], d["sensitivity"]]
        if not all(isinstance(f, bool) for f in flags):
            raise ValueError("expected true or false")
        residual = {_str(k): _int(v) for k, v in _dict(d.get("residual", {})).items()}
        return cls(_texts(d["notes"]), _texts(d["records"]), _texts(d["risks"]), _texts(d["options"]), places,
                   bool(flags[0]), bool(flags[1]), residual)  # fmt: skip


def provenance(
    brief: Brief,
    memo: Memo,
    ctx: MemoContext,
    notes: Mapping[str, int],
    records: Iterable[str],
    option_fields: Mapping[str, Iterable[str]],
    memo_fields: Iterable[str],
) -> Provenance:
    """What this version of the output shows: ``notes`` numbers the records cited by note, ``records`` are all the
    records it rests on, ``option_fields`` and ``memo_fields`` what the template read."""
    read = {o: set(f) for o, f in option_fields.items()}
    shown = [o for o in ctx.options if read.get(o.id)]
    places = {
        name: place
        for name, place in current_places(brief, memo, ctx).items()
        if name in memo_fields or read.get(name.partition(".")[0], set()) & {name.partition(".")[2]}
    }
    return Provenance(
        notes={str(n): r for r, n in notes.items()},
        records={r: f"{ctx.evidence[r].claim}\n{ctx.evidence[r].quote}" for r in records if r in ctx.evidence},
        risks={r.id: f"{r.risk} {r.mitigation}" for o in shown if "risks" in read[o.id] for r in o.risks},
        options={o.id: o.title for o in shown},
        places=places,
        ranks=any(read[o.id] & {"rank", "total"} for o in shown),
        sensitivity="sensitivity" in memo_fields,
        residual={o.id: _hidden_risks(brief, o) for o in shown if "highest_residual" in read[o.id]},
    )


def _hidden_risks(brief: Brief, view: OptionView) -> int:
    return len(brief.options[view.id].risks) - len(view.risks)


def current_places(brief: Brief, memo: Memo, ctx: MemoContext) -> dict[str, Place]:
    """Every list of portions the audience may see now: how many of each are withheld, and the texts it may see."""
    places = {
        name: Place(len(getattr(memo, name)) - len(getattr(ctx, name)), tuple(p.text for p in getattr(ctx, name)))
        for name in MEMO_POINTS
    }
    for view in ctx.options:
        places.update((f"{view.id}.{name}", place) for name, place in _option_places(brief, view))
    return places


def _option_places(brief: Brief, view: OptionView) -> Iterator[tuple[str, Place]]:
    option = brief.options[view.id]
    yield "description", _place(len(description_paragraphs(option.description)), [p.text for p in view.description])
    yield "pros", _place(len(option.pros), [p.text for p in view.pros])
    yield "cons", _place(len(option.cons), [p.text for p in view.cons])
    yield "risks", _place(len(option.risks), [f"{r.risk} {r.mitigation}" for r in view.risks])
    yield "scores", _place(len(option.scores), [s.rationale for s in view.scores])
    for name in ("cost", "reversibility", "partner_views"):
        portion = getattr(view, name)
        yield name, _place(int(getattr(option, name) is not None), [portion.text] if portion else [])


def _place(total: int, texts: list[str]) -> Place:
    return Place(total - len(texts), tuple(texts))


@dataclass(frozen=True)
class Withheld:
    """What a version showed that is withheld from its audience now, and the test of a block of its text."""

    records: frozenset[str] = frozenset()
    risks: frozenset[str] = frozenset()
    notes: frozenset[int] = frozenset()
    titles: tuple[str, ...] = ()  # of withheld options, as that version showed them
    texts: tuple[str, ...] = ()
    strict: bool = False  # every deleted word is withheld

    def __bool__(self) -> bool:
        return self.strict or bool(self.records or self.risks or self.notes or self.titles or self.texts)

    @cached_property
    def _ids(self) -> re.Pattern[str] | None:
        ids = sorted(self.records | self.risks, key=lambda i: (-len(i), i))
        return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])") if ids else None

    @cached_property
    def _grams(self) -> tuple[frozenset[tuple[str, ...]], tuple[tuple[str, ...], ...]]:
        grams: set[tuple[str, ...]] = set()
        short: list[tuple[str, ...]] = []
        for text in (line for t in (*self.texts, *self.titles) for line in t.split("\n")):
            ws = _words(text)
            if len(ws) >= GRAM:
                grams.update(_ngrams(ws))
            elif ws:
                short.append(ws)
        return frozenset(grams), tuple(short)

    def covers(self, text: str, headings: Sequence[str] = ()) -> bool:
        """Whether a block of that version's text (a paragraph, list item, table row or note, ``headings`` the
        headings it stands under, an ordered list item with its number in front) rests on withheld material."""
        if self.strict:
            return True
        if not self:
            return False
        if self.notes and self._cites(text):
            return True
        if self._ids is not None and self._ids.search(text):
            return True
        if any(_contains(_words(h), _words(t)) for h in headings for t in self.titles):
            return True
        ws = _words(text)
        grams, short = self._grams
        return not grams.isdisjoint(_ngrams(ws)) or any(_contains(ws, s) for s in short)

    def _cites(self, text: str) -> bool:
        numbers = [int(n) for m in _CITATION.finditer(text) for n in m.group(1).split(",")]
        item = _ITEM_NUMBER.match(text)
        numbers += [int(item.group(1))] if item else []
        return any(n in self.notes for n in numbers)


def withheld_since(old: Provenance | None, brief: Brief, memo: Memo, ctx: MemoContext) -> Withheld:
    """What the version ``old`` describes showed that ``ctx``'s audience may not see now (None: nothing is known
    of that version, so everything it deleted is withheld)."""
    if old is None:
        return Withheld(strict=True)
    ceiling = ctx.max_marking
    records = frozenset(r for r in old.records if r in brief.records and brief.record_marking(r) > ceiling)
    shown_options = {o.id for o in ctx.options}
    lost_options = [o for o in old.options if o in memo.options and o not in shown_options]
    memo_risks = {r.id for o in memo.options if o in brief.options for r in brief.options[o].risks}
    shown_risks = {r.id for o in ctx.options for r in o.risks}
    risks = frozenset(r for r in old.risks if r in memo_risks and r not in shown_risks)
    now = current_places(brief, memo, ctx)
    texts = [old.records[r] for r in sorted(records)] + [old.risks[r] for r in sorted(risks)]
    for name, place in sorted(old.places.items()):
        option = name.partition(".")[0] if "." in name else None
        if option is not None and option not in memo.options:
            continue  # the option left the memo: its words were deleted, not withheld
        current = now.get(name)
        if current is None or current.withheld > place.withheld:
            visible = set(current.texts) if current else set()
            texts += [t for t in place.texts if t not in visible]
    ranks_gone = old.ranks and any(o.rank is None for o in ctx.options)
    views = {o.id: o for o in ctx.options}
    levels_moved = any(o in views and _hidden_risks(brief, views[o]) > n for o, n in old.residual.items())
    # Ranks, totals and the sensitivity figures the version showed were computed with an option now withheld, and a
    # score now withheld stood in its tables as a bare number: neither can be found in the text.
    derived_gone = bool(lost_options) and (old.ranks or old.sensitivity)
    sensitivity_gone = old.sensitivity and ctx.sensitivity is None
    scores_gone = any(
        (now.get(name) is None or now[name].withheld > place.withheld)
        for name, place in old.places.items()
        if name.endswith(".scores") and name.partition(".")[0] in memo.options
    )
    return Withheld(
        records=records,
        risks=risks,
        notes=frozenset(int(n) for n, r in old.notes.items() if r in records),
        titles=tuple(old.options[o] for o in lost_options),
        texts=tuple(texts),
        strict=ranks_gone or levels_moved or sensitivity_gone or derived_gone or scores_gone,
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))


def _ngrams(ws: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {ws[i : i + GRAM] for i in range(len(ws) - GRAM + 1)}


def _contains(ws: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return bool(n) and any(ws[i : i + n] == part for i in range(len(ws) - n + 1))


def _dict(value: object) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected a number")
    return value


def _texts(value: object) -> dict[str, str]:
    return {_str(k): _str(v) for k, v in _dict(value).items()}
