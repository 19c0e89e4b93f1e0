"""Run by LibreOffice's Python (one with ``uno``), never imported by briefgen: convert Word files to PDF in one
LibreOffice process, each document's indexes (its table of contents) updated first, so that their page numbers are
the pages as laid out.

Reads a JSON object from standard input: ``soffice`` (the program), ``profile`` (a file URL of a profile folder of
its own: concurrent builds do not collide), ``pipe`` (a pipe name of its own) and ``jobs`` (``[source, target]``
paths). Exit 0 when every PDF is written; 3 when ``uno`` cannot be imported (the caller tries another Python); 1
otherwise, with one line on standard error."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from typing import Any

TIMEOUT_SECONDS = 60  # for LibreOffice to start listening


def main() -> int:
    try:
        import uno  # type: ignore[import-not-found]
    except ImportError:
        return 3
    request = json.loads(sys.stdin.read())
    office = _start(request)
    try:
        desktop = _connect(uno, request["pipe"], office)
        for source, target in request["jobs"]:
            _convert(uno, desktop, source, target)
        _quit(desktop)
        office.wait(timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # one line for the caller, whatever LibreOffice raised
        print(f"{type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    finally:
        if office.poll() is None:
            office.kill()
    return 0


def _start(request: dict[str, Any]) -> subprocess.Popen[bytes]:
    accept = f"pipe,name={request['pipe']};urp;StarOffice.ComponentContext"
    command = [request["soffice"], f"-env:UserInstallation={request['profile']}", "--headless", "--invisible",
               "--nologo", "--norestore", "--nodefault", "--nolockcheck", f"--accept={accept}"]  # fmt: skip
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _connect(uno: Any, pipe: str, office: subprocess.Popen[bytes]) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:
            if office.poll() is not None:
                raise RuntimeError(f"LibreOffice stopped at start (exit status {office.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not start within {TIMEOUT_SECONDS} seconds") from None
            time.sleep(0.05)


def _convert(uno: Any, desktop: Any, source: str, target: str) -> None:
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, _props(uno, Hidden=True))
    if document is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        indexes = document.getDocumentIndexes()
        for _ in range(2):  # the second pass sees the pages as the first pass's entries left them
            for number in range(indexes.getCount()):
                indexes.getByIndex(number).update()
        settings = uno.Any("[]com.sun.star.beans.PropertyValue", _props(uno, ExportBookmarks=True))
        arguments = _props(uno, FilterName="writer_pdf_Export", FilterData=settings)
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(target), arguments))  # FilterData typed
    finally:
        document.close(True)


def _props(uno: Any, **values: Any) -> tuple[Any, ...]:
    found = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name, prop.Value = name, value
        found.append(prop)
    return tuple(found)


def _quit(desktop: Any) -> None:
    with contextlib.suppress(Exception):  # the bridge closes as LibreOffice quits
        desktop.terminate()


if __name__ == "__main__":
    sys.exit(main())
