"""The Jinja environment every template renders in: the immutable sandbox with StrictUndefined (whose messages say
which field is missing and offer the real ones), a loader confined to
``templates/`` (links out are refused), and briefgen's filters."""

from __future__ import annotations

from pathlib import Path

from briefgen.formats.contents import anchor_filter
from briefgen.formats.filters import (
    escape_cell,
    escape_md,
    first_sentence,
    level_label,
    long_date,
    or_withheld,
    portion_mark,
    share_percent,
)
from briefgen.formats.loader import ConfinedLoader
from briefgen.formats.sandbox import Sandbox
from briefgen.formats.undefined import TemplateUndefined


def environment(templates: Path) -> Sandbox:
    env = Sandbox(
        loader=ConfinedLoader(str(templates)),
        undefined=TemplateUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        md=escape_md,
        cell=escape_cell,
        level=level_label,
        date=long_date,
        portion=portion_mark,
        first_sentence=first_sentence,
        percent=share_percent,
        withheld=or_withheld,
        anchor=anchor_filter,
    )
    return env
