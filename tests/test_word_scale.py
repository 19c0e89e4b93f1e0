"""The Word stage at scale: the reference is prepared once per build, every part a memo does not change is reused as
compressed once, the zip is exactly what :mod:`zipfile` writes, and a long table costs per row what a short one does."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from briefs import build_tree

from briefgen.builder import outputs
from briefgen.builder.run import build
from briefgen.formats.docx.document import DEFAULT_HEAT, DocxSettings, WordRenderer, markdown_to_docx
from briefgen.formats.docx.house import build_reference_docx
from briefgen.formats.docx.links import Links
from briefgen.formats.docx.package import FIXED_ZIP_TIME, archive, deflated

REFERENCE = build_reference_docx()


def settings(**changes: Any) -> DocxSettings:
    return DocxSettings(reference=REFERENCE, marking=changes.pop("marking", "TLP:CLEAR"), heat=DEFAULT_HEAT, title="t")


def test_the_zip_is_what_zipfile_writes() -> None:
    entries = {"[Content_Types].xml": b"<Types/>" * 40, "word/document.xml": b"<w:p/>" * 5000, "wörd.xml": b""}
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as target:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
            target.writestr(info, data, compresslevel=1)
    assert archive([deflated(name, data) for name, data in entries.items()]) == expected.getvalue()


def test_one_renderer_gives_what_a_fresh_one_gives_memo_after_memo() -> None:
    """Nothing of one memo leaks into the next: links, list numbering and the marking are each memo's own."""
    word = WordRenderer.of(REFERENCE, DEFAULT_HEAT)
    memos = [
        ("1. one\n2. two\n\n[a](https://a.example/x)", "TLP:AMBER"),
        ("- plain\n\n3. three", "TLP:GREEN"),
        ("[b](https://b.example/) [a](https://a.example/x)\n\n1. x", "TLP:CLEAR"),
    ]
    for text, marking in memos:
        one_off = markdown_to_docx(text, settings(marking=marking))
        assert word.render(text, settings(marking=marking)) == one_off


def test_a_build_prepares_the_reference_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_tree(tmp_path, {})
    prepared = []
    real = WordRenderer.of

    def counted(*args: Any, **kwargs: Any) -> WordRenderer:
        prepared.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(WordRenderer, "of", counted)
    read = []
    real_read = outputs.reference_bytes

    def counted_read(brief: Any) -> bytes:
        read.append(brief)
        return real_read(brief)

    monkeypatch.setattr(outputs, "reference_bytes", counted_read)
    result = build(root, as_of=dt.date(2026, 11, 23), jobs=1)
    assert len([p for p in result.written if p.endswith(".docx")]) == 3
    assert len(prepared) == len(read) == 1


def test_links_are_numbered_as_python_docx_numbers_them() -> None:
    document = docx.Document(io.BytesIO(REFERENCE))
    part = document.part
    links = Links.of(((r.rId, r.reltype, r.target_ref, r.is_external) for r in part.rels.values()), _HYPERLINK)
    for n in [*range(300), 5, 17]:
        target = f"https://example.org/{n}"
        assert links.external(target) == part.relate_to(target, _HYPERLINK, is_external=True)


_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _cost_per_row(rows: int) -> float:
    """CPU seconds per row of converting a table of ``rows`` rows (the best of two runs)."""
    markdown = "| Risk | Level | Owner |\n|---|---|---|\n" + "".join(
        f"| Risk {i} **b** | High | Office {i % 7} |\n" for i in range(rows)
    )
    word = WordRenderer.of(REFERENCE, DEFAULT_HEAT)
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        word.render(markdown, settings())
        best = min(best, time.process_time() - start)
    return best / rows


def test_a_long_table_costs_what_a_short_one_does_per_row() -> None:
    """Linear, not quadratic: 16,000 rows cost about what 2,000 rows do per row (the quadratic splice this replaced
    cost ten times as much per row at 16,000). A ratio of CPU times, so machine speed cancels out."""
    assert _cost_per_row(16_000) < 3 * _cost_per_row(2_000)
