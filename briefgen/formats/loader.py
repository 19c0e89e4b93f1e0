"""The loader every template comes through: confined to ``templates/`` (no link out, not even of the folder itself),
regular files within the input size limit only, the digest of each template's bytes noted as loaded, and each
template parsed and compiled once."""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError, TemplateNotFound
from jinja2.loaders import split_template_path

from briefgen.inputs.files import FileTooLarge, digest, read_regular, resolve
from briefgen.inputs.load import MAX_FILE_BYTES


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses templates resolving (through links) outside its folder, and the folder
    itself if it is a link out of the folder that holds it (the project); that reads a template only if it is a
    regular file within the input size limit (a named pipe would block, a huge file would be read whole); and that
    notes the digest of the bytes it loaded, so that a build records what it rendered with, not what the file holds
    by the time the build ends."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        folder = Path(self.searchpath[0])
        base = folder.resolve()
        if not base.is_relative_to(folder.absolute().parent.resolve()):
            raise SecurityError(f"{folder.name}/ leads outside the project")
        path = folder.joinpath(*split_template_path(template))
        try:
            if not resolve(path).is_relative_to(base):
                raise SecurityError(f"template {template!r} leads outside the templates folder")
            raw = read_regular(path, MAX_FILE_BYTES)
        except FileNotFoundError:
            raise TemplateNotFound(template) from None
        except FileTooLarge as exc:
            message = f"template {template!r} is {exc.size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit"
            raise SecurityError(message) from None
        except OSError as exc:
            raise SecurityError(f"template {template!r}: cannot read: {exc.strerror}") from None
        loaded = getattr(environment, "loaded", None)
        if isinstance(loaded, dict):
            loaded[template] = digest(raw)
        return raw.decode("utf-8"), os.path.normpath(path), lambda: True

    def load(
        self, environment: jinja2.Environment, name: str, globals: MutableMapping[str, Any] | None = None
    ) -> jinja2.Template:
        """Load, parse and compile a template once, keeping its syntax tree where the environment has room for it:
        ``check`` reads what it references from the tree of the template the render then uses."""
        source, filename, uptodate = self.get_source(environment, name)
        tree = environment.parse(source, name, filename)
        trees = getattr(environment, "trees", None)
        if isinstance(trees, dict):
            trees[name] = tree
        code = environment.compile(tree, name, filename)
        return environment.template_class.from_code(environment, code, globals or {}, uptodate)
