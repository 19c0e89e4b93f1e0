"""``briefgen init``: a new brief project that builds as it stands — this folder's example inputs plus the
default templates and reference document."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from briefgen.errors import BriefgenError

_HERE = Path(__file__).resolve().parent


def default_templates() -> Path:
    """The default templates: packaged in a wheel (briefgen/_defaults), or the repository's templates/ in a checkout."""
    for candidate in (_HERE.parent / "_defaults" / "templates", _HERE.parent.parent / "templates"):
        if (candidate / "base.md.j2").is_file() and (candidate / "reference.docx").is_file():
            return candidate
    raise BriefgenError("briefgen's default templates are missing from this installation: reinstall briefgen")


def init(target: str | Path) -> list[str]:
    """Create a new brief in ``target`` (which must not exist or be empty); return the files written. A folder that
    cannot be made or written (``/proc/x``, a path through a file) is a BriefgenError, and whatever was written
    before the failure is removed again."""
    root = Path(target)
    try:
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise BriefgenError(f"{root}: exists and is not an empty folder; choose a new folder")
        templates = default_templates()
        existed = root.exists()
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(f"{root}: cannot create the brief here: {exc.strerror or exc}") from None
    try:
        _write(root, templates)
    except OSError as exc:
        _remove_contents(root, keep_folder=existed)
        raise BriefgenError(f"{root}: cannot create the brief here: {exc.strerror or exc}") from None
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _write(root: Path, templates: Path) -> None:
    for folder in ("evidence", "options", "sources"):
        shutil.copytree(_HERE / folder, root / folder)
    shutil.copy2(_HERE / "briefgen.yaml", root / "briefgen.yaml")
    shutil.copytree(templates, root / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".gitignore").write_text("outputs/\n.briefgen/\n", encoding="utf-8")


def _remove_contents(root: Path, keep_folder: bool) -> None:
    """Undo a failed init: the folder was new or empty, so everything in it is ours."""
    if not keep_folder:
        shutil.rmtree(root, ignore_errors=True)
        return
    with contextlib.suppress(OSError):  # best effort: the error being reported is the first one
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
