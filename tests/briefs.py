"""Example briefs built inline in a temporary folder (Copier's ``build_file_tree`` habit)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

from click.testing import CliRunner

from briefgen.cli import main

REPO = Path(__file__).resolve().parent.parent

BRIEF = """\
title: Test brief
decision_maker: The Secretary
from: Policy Planning Staff
criteria:
  - {id: influence, name: Regional influence, weight: 0.6}
  - {id: cost, name: Cost to the US, weight: 0.4}
audiences:
  principal: {name: The Secretary, template: principal.md.j2, max_marking: TLP:AMBER}
  working-level: {name: Desk officers, template: options-paper.md.j2, max_marking: TLP:AMBER+STRICT}
  partner: {name: Partner, template: partner.md.j2, max_marking: TLP:GREEN}
memos:
  - id: test-memo
    question: Should we cooperate?
    options: [alpha, beta]
    recommendation: alpha
    audiences: [principal, working-level, partner]
    bluf: Cooperate in the civil sphere now; revisit launch cooperation later.
"""

# The default brief's placeholder texts share no words with the records they cite, and its source names no text
# file: tests of --strict that are about something else turn those two lint rules off, as a user would, with reasons.
LINT_OFF = """\
lint:
  ignore:
    quote-unverifiable: the test source has no text
    citation-unrelated: the test texts are placeholders
"""

EVIDENCE = """\
source:
  id: src-one
  title: A report
  publisher: An outlet
  published: 2024-05
  reliability: B
records:
  - id: E-1
    claim: Something happened.
    quote: "Something happened."
    credibility: 2
    as_of: 2024-05
  - id: E-2
    claim: Something else happened.
    quote: "Something else happened."
    credibility: 3
    as_of: 2024
    marking: TLP:AMBER
"""

OPTION = """\
id: {id}
title: Option {id}
summary: The {id} option.
pros:
  - {{text: It helps., evidence: [E-1]}}
cons:
  - {{text: It costs., evidence: [E-2]}}
risks:
  - id: R-{id}-1
    risk: Something goes wrong.
    likelihood: moderate
    impact: high
    mitigation: Watch it.
    residual: {{likelihood: low, impact: high}}
    owner: Desk
    evidence: [E-1]
scores:
  influence: {{score: 4, rationale: Good., evidence: [E-1]}}
  cost: {{score: 2, rationale: Dear.}}
"""


def default_files() -> dict[str, str]:
    return {
        "briefgen.yaml": BRIEF,
        "evidence/src-one.yaml": EVIDENCE,
        "options/alpha.yaml": OPTION.format(id="alpha"),
        "options/beta.yaml": OPTION.format(id="beta"),
    }


def build_tree(root: Path, files: Mapping[str, str | bytes | None]) -> Path:
    """Write a brief into ``root``: the default files overridden by ``files`` (``None`` deletes one)."""
    merged: dict[str, str | bytes | None] = {**default_files(), **files}
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    for rel, content in merged.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(dedent(content), encoding="utf-8")
    return root


def run_check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-p", str(root)])
    return result.exit_code, result.output


def run_build(root: Path, *args: str, as_of: str = "2026-01-20") -> tuple[int, str]:
    """``briefgen build`` through the CLI: (exit code, output), which must hold no traceback or internal error."""
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--as-of", as_of, *args])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result.exit_code, result.output


def expect_error(root: Path, pattern: str) -> str:
    before = snapshot(root)
    code, out = run_check(root)
    assert code == 1, out
    assert "Traceback" not in out
    assert re.search(pattern, out, re.MULTILINE), out
    assert re.search(r"^\d+ errors?$", out, re.MULTILINE), out
    assert snapshot(root) == before, "check wrote something"
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_out_of_process(*args: str) -> subprocess.CompletedProcess[str]:
    """briefgen in a child process with a timeout, for what used to hang or crash the interpreter."""
    command = [sys.executable, "-m", "briefgen", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
