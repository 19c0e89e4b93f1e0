"""What goes wrong in a template, said with its file and line: every failure of a render becomes a TemplateError
(its message in the memo's words: :mod:`briefgen.formats.undefined`), and :func:`compile_templates` finds syntax
errors, unknown filters, missing templates (at the line that names them) and blocks that no parent template has
(which Jinja would silently never show) without rendering (for ``briefgen check``)."""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError

from briefgen.errors import TemplateError
from briefgen.formats.environment import environment
from briefgen.formats.sandbox import Sandbox
from briefgen.formats.undefined import scrub
from briefgen.inputs.suggest import did_you_mean

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
        path, line = _template_frame(exc.__traceback__, name)
        raise TemplateError(path, line, f"template not found: {exc.name}") from None
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
        raise TemplateError(path, line, f"{kind}: {scrub(detail)}") from None


def compile_templates(templates: Path | Sandbox, names: Iterable[str]) -> list[TemplateError]:
    """Compile each named template and everything it extends, includes or imports, each once: syntax errors,
    unknown filters and missing templates found without rendering; then every block a child template defines
    must exist in the templates it extends."""
    env = templates if isinstance(templates, Sandbox) else environment(templates)
    assert env.loader is not None
    errors: list[TemplateError] = []
    trees: dict[str, nodes.Template] = {}
    seen: set[str] = set()
    pending: list[tuple[str, str, int]] = [(name, name, 0) for name in sorted(set(names), reverse=True)]
    while pending:
        name, wanted_by, line = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)  # parsed and compiled once (unknown filters and tests too), kept for the render
            tree = env.trees[name]
            pending += [(n, name, at) for n, at in reversed(_references(tree))]
            trees[name] = tree
        except jinja2.TemplateSyntaxError as exc:
            errors.append(TemplateError(f"templates/{name}", exc.lineno, f"syntax error: {exc.message}"))
        except jinja2.TemplateNotFound:
            errors.append(TemplateError(f"templates/{wanted_by}", line, f"template not found: {name}"))
        except UnicodeDecodeError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        except SecurityError as exc:
            errors.append(TemplateError(f"templates/{name}", 0, f"refused: {exc}"))
        except RecursionError:
            errors.append(TemplateError(f"templates/{name}", 0, "nested too deeply to compile"))
    return errors + [error for name in sorted(trees) for error in _unknown_blocks(name, trees)]


def _references(tree: nodes.Template) -> list[tuple[str, int]]:
    """(template, line) of every extends, include and import naming a fixed template (an include that may be
    missing, or that picks the first of a list, may name one that does not exist)."""
    found = []
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        template = getattr(node, "template", None)
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            found.append((template.value, node.lineno))
    return found


def _unknown_blocks(name: str, trees: dict[str, nodes.Template]) -> list[TemplateError]:
    """A block a child template defines at its top level must be one of the blocks of the templates it extends:
    Jinja renders a child's blocks only where a parent has them, so a misspelt one (``bodyy``) shows nothing."""
    parents = _parents(name, trees)
    if not parents:
        return []
    inherited = {block.name for parent in parents for block in trees[parent].find_all(nodes.Block)}
    errors = []
    for block in _outer_blocks(trees[name]):
        if block.name not in inherited:
            hint = did_you_mean(block.name, sorted(inherited)) or f" (its blocks: {', '.join(sorted(inherited))})"
            message = f"block {block.name!r} is not in {parents[0]} or any template it extends, so it is never shown"
            errors.append(TemplateError(f"templates/{name}", block.lineno, message + hint))
    return errors


def _parents(name: str, trees: dict[str, nodes.Template]) -> list[str]:
    """The chain of templates ``name`` extends, nearest first; empty when any link is dynamic, missing or broken
    (its blocks are then unknown, and nothing is checked)."""
    chain: list[str] = []
    current = name
    while True:
        extends = next(iter(trees[current].find_all(nodes.Extends)), None)
        if extends is None:
            return chain
        parent = extends.template.value if isinstance(extends.template, nodes.Const) else None
        if not isinstance(parent, str) or parent not in trees or parent == name or parent in chain:
            return []
        chain.append(parent)
        current = parent


def _outer_blocks(node: nodes.Node) -> Iterator[nodes.Block]:
    """The blocks of a template not inside another block (a block inside one is new content of that block)."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Block):
            yield child
        else:
            yield from _outer_blocks(child)


def _template_frame(tb: types.TracebackType | None, name: str) -> tuple[str, int]:
    """The innermost traceback frame inside a template (Jinja rewrites those to template file and line)."""
    found = (f"templates/{name}", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            found = (f"templates/{Path(filename).name}", tb.tb_lineno)
        tb = tb.tb_next
    return found
