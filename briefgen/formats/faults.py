"""What goes wrong in a template, said with its file and line: every failure of a render becomes a TemplateError,
and :func:`compile_templates` finds syntax errors, unknown filters and missing templates without rendering (for
``briefgen check``)."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from briefgen.errors import TemplateError
from briefgen.formats.environment import environment
from briefgen.formats.sandbox import Sandbox

_RENDER_FAILURES = (
    jinja2.UndefinedError,
    SecurityError,
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
    OverflowError,
    RecursionError,
    MemoryError,
    UnicodeError,
    jinja2.TemplateError,
)


@contextlib.contextmanager
def template_faults(name: str) -> Iterator[None]:
    """Turn any failure while rendering template ``name`` into a TemplateError naming the template file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"templates/{exc.name or name}", exc.lineno, f"syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"templates/{name}", 0, f"template not found: {exc.name}") from None
    except _RENDER_FAILURES as exc:
        path, line = _template_frame(exc.__traceback__, name)
        kind = (
            "sandbox violation"
            if isinstance(exc, SecurityError)
            else "undefined"
            if isinstance(exc, jinja2.UndefinedError)
            else "error"
        )
        detail = str(exc) or "ran out of memory" if isinstance(exc, MemoryError) else str(exc)
        raise TemplateError(path, line, f"{kind}: {detail}") from None


def compile_templates(templates: Path | Sandbox, names: Iterable[str]) -> list[TemplateError]:
    """Compile each named template and everything it extends, includes or imports, each once: syntax errors,
    unknown filters and missing templates found without rendering."""
    from jinja2 import meta

    env = templates if isinstance(templates, Sandbox) else environment(templates)
    assert env.loader is not None
    errors: list[TemplateError] = []
    seen: set[str] = set()
    pending = [(name, name) for name in sorted(set(names), reverse=True)]
    while pending:
        name, wanted_by = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            pending += [(n, name) for n in meta.find_referenced_templates(tree) if n]
            env.compile(tree, name, filename, raw=True)  # generating code reports unknown filters and tests
        except jinja2.TemplateSyntaxError as exc:
            errors.append(TemplateError(f"templates/{name}", exc.lineno, f"syntax error: {exc.message}"))
        except jinja2.TemplateNotFound:
            errors.append(TemplateError(f"templates/{wanted_by}", 0, f"template not found: {name}"))
        except UnicodeDecodeError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        except SecurityError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"refused: {exc}"))
        except RecursionError:
            errors.append(TemplateError(f"templates/{name}", 0, "nested too deeply to compile"))
    return errors


def _template_frame(tb: types.TracebackType | None, name: str) -> tuple[str, int]:
    """The innermost traceback frame inside a template (Jinja rewrites those to template file and line)."""
    found = (f"templates/{name}", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            found = (f"templates/{Path(filename).name}", tb.tb_lineno)
        tb = tb.tb_next
    return found
