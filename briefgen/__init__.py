"""briefgen: decision memos from a graded evidence base, in Markdown and Word, tailored per audience.

Public API: ``load(path)``, ``check(path)``, ``render(brief, memo_id, audience_id, fmt)``, ``build(path, ...)``.
The stages live in folders whose names differ from these functions (``inputs``, ``analysis``, ``formats``,
``builder``), so every module can be imported by its dotted path without shadowing the API."""

from __future__ import annotations

__version__ = "0.1.0"

from briefgen.builder.check import check
from briefgen.builder.run import build, render
from briefgen.inputs.project import load

__all__ = ["__version__", "build", "check", "load", "render"]
