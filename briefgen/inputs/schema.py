"""Stage 2a, validate one file against its schema: pydantic errors become ``path:line: field: message`` problems
that say what was expected and what was found; users never see a pydantic dump."""

from __future__ import annotations

import types
from collections import abc
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from briefgen.errors import InputError, Problem, shown
from briefgen.inputs.load import Document, Loc, field_path
from briefgen.inputs.suggest import did_you_mean

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], doc: Document) -> M:
    """Validate one document against its model; raise InputError with one problem per pydantic error."""
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.path, 1, "", f"expected a mapping at the top, got {_kind(doc.data)}")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(_problems(model, doc, exc)) from None


def _problems(model: type[BaseModel], doc: Document, exc: ValidationError) -> list[Problem]:
    errors = [(err, _clean_loc(err["loc"])) for err in exc.errors(include_url=False)]
    problems = []
    for err, loc in errors:
        inner = any(len(other) > len(loc) and other[: len(loc)] == loc for _, other in errors)
        if err["type"] == "too_short" and inner:
            continue  # "at least 1 item after validation, not 0": its items' own errors say what is wrong
        problems.append(Problem(doc.path, doc.line_of(loc), field_path(loc), _message(model, loc, err)))
    return problems


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's union/validator branch names ("function-before[...]", "str", ...) from a location."""
    return tuple(p for p in loc if isinstance(p, int) or not ("[" in p or p in _BRANCH_NAMES))


_BRANCH_NAMES = {"str", "int", "float", "bool", "list", "dict", "tuple", "none", "lax-or-strict"}


def _message(model: type[BaseModel], loc: Loc, err: Any) -> str:
    kind, found, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, found)
    if kind in ("enum", "literal_error"):
        return f"expected one of {ctx.get('expected', '')}, got {shown(found)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "string_pattern_mismatch":
        return f"expected text matching {ctx.get('pattern')}, got {shown(found)}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{_lower(err['msg'])}, got {_kind(found)} {shown(found)}"
    return f"{_lower(err['msg'])}, got {shown(found)}"


def _lower(msg: str) -> str:
    return msg[:1].lower() + msg[1:]


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def _unknown_field(model: type[BaseModel], loc: Loc, value: object) -> str:
    allowed = _fields_at(model, loc[:-1])
    name = str(loc[-1])
    if not allowed:  # a place with no fixed fields (none known here): say what was found, never an empty list
        return f"unknown field {shown(name)}"
    hint = did_you_mean(name, allowed)
    if not hint and value is None:  # `{text: a, b}` is {text: a, b: null}: the comma ended the text
        hint = f"; if {shown(name)} is the rest of a text after a comma, put the whole text in quotes"
    return f"unknown field {shown(name)} (expected one of: {', '.join(allowed)}){hint}"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Names of the fields allowed at ``loc`` inside ``model``, following nested models, lists and dicts."""
    current: Any = model
    for part in loc:
        current = _inside(current, part)
    found = _model(current)
    return [f.alias or n for n, f in found.model_fields.items()] if found else []


def _inside(annotation: Any, part: str | int) -> Any:
    """The annotation of what ``part`` (a field name, a dict key or a list index) selects inside ``annotation``."""
    for option in _options(annotation):
        model = _model(option)
        if model is not None and isinstance(part, str):
            field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
            if field is not None:
                return field.annotation
        origin, args = get_origin(option), get_args(option)
        if origin in (dict, Mapping, abc.Mapping) and isinstance(part, str) and len(args) == 2:
            return args[1]
        if origin in (list, tuple, abc.Sequence) and isinstance(part, int) and args:
            return args[0]
    return None


def _options(annotation: Any) -> list[Any]:
    """The alternatives of ``X | Y | None`` (``Annotated`` unwrapped), or the annotation itself."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        return [o for a in get_args(annotation) if a is not type(None) for o in _options(a)]
    return [annotation]


def _model(annotation: Any) -> type[BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None
