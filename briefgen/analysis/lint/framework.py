"""The warnings framework: rules, what they find, where it is, and how briefgen.yaml turns a rule off.

A :class:`Rule` is a name, a one-line summary and a check: a function of the :class:`Context` (the brief, the
reference date and every passage of text that may cite evidence, each with its place) yielding :class:`Finding`s.
Adding a rule is one line in ``analysis/lint/rules.py``. A finding names an *item* (a record, source, option, risk
or memo paragraph id) so that one rule can be waived for one item in briefgen.yaml, with a reason::

    lint:
      ignore: {estimative-columns: "the memo quotes both columns of ICD 203 on purpose"}
      waive:
        - rule: hedge-dropped
          item: kazakhstan-space.background[2]     # as the warning names it, after the rule
          reason: the claim keeps the author's own hedge

Unknown rule names and items are errors (with a did-you-mean); a waiver that waives nothing is a warning."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from briefgen.errors import Problem, shown
from briefgen.inputs.load import Document, Loc, field_path
from briefgen.inputs.model import MEMO_POINTS, PORTION_MARK, Memo, Option, description_paragraphs
from briefgen.inputs.scales import Marking
from briefgen.inputs.validate import Brief


@dataclass(frozen=True, order=True)
class LintWarning:
    """One warning, reported like an error: ``path:line: field: message [rule: item]`` (the item is what a waiver
    names)."""

    path: str
    line: int
    field: str
    message: str
    rule: str
    item: str

    def __str__(self) -> str:
        return f"{self.problem()}"

    def problem(self) -> Problem:
        return Problem(self.path, self.line, self.field, f"{self.message} [{self.rule}: {self.item}]")


@dataclass(frozen=True)
class Where:
    doc: Document
    loc: Loc


@dataclass(frozen=True)
class Finding:
    item: str  # what a waiver names: E-012, keranen-2025, civil-outside-baikonur.pros[2], memo-id.key_judgments[0]
    where: Where
    message: str


@dataclass(frozen=True)
class Passage:
    """A piece of memo or option text as a reader meets it, with what it cites and its effective marking."""

    item: str
    text: str
    evidence: tuple[str, ...]
    marking: Marking
    where: Where
    memos: tuple[str, ...]  # ids of the memos that show it
    kind: str  # 'key_judgment', 'memo', 'option' (a cited portion) or 'prose' (summary, description, BLUF)
    confidence: str | None = None


Check = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    summary: str
    check: Check


@dataclass(frozen=True)
class Context:
    """What every rule may look at. Built once per lint."""

    brief: Brief
    today: dt.date

    @cached_property
    def evidence_docs(self) -> dict[str, Document]:
        return {doc.data["source"]["id"]: doc for doc in self.brief.files.evidence if isinstance(doc.data, dict)}

    @cached_property
    def record_index(self) -> dict[str, int]:
        return {
            record["id"]: i
            for doc in self.evidence_docs.values()
            for i, record in enumerate(doc.data.get("records") or ())
            if isinstance(record, dict)
        }

    def record(self, record_id: str, name: str) -> Where:
        doc = self.evidence_docs[self.brief.record_source[record_id]]
        return Where(doc, ("records", self.record_index[record_id], name))

    def source(self, source_id: str, name: str) -> Where:
        return Where(self.evidence_docs[source_id], ("source", name))

    def memo_date(self, memo: Memo) -> dt.date:
        return memo.date.earliest if memo.date else self.today

    @cached_property
    def passages(self) -> tuple[Passage, ...]:
        return tuple(_passages(self.brief))

    @cached_property
    def option_docs(self) -> dict[str, Document]:
        return {str(doc.data.get("id")): doc for doc in self.brief.files.options if isinstance(doc.data, dict)}


def memo_rule(check: Callable[[Context, Memo], Iterable[Finding]]) -> Check:
    """A check run once per memo (for rules that judge a memo as a whole, as the ranking rules do)."""

    def run(ctx: Context) -> Iterator[Finding]:
        for memo in ctx.brief.spec.memos:
            yield from check(ctx, memo)

    return run


def memo_concerns(concerns: Callable[[Brief, Memo], Iterable[object]], name: str = "recommendation") -> Check:
    """A rule from a function ``(brief, memo) → concerns`` (text, or objects with a ``message``), each reported at the
    memo's ``name`` field: how a module outside the lint (the ranking sensitivity) plugs in with one line."""

    def check(ctx: Context, memo: Memo) -> Iterator[Finding]:
        index = ctx.brief.spec.memos.index(memo)
        for concern in concerns(ctx.brief, memo):
            message = concern if isinstance(concern, str) else str(getattr(concern, "message", concern))
            yield Finding(memo.id, Where(ctx.brief.files.brief, ("memos", index, name)), message)

    return memo_rule(check)


# ---------------------------------------------------------------- passages


def _passages(brief: Brief) -> Iterator[Passage]:
    doc = brief.files.brief
    for i, memo in enumerate(brief.spec.memos):
        yield Passage(
            f"{memo.id}.bluf", memo.bluf, (), memo.marking, Where(doc, ("memos", i, "bluf")), (memo.id,), "prose"
        )
        for name in MEMO_POINTS:
            for j, point in enumerate(getattr(memo, name)):
                marking = max(memo.marking, point.marking or brief.evidence_marking(point.evidence))
                kind = "key_judgment" if name == "key_judgments" else "memo"
                confidence = getattr(point, "confidence", None)
                yield Passage(
                    f"{memo.id}.{name}[{j}]",
                    point.text,
                    point.evidence,
                    marking,
                    Where(doc, ("memos", i, name, j, "text")),
                    (memo.id,),
                    kind,
                    confidence.value if confidence is not None else None,
                )
    shown_in: dict[str, list[str]] = {}
    for memo in brief.spec.memos:
        for option_id in memo.options:
            shown_in.setdefault(option_id, []).append(memo.id)
    for option_doc in brief.files.options:
        option = brief.options.get(str(option_doc.data.get("id"))) if isinstance(option_doc.data, dict) else None
        if option is not None:
            yield from _option_passages(brief, option_doc, option, tuple(shown_in.get(option.id, ())))


