"""What a template is told when it reads something that is not there, in the words of the memo, not of Python.

``{{ o.titel }}`` says "an option has no field 'titel'; did you mean 'title'?", with the fields the object really has
to choose from; no message names an internal class (``briefgen.analysis.memo_context.OptionView``): :func:`scrub`
turns any that a Jinja or sandbox message carries into the word a template author knows."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.utils import missing

from briefgen.analysis.memo_context import (
    CriterionView,
    Evidence,
    HeatCell,
    MemoContext,
    OptionView,
    Portion,
    RiskView,
    ScoreView,
)
from briefgen.formats.citations import Citations, Note
from briefgen.inputs.suggest import did_you_mean

# The objects a template meets, by the name a template author knows them by.
NOUNS: Mapping[type, str] = {
    MemoContext: "memo",
    OptionView: "option",
    Portion: "portion",
    RiskView: "risk",
    ScoreView: "score",
    CriterionView: "criterion",
    HeatCell: "heat-map cell",
    Evidence: "evidence record",
    Note: "note",
    Citations: "citations",
}
_BUILTIN_NOUNS: Mapping[type, str] = {
    dict: "mapping",
    tuple: "list",
    list: "list",
    str: "text",
    int: "number",
    float: "number",
    bool: "true/false value",
    type(None): "empty value (None)",
}
# Names every render defines: the context variables and Jinja's globals (lipsum is removed by the sandbox).
TOP_NAMES = ("memo", "cite", "notes", "range", "dict", "cycler", "joiner", "namespace", "loop", "self", "super")
_INTERNAL = re.compile(r"(?:\b[a-z_]+\.)*\b(" + "|".join(sorted(t.__name__ for t in NOUNS)) + r")\b(?: object)?")


def noun(value: Any) -> str:
    kind = type(value)
    return NOUNS.get(kind) or _BUILTIN_NOUNS.get(kind) or "value"


def fields_of(value: Any) -> list[str]:
    """The names a template may read on ``value``: a part's fields and properties, in declaration order."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return []
    names = [f.name for f in dataclasses.fields(value) if f.name != "derived_markings"]
    names += [n for n, v in vars(type(value)).items() if isinstance(v, property) and not n.startswith("_")]
    return names


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def undefined_message(obj: Any, name: Any) -> str:
    """Why reading ``name`` on ``obj`` gave nothing, and what would have worked."""
    if obj is missing:
        return f"{name!r} is undefined{did_you_mean(str(name), TOP_NAMES)}"
    if isinstance(obj, Mapping):
        keys = [str(k) for k in obj]
        return f"the {noun(obj)} has no key {name!r}{did_you_mean(str(name), keys)}"
    if isinstance(obj, (tuple, list)) and not isinstance(name, str):
        return f"the {noun(obj)} has no item {name!r} (it has {len(obj)})"
    if isinstance(obj, (tuple, list)) and obj and str(name) in fields_of(obj[0]):
        item = noun(obj[0])
        return f"a list of {item}s has no field {name!r}: loop over it ({{% for x in … %}}) or pick one ([0])"
    known = fields_of(obj)
    if not known:
        return f"{_article(noun(obj))} has no attribute {name!r}"
    hint = did_you_mean(str(name), known) or f" (its fields: {', '.join(known)})"
    return f"{_article(noun(obj))} has no field {name!r}{hint}"


class TemplateUndefined(jinja2.StrictUndefined):
    """StrictUndefined, whose message names the field and offers the fields the object really has."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return scrub(self._undefined_hint)
        return undefined_message(self._undefined_obj, self._undefined_name)


def scrub(message: str) -> str:
    """``message`` with every internal class name (dotted or not, "… object" or not) replaced by its noun."""
    by_name = {t.__name__: word for t, word in NOUNS.items()}
    return _INTERNAL.sub(lambda match: by_name[match.group(1)], message)
