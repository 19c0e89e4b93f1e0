"""briefgen: decision memos from a graded evidence base, in Markdown and Word, tailored per audience.

Public API: ``load(path)``, ``check(path)``, ``render(brief, memo_id, audience_id, fmt)``, ``build(path, ...)``.

The stage modules ``briefgen.load``, ``briefgen.build`` and ``briefgen.render`` share these names; importing the
functions here, after the modules, keeps ``briefgen.load`` etc. the functions (a later ``import briefgen.load``
finds the module in ``sys.modules`` and does not rebind the attribute)."""

from __future__ import annotations

__version__ = "0.1.0"

# The render package first: its first import (by a stage, later) would otherwise rebind ``briefgen.render``.
from briefgen import render as _render_package
from briefgen.build import build, render
from briefgen.project import check, load

__all__ = ["__version__", "build", "check", "load", "render"]
del _render_package
