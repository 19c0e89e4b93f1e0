"""Shared test helpers: LibreOffice conversion of rendered Word documents to PDF text."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

PdfText = Callable[[bytes], str]


@pytest.fixture
def pdf_of(tmp_path: Path) -> PdfText:
    """Convert .docx bytes to PDF with headless LibreOffice; return the PDF's text.

    Pages are separated by form feeds (pdftotext). Skips when LibreOffice or pdftotext is
    missing, except on CI (env ``CI`` set), where that is a failure.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) and pdftotext (poppler-utils) are required on CI")
        pytest.skip("LibreOffice not installed")

    def convert(docx: bytes) -> str:
        source = tmp_path / "document.docx"
        source.write_bytes(docx)
        profile = (tmp_path / "lo-profile").as_uri()  # an isolated profile: no clash with a running LibreOffice
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
        pdf = tmp_path / "document.pdf"
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        return text.stdout.decode("utf-8")

    return convert
