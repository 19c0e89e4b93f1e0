"""Opening a brief project: find it, load it, validate it, summarise it; find its stale evidence. The first two
pipeline stages as one call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Problem, ProjectNotFound, printable
from briefgen.inputs.load import BRIEF_FILE, field_path, find_project, load_project

# pydantic (validate) and Jinja (templates) are imported where used: finding a project must stay cheap.
if TYPE_CHECKING:
    from briefgen.inputs.validate import Brief


def project_root(path: str | Path | None = None) -> Path:
    """``path`` if it holds briefgen.yaml, else the nearest folder above it (or above the cwd) that does."""
    start = Path(path) if path is not None else Path.cwd()
    if path is not None and not start.is_dir():
        raise ProjectNotFound(f"{start}: no such folder")
    root = find_project(start)
    if root is None:
        raise ProjectNotFound(
            f"no {BRIEF_FILE} in {start.resolve()} or any folder above it (use -p DIR, or 'briefgen init DIR')"
        )
    return root


def load(path: str | Path | None = None) -> Brief:
    """Load and validate the brief project at or above ``path``; raise InputError with every problem."""
    from briefgen.inputs.validate import validate_project

    return validate_project(load_project(project_root(path)))


@dataclass(frozen=True)
class Summary:
    root: Path
    title: str
    sources: int
    records: int
    options: int
    memos: int
    outputs: int
    stale: tuple[str, ...]
    stale_after: str
    warnings: tuple[Problem, ...] = ()  # lint warnings, each message ending in its rule name: "... [rule]"
    notes: tuple[str, ...] = ()  # what check did not refuse but the analyst should know (styles briefgen added)

    def __str__(self) -> str:
        title = printable(self.title)
        line = (
            f"{title}: {self.sources} sources, {self.records} evidence records, {self.options} options, "
            f"{self.memos} memo{'s' if self.memos != 1 else ''} × audiences = {self.outputs} outputs — valid"
        )
        if self.stale:
            line += f"; {len(self.stale)} cited records older than {self.stale_after} (check --strict fails on them)"
        if self.warnings:
            count = len(self.warnings)
            line += f"; {count} lint warning{'s' if count != 1 else ''} (check --strict fails on them)"
        return "\n".join([line, *self.notes])


def cited_records(brief: Brief) -> dict[str, str]:
    """Every record cited anywhere (options and memos) → the first file that cites it."""
    cited: dict[str, str] = {}
    for doc in brief.files.options:
        option = brief.options.get(str(doc.data.get("id"))) if isinstance(doc.data, dict) else None
        for part in option.portions() if option else ():
            for record in part.evidence:
                cited.setdefault(record, doc.path)
    for memo in brief.spec.memos:
        for point in memo.points():
            for record in point.evidence:
                cited.setdefault(record, brief.files.brief.path)
    return cited


def stale_records(brief: Brief, today: dt.date) -> list[tuple[str, str]]:
    """(record id, first file citing it) of every cited record older than the brief's ``stale_after`` at ``today``."""
    months = brief.spec.stale_after_months
    cited = sorted(cited_records(brief).items())
    return [(record_id, by) for record_id, by in cited if brief.records[record_id].is_stale(today, months)]


def stale_problems(brief: Brief, today: dt.date) -> list[Problem]:
    """One problem per cited record older than the brief's ``stale_after`` at ``today``, at its as_of line."""
    docs = {doc.data["source"]["id"]: doc for doc in brief.files.evidence}
    problems = []
    for record_id, cited_by in stale_records(brief, today):
        record = brief.records[record_id]
        doc = docs[brief.record_source[record_id]]
        index = next(i for i, r in enumerate(doc.data["records"]) if r.get("id") == record_id)
        loc = ("records", index, "as_of")
        problems.append(
            Problem(
                doc.path,
                doc.line_of(loc),
                field_path(loc),
                f"{record_id} is stale: as of {record.as_of}, older than {brief.spec.stale_after} "
                f"at {today.isoformat()} (cited in {cited_by})",
            )
        )
    return problems
