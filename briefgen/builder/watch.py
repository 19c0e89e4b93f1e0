"""``briefgen watch``: rebuild when inputs change. The loop is handed a build callable and knows nothing of build
internals (MkDocs' live-reload habit); it keeps running through errors and exits cleanly on Ctrl-C."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

WATCHED = ("briefgen.yaml", "evidence", "options", "templates")


def watch(
    root: Path,
    rebuild: Callable[[], str],
    report: Callable[[str], None],
    report_error: Callable[[Exception], None],
    debounce_ms: int = 400,
    changes: Callable[..., Iterable[object]] | None = None,
) -> None:
    """Run ``rebuild`` once, then again after every settled batch of changes to the watched inputs.

    ``rebuild`` returns a one-line summary; any exception it raises (briefgen's own, or an internal error, or running
    out of memory) is reported and watching goes on. An edit saved while a rebuild runs is part of the next batch:
    the build records the inputs as they stood before it read them, so the next rebuild sees the edit."""
    if changes is None:
        from watchfiles import watch as watch_changes

        changes = watch_changes
    paths = [root / name for name in WATCHED if (root / name).exists()]
    _attempt(rebuild, report, report_error, "initial build")
    report(f"watching {', '.join(p.name for p in paths)} in {root} (Ctrl-C to stop)")
    try:
        for batch in changes(*paths, debounce=debounce_ms, raise_interrupt=False, watch_filter=_relevant):
            _attempt(rebuild, report, report_error, _describe(root, batch))
    except KeyboardInterrupt:
        pass


def _attempt(
    rebuild: Callable[[], str], report: Callable[[str], None], report_error: Callable[[Exception], None], why: str
) -> None:
    try:
        summary = rebuild()
    except Exception as err:  # whatever a build raises, watching goes on
        report_error(err)
        return
    report(f"{why}: {summary}")


# What editors and tools write beside a file while saving it: vim's swap files and its 4913 probe, backups (~),
# emacs lock (.#x) and autosave (#x#) files, the sedXXXXXX temp file of `sed -i`, and dot files in general.
_EDITOR_TEMP = re.compile(r"^(\..*|.*~|.*\.sw[a-p]|.*\.sw[a-p]x|#.*#|sed[A-Za-z0-9]{6}|4913)$")


def _relevant(change: object, path: str) -> bool:
    return not _EDITOR_TEMP.match(Path(path).name)


def _describe(root: Path, batch: object) -> str:
    names = sorted({Path(p).resolve().relative_to(root.resolve()).as_posix() for _, p in batch})  # type: ignore[attr-defined]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"changed {shown}"
