"""PDF output: the Word memos converted by LibreOffice, headless, in one LibreOffice process per build for all of
them (:mod:`~briefgen.formats.pdf_uno` drives it over UNO), with a profile folder and a pipe of its own so that
concurrent builds never collide, and each document's contents updated before export so that its page numbers are
the real ones (``--convert-to pdf`` alone leaves a table of contents as the Word file has it).

LibreOffice is found on PATH, or where ``BRIEFGEN_SOFFICE`` says; its Python bridge is LibreOffice's own Python, the
system's ``python3`` with python3-uno, or ``BRIEFGEN_UNO_PYTHON``. The PDFs LibreOffice writes differ from run to
run only in their creation time and the identifiers derived from it: those are set from the memo's date and its
content (same lengths, so every offset in the file stands), so the same Word file gives the same PDF bytes."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import RenderError

SOFFICE_ENV = "BRIEFGEN_SOFFICE"
PYTHON_ENV = "BRIEFGEN_UNO_PYTHON"
INSTALL = (
    "install LibreOffice (Debian, Ubuntu: apt-get install libreoffice-writer-nogui python3-uno; macOS: brew install "
    f"--cask libreoffice) or set {SOFFICE_ENV} to its soffice program"
)
DRIVER = Path(__file__).with_name("pdf_uno.py")
START_SECONDS = 120
SECONDS_PER_DOCUMENT = 120
_NO_UNO = 3  # the driver's exit status when its Python has no uno
_CREATED = re.compile(rb"/CreationDate\(D:[0-9]{14}Z'\)")
_ID = re.compile(rb"/ID \[ <([0-9A-F]{32})>\n<([0-9A-F]{32})> \]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


@dataclass(frozen=True)
class Office:
    soffice: str
    python: str


def find_office() -> Office:
    """LibreOffice and a Python that drives it; a RenderError saying how to install what is missing."""
    named = os.environ.get(SOFFICE_ENV)
    soffice = named or shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError(f"--format pdf needs LibreOffice, and no soffice is on PATH: {INSTALL}")
    if not (os.path.isfile(soffice) and os.access(soffice, os.X_OK)):
        raise RenderError(f"{SOFFICE_ENV}={soffice}: not an executable program: {INSTALL}")
    for python in _pythons(soffice):
        if _has_uno(python):
            return Office(soffice, python)
    raise RenderError(
        "--format pdf needs LibreOffice's Python bridge (to fill in the contents' page numbers), and no Python here "
        f"can import uno: apt-get install python3-uno, or set {PYTHON_ENV} to a Python that can"
    )


def _pythons(soffice: str) -> list[str]:
    named = os.environ.get(PYTHON_ENV)
    if named:
        return [named]
    program = Path(os.path.realpath(soffice)).parent
    found = [str(program / "python"), "/usr/bin/python3", shutil.which("python3") or "", sys.executable]
    return [p for p in dict.fromkeys(found) if p and os.path.isfile(p) and os.access(p, os.X_OK)]


def _has_uno(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def to_pdf(documents: Sequence[bytes], dates: Sequence[dt.date], office: Office) -> list[bytes]:
    """The PDF of each Word document, converted in one LibreOffice process; each dated ``dates[i]``."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="briefgen-pdf-") as folder:
        root = Path(folder)
        jobs = []
        for number, data in enumerate(documents, 1):
            (root / f"{number}.docx").write_bytes(data)
            jobs.append([str(root / f"{number}.docx"), str(root / f"{number}.pdf")])
        request: dict[str, object] = {"soffice": office.soffice, "profile": (root / "profile").as_uri(),
                   "pipe": f"briefgen-{secrets.token_hex(8)}", "jobs": jobs}  # fmt: skip
        _drive(office, request, START_SECONDS + SECONDS_PER_DOCUMENT * len(documents))
        return [stable(Path(target).read_bytes(), day) for (_, target), day in zip(jobs, dates, strict=True)]


def _drive(office: Office, request: dict[str, object], timeout: float) -> None:
    environment = {**os.environ, "TZ": "UTC", "SAL_USE_VCLPLUGIN": "svp"}
    command = [office.python, str(DRIVER)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=environment, start_new_session=True) as child:  # fmt: skip
        try:
            _, errors = child.communicate(json.dumps(request).encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(child.pid, signal.SIGKILL)  # the driver and the LibreOffice it started
            child.communicate()
            raise RenderError(f"LibreOffice did not convert the PDFs within {timeout:.0f} seconds") from None
        finally:
            with contextlib.suppress(OSError):
                os.killpg(child.pid, signal.SIGKILL)  # nothing of this build's LibreOffice is left running
    if child.returncode == _NO_UNO:
        raise RenderError(f"{office.python} cannot import uno: apt-get install python3-uno, or set {PYTHON_ENV}")
    if child.returncode != 0:
        said = errors.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"LibreOffice could not convert to PDF: {said[-1] if said else f'exit {child.returncode}'}")


def stable(pdf: bytes, day: dt.date) -> bytes:
    """``pdf`` with its creation time set to ``day`` and its identifiers derived from its content (LibreOffice
    derives them from the time): each replacement is as long as what it replaces."""
    created = f"/CreationDate(D:{day:%Y%m%d}000000Z')".encode()
    data = _CREATED.sub(lambda m: created, pdf, count=1)
    blank = _CHECKSUM.sub(
        b"/DocChecksum /" + b"0" * 32, _ID.sub(b"/ID [ <" + b"0" * 32 + b">\n<" + b"0" * 32 + b"> ]", data)
    )
    ident = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode()
    data = _ID.sub(b"/ID [ <" + ident + b">\n<" + ident + b"> ]", data, count=1)
    return _CHECKSUM.sub(b"/DocChecksum /" + ident, data, count=1)


def page_count(pdf: bytes) -> int:
    """The pages of a PDF LibreOffice made (a RenderError if it cannot be read as one)."""
    import io

    import pypdf

    try:
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except (pypdf.errors.PyPdfError, ValueError, KeyError) as exc:
        raise RenderError(f"LibreOffice made a PDF that cannot be read: {type(exc).__name__}") from None
