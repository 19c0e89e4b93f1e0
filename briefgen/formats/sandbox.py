"""Stage 4, render: the Jinja sandbox every template runs in, with limits on what a hostile template can cost.

Jinja's immutable sandbox stops attribute escapes; it does not stop a template from spending memory or time. Here
every way a template can grow a value is bounded before the work is done — string and list repetition and
concatenation (``*``, ``+``, ``~``), padding and replacing (``ljust``, ``center``, ``replace``, ``expandtabs``,
``join``, ``indent``), format widths (``%``, ``format``, ``str.format``) and integer growth — output is streamed
and cut off at a size limit, ``lipsum`` is gone, and a render has a wall-clock deadline (enforced by a timer signal
on the main thread, and checked at every call and attribute access elsewhere). The sandbox also records, per
render, the marking of every marked object whose content the template reads, the evidence records it reads and
the templates it loads, so the memo is marked and its dependencies known by what it actually shows."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.analysis.memo_context import Evidence, MemoContext, OptionView
from briefgen.formats.filters import NONE_PRINTED
from briefgen.formats.late import LateContext
from briefgen.inputs.scales import Level, Marking, PartialDate

MAX_OUTPUT_CHARS = 5_000_000
MAX_STRING_OP = 1_000_000
MAX_INT_BITS = 10_000
MAX_WIDTH = 10_000
RENDER_SECONDS = 10.0
_SAFE_VERDICTS_KEPT = 10_000

_METADATA = frozenset({"marking", "derived_markings"})
_PRINTABLE = (str, int, float, bool, Marking, Level, PartialDate, dt.date)
_SEQUENCES = (str, bytes, list, tuple)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


class RenderTimeout(SecurityError):
    """A template ran past its deadline."""


class _GuardedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a size-checked join (Jinja's own is a bare ``str.join``)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.guarded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@dataclass
class Reads:
    """What one render read: the markings of marked objects whose content it read, the evidence records it read
    (not only through cite()), the templates it loaded (dynamic includes too), the fields of each option, and
    whether it read the reference date. The memo's marking and its dependencies follow from these."""

    markings: set[Marking] = field(default_factory=set)
    records: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    option_fields: dict[str, set[str]] = field(default_factory=dict)
    memo_fields: set[str] = field(default_factory=set)
    dated: bool = False

    def merge(self, other: Reads) -> None:
        """Add what another part of the same render read (its late blocks)."""
        self.markings |= other.markings
        self.records |= other.records
        self.templates |= other.templates
        for option, names in other.option_fields.items():
            self.option_fields.setdefault(option, set()).update(names)
        self.memo_fields |= other.memo_fields
        self.dated = self.dated or other.dated


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus the limits above, and per-render records of what the template read."""

    code_generator_class = _GuardedCodeGenerator
    context_class = LateContext
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_printable, **options)
        self.globals.pop("lipsum", None)
        for name in ("pprint", "string"):  # print whole objects (and their reprs) past the marking records
            self.filters.pop(name, None)
        self.filters.update({name: _guarded_filter(name, self.filters[name]) for name in _FILTER_CHECKS})
        self.reads = Reads()
        self.deadline = float("inf")
        self.loaded: dict[str, str] = {}  # template name → digest of the bytes loaded (each is loaded once)
        self.trees: dict[str, nodes.Template] = {}  # template name → its syntax tree, parsed once (for check)
        self._safe: dict[tuple[type, str], bool] = {}  # Jinja's verdict on (type, attribute), kept

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's check looks at the object's type and the attribute's name only, so each pair is judged once (a
        template reads the same few fields thousands of times); the record stays small whatever a template does."""
        key = (type(obj), attr)
        verdict = self._safe.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value)
            if len(self._safe) < _SAFE_VERDICTS_KEPT:
                self._safe[key] = verdict
        return verdict

    def begin(self, deadline: float | None = None) -> float:
        """Reset the per-render records and start the clock (or keep the deadline of the render this continues);
        return the deadline."""
        self.reads = Reads()
        self.deadline = time.monotonic() + RENDER_SECONDS if deadline is None else deadline
        return self.deadline

    def _load_template(self, name: str, globals: Any) -> jinja2.Template:
        self.reads.templates.add(name)  # every load goes through here: get_template, select_template, include, extends
        return super()._load_template(name, globals)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._tick()
        self._note(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._tick()
        self._note(obj, str(argument))
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._tick()
        _check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self._tick()
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format_string(value.__self__)
        return wrapped

    def guarded_concat(self, parts: tuple[Any, ...]) -> str:
        if any(p is None for p in parts):
            raise ValueError(NONE_PRINTED)
        texts = [str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_STRING_OP:
            raise SecurityError("string concatenation too large")
        return "".join(texts)

    def _tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderTimeout(f"template ran over {RENDER_SECONDS:g} seconds")

    def _note(self, obj: Any, attribute: str) -> None:
        if isinstance(obj, MemoContext):
            self.reads.memo_fields.add(attribute)
            self.reads.dated = self.reads.dated or attribute == "as_of"
            derived = obj.derived_markings.get(attribute)  # a memo-wide value derived from marked portions
            if derived is not None:
                self.reads.markings.add(derived)
            return
        if attribute in _METADATA:
            return
        if isinstance(obj, Evidence):
            self.reads.records.add(obj.id)
        if isinstance(obj, OptionView):
            self.reads.option_fields.setdefault(obj.id, set()).add(attribute)
        derived = getattr(obj, "derived_markings", None)
        marking = derived.get(attribute) if derived and attribute in derived else getattr(obj, "marking", None)
        if isinstance(marking, Marking):
            self.reads.markings.add(marking)


def open_template(env: Sandbox, name: str, variables: dict[str, Any]) -> tuple[jinja2.Template, jinja2.runtime.Context]:
    """Template ``name`` (loaded after :meth:`Sandbox.begin`: the template itself is one the render loaded) and a
    fresh context of it holding ``variables``."""
    template = env.get_template(name)
    return template, template.new_context(variables)


def stream(env: Sandbox, pieces: Iterator[str]) -> str:
    """Join a render's pieces with the deadline armed, stopping as soon as the output passes its size limit."""
    collected: list[str] = []
    size = 0
    with _alarm(env):
        try:
            for piece in pieces:
                size += len(piece)
                if size > MAX_OUTPUT_CHARS:
                    raise SecurityError(f"output over {MAX_OUTPUT_CHARS:,} characters")
                collected.append(piece)
        except Exception:
            env.handle_exception()  # re-raises with the traceback rewritten to template file and line, as Jinja does
    return "".join(collected)


@contextlib.contextmanager
def _alarm(env: Sandbox) -> Iterator[None]:
    """A timer signal that interrupts a template stuck in a loop that calls nothing (main thread only: Python
    delivers signals there; other threads rely on the checks at calls and attribute access)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        env._tick()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS + 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _printable(value: Any) -> Any:
    """``finalize``: ``{{ x }}`` prints text, numbers, markings, levels and dates — never a whole object or list,
    whose content would be shown without its marking being noted, and never None (a value withheld from this
    audience, or not given, would print as "None")."""
    if isinstance(value, (*_PRINTABLE, jinja2.Undefined)):
        return value
    if value is None:
        raise ValueError(NONE_PRINTED)
    raise SecurityError(f"cannot print a whole {type(value).__name__}: print its fields")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and isinstance(right, int) and (right > 64 or _bits(left) * max(right, 0) > MAX_INT_BITS):
        raise SecurityError("exponent too large")
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int) and _bits(left) + _bits(right) > MAX_INT_BITS:
            raise SecurityError("integer product too large")
        sequence, times = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(sequence, _SEQUENCES) and isinstance(times, int) and len(sequence) * times > MAX_STRING_OP:
            raise SecurityError("sequence repetition too large")
    both = isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES)
    if operator == "+" and both and len(left) + len(right) > MAX_STRING_OP:
        raise SecurityError("concatenation too large")
    if operator == "%" and isinstance(left, str):
        _check_percent(left)


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _check_percent(fmt: str) -> None:
    for match in _PERCENT_SPEC.finditer(fmt):
        for number in match.groups():
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise SecurityError("format width too large")


def _check_format_string(fmt: str) -> None:
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise SecurityError(f"bad format string: {exc}") from None
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec))):
            raise SecurityError("format width too large")


def _check_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Bound the result of str methods that can grow a string, before they run."""
    target, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(target, (str, bytes)):
        return
    first = args[0] if args else next(iter(kwargs.values()), None)
    if name in ("ljust", "rjust", "center", "zfill") and isinstance(first, int) and first > MAX_STRING_OP:
        raise SecurityError(f"{name}() width too large")
    tabs = target.count("\t") if isinstance(target, str) else target.count(b"\t")
    if name == "expandtabs" and isinstance(first, int) and tabs * first > MAX_STRING_OP:
        raise SecurityError("expandtabs() result too large")
    if name == "replace" and len(args) >= 2:
        _check_replace(target, args[0], args[1])
    if name == "join":
        _check_join(target, first)


def _check_replace(text: Any, old: Any, new: Any) -> None:
    text, old, new = str(text), str(old), str(new)
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * max(len(new) - len(old), 0) > MAX_STRING_OP:
        raise SecurityError("replace() result too large")


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(items, (list, tuple, str, bytes)):
        total = len(separator) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, (str, bytes)))
        if total > MAX_STRING_OP:
            raise SecurityError("join() result too large")


