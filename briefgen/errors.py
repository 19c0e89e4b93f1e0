"""briefgen's own exceptions, and how their messages echo a value. The bottom of the import graph: imports nothing of
ours."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SHOWN_CHARS = 60


def clip(text: str) -> str:
    """``text`` cut to :data:`SHOWN_CHARS` characters (the first 57 and '…'): error lines stay short."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "…"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on or hide escaped (``\\n``, ``\\x1b``, ``\\u202e``): a file
    name or value holding a newline, an ESC sequence or a bidirectional override cannot forge, recolour or reorder
    the lines briefgen prints. Backslashes are left alone, so escaping twice changes nothing."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def shown(value: object) -> str:
    """A value as an error message echoes it: its ``repr``, clipped, so that a huge bad value (a 3 MB line, a
    4,000-digit number) cannot make a huge error line."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103):,} digits"  # repr() refuses over 4,300
    return clip(repr(value))


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with the inputs, reported as ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        return printable(f"{where}:{field} {self.message}")


class BriefgenError(Exception):
    """Base class of every error briefgen raises on purpose."""


class InputError(BriefgenError):
    """The brief's inputs are invalid; carries every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__(self.report())

    def __reduce__(self) -> tuple[type[InputError], tuple[tuple[Problem, ...]]]:
        return InputError, (self.problems,)  # pickled whole: a render worker sends it back to the build

    def report(self) -> str:
        return "\n".join([*(str(p) for p in self.problems), self.count_line()])

    def count_line(self) -> str:
        return _count(len(self.problems), "error")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


class StrictFailure(InputError):
    """``check --strict``: errors (stale evidence, quotes not found) and the lint warnings it fails on."""

    def __init__(self, errors: Iterable[Problem], warnings: Iterable[Problem]) -> None:
        errors, warnings = tuple(errors), tuple(warnings)
        self.error_count, self.warning_count = len(set(errors)), len(set(warnings))
        super().__init__([*errors, *warnings])

    def count_line(self) -> str:
        parts = [_count(self.error_count, "error")] if self.error_count else []
        parts += [_count(self.warning_count, "warning")] if self.warning_count else []
        return " and ".join(parts) + (" (check --strict fails on warnings)" if self.warning_count else "")


class ProjectNotFound(BriefgenError):
    """No briefgen.yaml at or above the starting folder."""


class TemplateError(BriefgenError):
    """A template failed to load or render (syntax, undefined name, sandbox violation)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.problem = Problem(path, line, "template", message)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[type[TemplateError], tuple[str, int, str]]:
        return TemplateError, (self.problem.path, self.problem.line, self.problem.message)


class RenderError(BriefgenError):
    """Rendering a memo to Markdown or Word failed for a reason the user can fix."""


class BuildLocked(BriefgenError):
    """Another build holds the project's lock."""


class DateOutOfRange(BriefgenError, ValueError):
    """A reference date (``as_of``) outside the years briefgen's dates may name."""
