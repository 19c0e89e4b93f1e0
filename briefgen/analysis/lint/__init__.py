"""The tradecraft lint: warnings about how a memo restates its evidence (see ``framework`` and ``rules``)."""

from __future__ import annotations

import datetime as dt

from briefgen.analysis.lint.framework import Context, LintWarning, run_rules, settings_problems
from briefgen.analysis.lint.rules import RULES
from briefgen.errors import InputError
from briefgen.inputs.validate import Brief

__all__ = ["RULES", "LintWarning", "lint"]


def lint(brief: Brief, today: dt.date) -> list[LintWarning]:
    """Every warning of every rule for the brief at the reference date ``today``, less those briefgen.yaml turns
    off. InputError for unknown rule names or items in those settings."""
    ctx = Context(brief, today)
    problems = settings_problems(RULES, ctx)
    if problems:
        raise InputError(problems)
    return run_rules(RULES, ctx)