def _option_passages(brief: Brief, doc: Document, option: Option, memos: tuple[str, ...]) -> Iterator[Passage]:
    floor = option.marking
    yield Passage(f"{option.id}.summary", option.summary, (), floor, Where(doc, ("summary",)), memos, "prose")
    for j, paragraph in enumerate(description_paragraphs(option.description)):
        mark = PORTION_MARK.match(paragraph)
        marking = max(floor, Marking(mark.group(1))) if mark and mark.group(1) in set(Marking) else floor
        text = paragraph[mark.end() :] if mark else paragraph
        where = Where(doc, ("description",))
        yield Passage(f"{option.id}.description[{j}]", text, (), marking, where, memos, "prose")
    for name in ("pros", "cons"):
        for j, point in enumerate(getattr(option, name)):
            marking = max(floor, point.marking or brief.evidence_marking(point.evidence))
            where = Where(doc, (name, j, "text"))
            yield Passage(f"{option.id}.{name}[{j}]", point.text, point.evidence, marking, where, memos, "option")
    for name in ("cost", "reversibility", "partner_views"):
        point = getattr(option, name)
        if point is not None:
            marking = max(floor, point.marking or brief.evidence_marking(point.evidence))
            where = Where(doc, (name, "text"))
            yield Passage(f"{option.id}.{name}", point.text, point.evidence, marking, where, memos, "option")
    for j, risk in enumerate(option.risks):
        marking = max(floor, risk.marking or brief.evidence_marking(risk.evidence))
        yield Passage(risk.id, risk.risk, risk.evidence, marking, Where(doc, ("risks", j, "risk")), memos, "option")
    for criterion, score in option.scores.items():
        marking = max(floor, score.marking or brief.evidence_marking(score.evidence))
        where = Where(doc, ("scores", criterion, "rationale"))
        yield Passage(
            f"{option.id}.scores.{criterion}", score.rationale, score.evidence, marking, where, memos, "option"
        )


# ---------------------------------------------------------------- running the rules, with the brief's waivers


WAIVER_UNUSED = "waiver-unused"


def run_rules(rules: Iterable[Rule], ctx: Context) -> list[LintWarning]:
    """Every finding of every rule not turned off, less the waived ones; plus a warning for each waiver that waived
    nothing (a waiver outliving its warning hides the next one)."""
    settings = ctx.brief.spec.lint
    waivers = {(w.rule, w.item): i for i, w in enumerate(settings.waive)}
    used: set[int] = set()
    out: list[LintWarning] = []
    for rule in rules:
        if rule.name in settings.ignore:
            continue
        for finding in rule.check(ctx):
            waived = _waiver_for(waivers, rule.name, finding.item)
            if waived is not None:
                used.add(waived)
                continue
            doc, loc = finding.where.doc, finding.where.loc
            out.append(
                LintWarning(doc.path, doc.line_of(loc), field_path(loc), finding.message, rule.name, finding.item)
            )
    doc = ctx.brief.files.brief
    for i, waiver in enumerate(settings.waive):
        if i not in used and waiver.rule not in settings.ignore and WAIVER_UNUSED not in settings.ignore:
            loc = ("lint", "waive", i)
            message = f"waives {waiver.rule} for {waiver.item}, which has no such warning: remove the waiver"
            out.append(LintWarning(doc.path, doc.line_of(loc), field_path(loc), message, WAIVER_UNUSED, waiver.item))
    return sorted(set(out))


def _waiver_for(waivers: dict[tuple[str, str], int], rule: str, item: str) -> int | None:
    """The waiver of ``rule`` for ``item`` or for an item containing it (an option or memo for its paragraphs)."""
    parts = item.split(".")
    for end in range(len(parts), 0, -1):
        index = waivers.get((rule, ".".join(parts[:end])))
        if index is not None:
            return index
    return None


def settings_problems(rules: Iterable[Rule], ctx: Context) -> list[Problem]:
    """Errors in briefgen.yaml's ``lint`` settings: unknown rule names and unknown items, with a did-you-mean."""
    names = [*(r.name for r in rules), WAIVER_UNUSED]
    settings = ctx.brief.spec.lint
    doc = ctx.brief.files.brief
    problems: list[Problem] = []
    for name in settings.ignore:
        problems += _unknown(doc, ("lint", "ignore", name), name, names, "rule")
    items = known_items(ctx)
    for i, waiver in enumerate(settings.waive):
        problems += _unknown(doc, ("lint", "waive", i, "rule"), waiver.rule, names, "rule")
        problems += _unknown(doc, ("lint", "waive", i, "item"), waiver.item, items, "item")
    return problems


def known_items(ctx: Context) -> list[str]:
    brief = ctx.brief
    items = [*brief.records, *brief.sources, *brief.options, *(m.id for m in brief.spec.memos)]
    return items + [p.item for p in ctx.passages]


def _unknown(doc: Document, loc: Loc, name: str, known: list[str], what: str) -> list[Problem]:
    if name in known:
        return []
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = f" (expected one of: {', '.join(sorted(known))})" if what == "rule" else ""
    return [Problem(doc.path, doc.line_of(loc), field_path(loc), f"unknown lint {what} {shown(name)}{listed}{hint}")]