def _filter_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # do_replace(eval_ctx, s, old, new, count=None)
    if len(args) >= 4:
        _check_replace(args[1], args[2], args[3])


def _filter_join(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # do_join(eval_ctx, value, d="", attribute=None)
    items = args[1] if len(args) > 1 else ()
    separator = args[2] if len(args) > 2 else kwargs.get("d", "")
    _check_join(separator, items)


def _filter_center(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    width = args[1] if len(args) > 1 else kwargs.get("width", 80)
    if isinstance(width, int) and width > MAX_STRING_OP:
        raise SecurityError("center width too large")


def _filter_indent(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # do_indent(s, width=4, first=False, blank=False)
    width = args[1] if len(args) > 1 else kwargs.get("width", 4)
    size = width if isinstance(width, int) else len(str(width))
    if size > MAX_WIDTH:
        raise SecurityError("indent width too large")


def _filter_format(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if args and isinstance(args[0], str):
        _check_percent(args[0])


_FILTER_CHECKS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], None]] = {
    "replace": _filter_replace,
    "join": _filter_join,
    "center": _filter_center,
    "indent": _filter_indent,
    "format": _filter_format,
}


def _guarded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    check = _FILTER_CHECKS[name]

    @functools.wraps(original)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(args, kwargs)
        return original(*args, **kwargs)

    return guarded
