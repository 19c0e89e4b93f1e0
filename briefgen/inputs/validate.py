"""Stage 2, validate: loaded documents → a frozen :class:`Brief`, or an :class:`InputError` with every problem.

pydantic errors are translated here into ``path:line: field: message`` problems; then cross-references
(ids unique across files, every cited id resolves, template paths stay inside ``templates/``) are checked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from briefgen.errors import InputError, Problem, shown
from briefgen.inputs.files import NotRegularFile, check_regular, resolve
from briefgen.inputs.load import TEMPLATES_DIR, Document, Loc, ProjectFiles, field_path
from briefgen.inputs.marks import check_description_notes, check_option_text, check_text
from briefgen.inputs.model import (
    MEMO_POINTS,
    BriefSpec,
    EvidenceFile,
    EvidenceRecord,
    Memo,
    Option,
    Source,
)
from briefgen.inputs.scales import Marking, most_restrictive
from briefgen.inputs.schema import M, parse_model
from briefgen.inputs.sourcing import corroboration_problems, source_texts_problems
from briefgen.inputs.suggest import KnownIds, did_you_mean
from briefgen.inputs.weights import check_weights


@dataclass(frozen=True)
class Brief:
    """A whole validated brief project. Everything later stages need, resolved and immutable."""

    root: Path
    spec: BriefSpec
    sources: Mapping[str, Source]
    records: Mapping[str, EvidenceRecord]
    record_source: Mapping[str, str]
    options: Mapping[str, Option]
    files: ProjectFiles

    def record_marking(self, record_id: str) -> Marking:
        record = self.records[record_id]
        return record.marking or self.sources[self.record_source[record_id]].marking

    def evidence_marking(self, ids: tuple[str, ...]) -> Marking:
        """Roll-up: the most restrictive marking among the cited records."""
        return most_restrictive(self.record_marking(i) for i in ids)


# ---------------------------------------------------------------- whole project


def validate_project(files: ProjectFiles) -> Brief:
    """Validate every file, then every cross-reference; raise one InputError with all problems found."""
    problems: list[Problem] = []
    spec = _collect(problems, BriefSpec, files.brief)
    evidence = [(doc, _collect(problems, EvidenceFile, doc)) for doc in files.evidence]
    options = [(doc, _collect(problems, Option, doc)) for doc in files.options]
    ok_evidence = [(d, e) for d, e in evidence if e is not None]
    ok_options = [(d, o) for d, o in options if o is not None]
    records, record_source, sources = _index_evidence(problems, ok_evidence)
    # A file that failed to parse would make every reference into it look unknown: resolve ids only
    # against complete sets, so each mistake is reported once, where it is.
    # One did-you-mean index per id set, shared by every unknown id: bounded work however many ids there are.
    known_records = KnownIds(records) if len(ok_evidence) == len(evidence) else _Anything()
    option_ids = KnownIds(dict.fromkeys(o.id for _, o in ok_options))
    known_options = option_ids if len(ok_options) == len(options) else _Anything()
    problems.extend(_check_options(ok_options, known_records))
    if len(ok_evidence) == len(evidence):  # against a complete set of records only, as every other id
        problems.extend(corroboration_problems(ok_evidence, record_source))
    problems.extend(_written_marks(files))
    if spec is not None:
        problems.extend(_check_spec(files, spec, known_options, known_records))
        problems.extend(source_texts_problems(files.root, files.brief, spec))
    if problems or spec is None:
        raise InputError(problems)
    brief = Brief(files.root, spec, sources, records, record_source, {o.id: o for _, o in ok_options}, files)
    _raise_if([*_check_markings(brief, ok_options), *_check_memo_markings(brief), *_check_scored(brief, ok_options)])
    return brief


_NOT_A_PORTION = "this field is no portion and carries no marking (every audience may see it): leave the mark out"


def _written_marks(files: ProjectFiles) -> Iterator[Problem]:
    """Portion marks written into text, in every field of every file."""
    brief = files.brief.data if isinstance(files.brief.data, dict) else {}
    for key in brief:
        hint = "set the point's marking: field instead" if key == "memos" else _NOT_A_PORTION
        yield from check_text(files.brief, (str(key),), hint)
    for doc in files.evidence:
        yield from check_text(doc, ("records",), "set the record's marking: field instead")
        yield from check_text(doc, ("source",), "set the source's marking: field instead")
    for doc in files.options:
        yield from check_option_text(doc)
        yield from check_description_notes(doc)


class _Anything(dict[str, Any]):
    """Stands for an incomplete id set: contains every id."""

    def __contains__(self, key: object) -> bool:
        return True


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


def _collect(problems: list[Problem], model: type[M], doc: Document) -> M | None:
    try:
        return parse_model(model, doc)
    except InputError as err:
        problems.extend(err.problems)
        return None


def _index_evidence(
    problems: list[Problem], evidence: list[tuple[Document, EvidenceFile]]
) -> tuple[dict[str, EvidenceRecord], dict[str, str], dict[str, Source]]:
    records: dict[str, EvidenceRecord] = {}
    record_source: dict[str, str] = {}
    sources: dict[str, Source] = {}
    seen: Seen = {}
    for doc, ev in evidence:
        _unique(problems, seen, ev.source.id, doc, ("source", "id"))
        sources[ev.source.id] = ev.source
        for i, record in enumerate(ev.records):
            _unique(problems, seen, record.id, doc, ("records", i, "id"))
            records[record.id] = record
            record_source[record.id] = ev.source.id
    return records, record_source, sources


Seen = dict[str, tuple[Document, Loc]]


def _unique(problems: list[Problem], seen: Seen, ident: str, doc: Document, loc: Loc) -> None:
    """Record where an id is first defined; report a second definition. Lines are looked up only for a report:
    a document from the build cache has none until asked, and asking means parsing it again."""
    if ident in seen:
        first_doc, first_loc = seen[ident]
        where = f"{first_doc.path}:{first_doc.line_of(first_loc)}"
        problems.append(
            Problem(doc.path, doc.line_of(loc), field_path(loc), f"duplicate id {ident!r} (also at {where})")
        )
    else:
        seen[ident] = (doc, loc)


def _cited(option: Option) -> Iterator[tuple[Loc, tuple[str, ...]]]:
    """Every (location, evidence ids) pair in an option."""
    for name in ("pros", "cons", "risks"):
        for i, part in enumerate(getattr(option, name)):
            yield (name, i, "evidence"), part.evidence
    for crit, score in option.scores.items():
        yield ("scores", crit, "evidence"), score.evidence
    for name in ("cost", "reversibility", "partner_views"):
        point = getattr(option, name)
        if point is not None:
            yield (name, "evidence"), point.evidence


def _check_options(options: list[tuple[Document, Option]], records: Mapping[str, EvidenceRecord]) -> Iterator[Problem]:
    seen: Seen = {}
    problems: list[Problem] = []
    for doc, option in options:
        _unique(problems, seen, option.id, doc, ("id",))
        risk_seen: Seen = {}
        for i, risk in enumerate(option.risks):
            _unique(problems, risk_seen, risk.id, doc, ("risks", i, "id"))
        for loc, ids in _cited(option):
            yield from _unknown_ids(doc, loc, ids, records, "evidence")
    yield from problems


def _unknown_ids(
    doc: Document, loc: Loc, ids: tuple[str, ...], known: Mapping[str, object], what: str
) -> Iterator[Problem]:
    for j, ident in enumerate(ids):
        if ident not in known:
            hint = known.hint(ident) if isinstance(known, KnownIds) else did_you_mean(ident, known)
            yield Problem(doc.path, doc.line_of((*loc, j)), field_path((*loc, j)), f"unknown {what} id {ident!r}{hint}")


def _check_spec(
    files: ProjectFiles,
    spec: BriefSpec,
    option_ids: Mapping[str, Any] | set[str],
    records: Mapping[str, EvidenceRecord],
) -> Iterator[Problem]:
    doc = files.brief
    criteria = {c.id for c in spec.criteria}
    seen: Seen = {}
    problems: list[Problem] = []
    for i, crit in enumerate(spec.criteria):
        _unique(problems, seen, crit.id, doc, ("criteria", i, "id"))
    for i, memo in enumerate(spec.memos):
        _unique(problems, seen, memo.id, doc, ("memos", i, "id"))
        yield from _check_memo(doc, ("memos", i), memo, option_ids, set(spec.audiences), records)
    for audience_id, audience in spec.audiences.items():
        loc = ("audiences", audience_id, "template")
        yield from _check_template_path(files.root, doc, loc, audience.template)
    yield from _check_reference(files.root, doc, spec.style.reference)
    yield from _check_scores(files, criteria)
    yield from check_weights(doc, spec.criteria)
    yield from problems


def _check_memo(
    doc: Document,
    loc: Loc,
    memo: Any,
    option_ids: Mapping[str, Any] | set[str],
    audiences: set[str],
    records: Mapping[str, EvidenceRecord],
) -> Iterator[Problem]:
    known = option_ids if isinstance(option_ids, Mapping) else dict.fromkeys(option_ids)
    yield from _unknown_ids(doc, (*loc, "options"), memo.options, known, "option")
    yield from _unknown_ids(doc, (*loc, "audiences"), memo.audiences, dict.fromkeys(audiences), "audience")
    yield from _listed_twice(doc, (*loc, "options"), memo.options, "option")
    yield from _listed_twice(doc, (*loc, "audiences"), memo.audiences, "audience")
    if memo.recommendation not in memo.options:
        yield Problem(
            doc.path,
            doc.line_of((*loc, "recommendation")),
            field_path((*loc, "recommendation")),
            f"expected one of the memo's options ({', '.join(memo.options)}), got {memo.recommendation!r}",
        )
    for name in MEMO_POINTS:
        for i, point in enumerate(getattr(memo, name)):
            yield from _unknown_ids(doc, (*loc, name, i, "evidence"), point.evidence, records, "evidence")
    if len(memo.bluf) > 400 or memo.bluf.count("\n") > 3:
        yield Problem(
            doc.path,
            doc.line_of((*loc, "bluf")),
            field_path((*loc, "bluf")),
            f"a BLUF is at most 4 lines (about 400 characters), got {len(memo.bluf)} characters",
        )


def _listed_twice(doc: Document, loc: Loc, ids: tuple[str, ...], what: str) -> Iterator[Problem]:
    """An option ranked twice or an audience built twice: refused, as the memo would show or write it twice."""
    first: dict[str, int] = {}
    for j, ident in enumerate(ids):
        if ident in first:
            where = field_path((*loc, first[ident]))
            yield Problem(
                doc.path, doc.line_of((*loc, j)), field_path((*loc, j)), f"{what} {ident!r} listed twice (also {where})"
            )
        first.setdefault(ident, j)


def _check_scores(files: ProjectFiles, criteria: set[str]) -> Iterator[Problem]:
    for doc in files.options:
        scores = doc.data.get("scores") if isinstance(doc.data, dict) else None
        if not isinstance(scores, dict):
            continue
        for crit in scores:
            if crit not in criteria:
                loc = ("scores", crit)
                yield Problem(
                    doc.path,
                    doc.line_of(loc),
                    field_path(loc),
                    f"unknown criterion {shown(crit)} (expected one of: {', '.join(sorted(criteria))})",
                )


def _check_template_path(root: Path, doc: Document, loc: Loc, template: str) -> Iterator[Problem]:
    """Audience templates are files inside templates/: no absolute paths, no '..', no links out."""
    message = _template_path_problem(root, template)
    if message:
        yield Problem(doc.path, doc.line_of(loc), field_path(loc), message)


def _template_path_problem(root: Path, template: str) -> str | None:
    try:
        if not resolve(root / TEMPLATES_DIR).is_relative_to(resolve(root)):
            return f"{TEMPLATES_DIR}/ is a link leading outside the project: refused"
    except OSError:
        pass  # a templates/ link loop: reported below, naming the template
    return _file_problem(root / TEMPLATES_DIR, template, "template", f"{TEMPLATES_DIR}/", "principal.md.j2")


def _check_reference(root: Path, doc: Document, reference: str) -> Iterator[Problem]:
    loc: Loc = ("style", "reference")
    message = _file_problem(root, reference, "reference document", "the project", "templates/reference.docx")
    if message:
        yield Problem(doc.path, doc.line_of(loc), field_path(loc), message)


def _file_problem(base: Path, text: str, what: str, inside: str, example: str) -> str | None:
    """Why ``text`` does not name a regular file inside ``base`` (None if it does): an absolute path, '..', a
    backslash, a colon or a control character, a link out of ``base``, a link loop, a missing file, a folder or pipe.
    The text is checked before the file system sees it: a NUL byte in a path is a ValueError there, not an OSError."""
    pure = PurePosixPath(text)
    if pure.is_absolute() or ".." in pure.parts or any(c in text for c in "\\:") or not text.isprintable():
        return f"expected a path inside {inside} such as {example!r}, got {shown(text)}"
    try:
        base = resolve(base)
        target = resolve(base / pure)
        if not target.is_relative_to(base):
            return f"{what} {shown(text)} leads outside {inside}: refused"
        check_regular(target)
    except FileNotFoundError:
        return f"{what} {shown(text)} does not exist in {inside}"
    except NotRegularFile as exc:
        return f"{what} {shown(text)} is not a regular file ({exc.kind})"
    except OSError as exc:
        return f"{what} {shown(text)}: cannot read: {exc.strerror}"
    return None


def _check_markings(brief: Brief, options: list[tuple[Document, Option]]) -> Iterator[Problem]:
    """A portion marked below the evidence it cites would leak that evidence: refuse it."""
    for doc, option in options:
        for loc, ids in _cited(option):
            parent = loc[:-1]
            portion = _portion(option, parent)
            own = getattr(portion, "marking", None)
            floor = brief.evidence_marking(ids)
            if own is not None and own < floor:
                mloc = (*parent, "marking")
                yield Problem(
                    doc.path,
                    doc.line_of(mloc),
                    field_path(mloc),
                    f"marked {own.value} but cites evidence marked {floor.value}; mark it {floor.value} or higher",
                )


def _check_memo_markings(brief: Brief) -> Iterator[Problem]:
    doc = brief.files.brief
    for i, memo in enumerate(brief.spec.memos):
        yield from _check_memo_text_marking(brief, doc, i, memo)
        for name in MEMO_POINTS:
            for j, point in enumerate(getattr(memo, name)):
                floor = brief.evidence_marking(point.evidence)
                if point.marking is not None and point.marking < floor:
                    loc = ("memos", i, name, j, "marking")
                    yield Problem(
                        doc.path,
                        doc.line_of(loc),
                        field_path(loc),
                        f"marked {point.marking.value} but cites evidence marked {floor.value}; "
                        f"mark it {floor.value} or higher",
                    )


def _check_memo_text_marking(brief: Brief, doc: Document, i: int, memo: Memo) -> Iterator[Problem]:
    """The memo's own text goes to every audience, and its BLUF states the recommendation: every audience must be
    cleared for the memo's marking, which must be at least the recommended option's own."""
    loc = ("memos", i, "marking")
    for audience_id in memo.audiences:
        ceiling = brief.spec.audiences[audience_id].max_marking
        if memo.marking > ceiling:
            yield Problem(
                doc.path,
                doc.line_of(loc),
                field_path(loc),
                f"the memo's own text is {memo.marking.value} but audience {audience_id!r} is cleared only to "
                f"{ceiling.value}: review the question, subject and BLUF for release, or drop the audience",
            )
    option = brief.options[memo.recommendation]
    if memo.marking < option.marking:
        yield Problem(
            doc.path,
            doc.line_of(loc),
            field_path(loc),
            f"the BLUF states the recommendation {option.id!r}, which is marked {option.marking.value}: expected "
            f"marking: {option.marking.value} or above, got {memo.marking.value}",
        )


def _check_scored(brief: Brief, options: list[tuple[Document, Option]]) -> Iterator[Problem]:
    """Options a memo ranks need a score on every criterion, or the weighted sum means nothing."""
    ranked = {option_id: memo.id for memo in brief.spec.memos for option_id in memo.options}
    for doc, option in options:
        missing = [c.id for c in brief.spec.criteria if c.id not in option.scores]
        if option.id in ranked and missing:
            yield Problem(
                doc.path,
                doc.line_of(("scores",)),
                "scores",
                f"no score for criteria {', '.join(missing)} (memo {ranked[option.id]!r} ranks this option)",
            )


def _portion(option: Option, loc: Loc) -> Any:
    if loc[0] == "scores":
        return option.scores[str(loc[1])]
    value = getattr(option, str(loc[0]))
    return value[loc[1]] if len(loc) > 1 else value
