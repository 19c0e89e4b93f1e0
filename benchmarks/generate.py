"""Generate a synthetic brief project of a given size for benchmarks (deterministic: same arguments, same files)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_FILE = 100
LEVELS = ["very-low", "low", "moderate", "high", "very-high"]


def generate(root: Path, records: int, options: int = 4, memos: int = 1, audiences: int = 3) -> Path:
    """A brief with ``records`` evidence records, ``options`` options and ``memos`` × ``audiences`` outputs."""
    if root.exists():
        shutil.rmtree(root)
    (root / "evidence").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "options").mkdir()
    shutil.copytree(REPO / "templates", root / "templates")
    for start in range(0, records, PER_FILE):
        count = min(PER_FILE, records - start)
        (root / "evidence" / f"src-{start // PER_FILE:04d}.yaml").write_text(_evidence(start, count))
        (root / "sources" / f"src-{start // PER_FILE:04d}.txt").write_text(_source_text(start, count))
    for i in range(options):
        (root / "options" / f"opt-{i}.yaml").write_text(_option(i, records))
    (root / "briefgen.yaml").write_text(_brief(options, memos, audiences))
    return root


def _evidence(start: int, count: int) -> str:
    """A source whose text is in sources/ (so its quotes verify) and whose records raise no lint warning: a
    benchmark brief is one an analyst would keep, not one full of findings."""
    lines = [
        f"source:\n  id: src-{start // PER_FILE:04d}\n  title: Source {start}\n  author: Author {start}\n"
        f"  published: 2024-05\n  file: sources/src-{start // PER_FILE:04d}.txt\n  reliability: B\nrecords:"
    ]
    for n in range(start, start + count):
        marking = "TLP:AMBER" if n % 7 == 0 else "TLP:CLEAR"
        lines.append(
            f"  - id: E-{n:05d}\n    claim: Claim number {n} about the cosmodrome.\n"
            f'    quote: "Quoted sentence number {n} from the source."\n    credibility: {2 + n % 5}\n'
            f"    as_of: 2024-{1 + n % 12:02d}\n    topics: [t{n % 10}]\n    marking: {marking}"
        )
    return "\n".join(lines) + "\n"


def _source_text(start: int, count: int) -> str:
    return "\n".join(f"Quoted sentence number {n} from the source." for n in range(start, start + count)) + "\n"


def _option(i: int, records: int) -> str:
    def cite(k: int) -> str:
        return f"E-{(i * 37 + k * 101) % records:05d}"

    points = "\n".join(f"  - {{text: Point {k} of option {i}., evidence: [{cite(k)}]}}" for k in range(4))
    risks = "\n".join(
        f"  - id: R-{i}-{k}\n    risk: Risk {k} of option {i}.\n    likelihood: {LEVELS[(i + k) % 5]}\n"
        f"    impact: {LEVELS[(i + 2 * k) % 5]}\n    mitigation: Mitigate {k}.\n"
        f"    residual: {{likelihood: very-low, impact: {LEVELS[(i + 2 * k) % 5]}}}\n    owner: Office {k}\n"
        f"    evidence: [{cite(k + 4)}]"
        for k in range(5)
    )
    scores = "\n".join(
        f"  c{c}: {{score: {1 + (i + c) % 5}, rationale: Because {c}., evidence: [{cite(c + 9)}]}}" for c in range(5)
    )
    return (
        f"id: opt-{i}\ntitle: Option {i}\nsummary: Summary of option {i}.\n"
        f"description: |\n  Description of option {i}.\n"
        f"pros:\n{points}\ncons:\n{points.replace('Point', 'Drawback')}\nrisks:\n{risks}\nscores:\n{scores}\n"
    )


def _brief(options: int, memos: int, audiences: int) -> str:
    templates = ["principal.md.j2", "options-paper.md.j2", "partner.md.j2"]
    marks = ["TLP:AMBER", "TLP:AMBER+STRICT", "TLP:GREEN"]
    auds = "\n".join(
        f"  a{k}: {{name: Audience {k}, template: {templates[k % 3]}, max_marking: {marks[k % 3]}}}"
        for k in range(audiences)
    )
    crits = "\n".join(f"  - {{id: c{c}, name: Criterion {c}, weight: {(c + 2) * 5}}}" for c in range(5))  # sum 100

    def weighed(m: int) -> list[str]:
        """Each memo weighs up to four options of its own, so one record concerns only some memos."""
        chosen = dict.fromkeys(f"opt-{(m + step) % options}" for step in (0, 1, 3, 7))
        return list(chosen)

    memo_list = "\n".join(
        f"  - id: memo-{m}\n    question: Question {m}?\n    date: 2026-01-01\n    decide_by: 2026-02-01\n"
        f"    options: [{', '.join(weighed(m))}]\n    recommendation: {weighed(m)[0]}\n"
        f"    audiences: [{', '.join(f'a{k}' for k in range(audiences))}]\n"
        f"    bluf: Bottom line {m}."
        for m in range(memos)
    )
    return (
        f"title: Synthetic brief\ndecision_maker: The Principal\nfrom: The Office\ncriteria:\n{crits}\n"
        f"audiences:\n{auds}\nmemos:\n{memo_list}\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--options", type=int, default=4)
    parser.add_argument("--memos", type=int, default=1)
    parser.add_argument("--audiences", type=int, default=3)
    args = parser.parse_args()
    generate(args.folder, args.records, args.options, args.memos, args.audiences)
    print(f"wrote {args.folder}")
