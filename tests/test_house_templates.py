"""Any house Word template works as ``style.reference``: pandoc's default reference document, one saved by
LibreOffice, one with localised style names, a .dotx; missing styles are added (check notes them, --strict refuses
them); broken and oversized packages are refused naming the file; ``briefgen style export`` writes the full house
reference."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from briefs import BRIEF, build_tree, expect_error, run_check
from click.testing import CliRunner

from briefgen.builder.run import build
from briefgen.cli import main
from briefgen.formats.docx.house import build_reference_docx
from briefgen.formats.docx.reference import REQUIRED_STYLES, open_reference

HOUSE = BRIEF + "style: {reference: templates/house.docx}\n"


def need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required on CI (.ci/run installs it)")
        pytest.skip(f"{tool} not installed")
    return found


def pandoc_reference() -> bytes:
    pandoc = need("pandoc")
    command = [pandoc, "--print-default-data-file", "reference.docx"]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def saved_by_libreoffice(data: bytes, tmp_path: Path) -> bytes:
    soffice = need("soffice")
    source = tmp_path / "lo" / "in.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()  # isolated: no clash with a running LibreOffice
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path / "lo" / "out"), str(source)], check=True, capture_output=True, timeout=180
    )
    return (tmp_path / "lo" / "out" / "in.docx").read_bytes()


def rewritten(data: bytes, name: str, change: object) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(item, change(body) if item.filename == name else body)  # type: ignore[operator]
    return out.getvalue()


# German names as Word writes them for a localised install: w:name in German, styleIds in German where Word
# localises them (headings), English where it keeps them.
GERMAN = {
    b'w:val="Normal"': b'w:val="Standard"',
    b'w:val="heading 1"': b'w:val="\xc3\x9cberschrift 1"',
    b'w:val="heading 2"': b'w:val="\xc3\x9cberschrift 2"',
    b'w:val="heading 3"': b'w:val="\xc3\x9cberschrift 3"',
    b'w:val="heading 4"': b'w:val="\xc3\x9cberschrift 4"',
    b'w:styleId="Heading1"': b'w:styleId="berschrift1"',
    b'w:styleId="Heading2"': b'w:styleId="berschrift2"',
    b'w:styleId="Heading3"': b'w:styleId="berschrift3"',
    b'w:styleId="Heading4"': b'w:styleId="berschrift4"',
    b'w:val="List Bullet"': b'w:val="Aufz\xc3\xa4hlungszeichen"',
    b'w:val="Quote"': b'w:val="Zitat"',
    b'w:val="header"': b'w:val="Kopfzeile"',
    b'w:val="footer"': b'w:val="Fu\xc3\x9fzeile"',
    b'w:val="Table Grid"': b'w:val="Tabellenraster"',
}


def localised() -> bytes:
    def german(styles: bytes) -> bytes:
        for english, native in GERMAN.items():
            styles = styles.replace(english, native)
        return styles.replace(b'w:basedOn w:val="Heading', b'w:basedOn w:val="berschrift')

    return rewritten(build_reference_docx(), "word/styles.xml", german)


def build_with(tmp_path: Path, data: bytes, name: str = "house.docx") -> Path:
    root = build_tree(tmp_path / "brief", {"briefgen.yaml": HOUSE.replace("house.docx", name)})
    (root / "templates" / name).write_bytes(data)
    result = CliRunner().invoke(main, ["build", "-p", str(root), "--as-of", "2025-06-10"])
    assert result.exit_code == 0, result.output
    return root


def styles_used(root: Path) -> set[str]:
    document = docx.Document(str(root / "outputs/test-memo/working-level.docx"))
    return {p.style.name for p in document.paragraphs if p.style} | {t.style.name for t in document.tables if t.style}


def test_pandocs_default_reference_document_builds_with_its_own_fonts(tmp_path: Path) -> None:
    data = pandoc_reference()
    reference = open_reference(data, "house.docx")
    assert "Table Grid" in reference.added and "Heading 1" not in reference.added
    root = build_with(tmp_path, data)
    assert {"Heading 2", "List Bullet", "Table Grid"} <= styles_used(root)
    styles = docx.Document(str(root / "outputs/test-memo/working-level.docx")).styles
    assert styles["List Bullet"].base_style.name == "Normal"  # pandoc's Normal: its fonts, not briefgen's Arial
    code, out = run_check(root)
    assert code == 0 and re.search(r"^note: templates/house\.docx lacks \d+ styles .*'Table Grid'", out, re.M), out


def test_a_reference_saved_by_libreoffice_builds(tmp_path: Path) -> None:
    data = saved_by_libreoffice(pandoc_reference(), tmp_path)
    root = build_with(tmp_path, data)
    assert "Table Grid" in styles_used(root)


def test_localised_style_names_are_matched_by_id_or_built_in_identity(tmp_path: Path) -> None:
    reference = open_reference(localised(), "house.docx")
    assert reference.added == ()
    assert reference.style_ids["Heading 1"] == "berschrift1" and reference.style_ids["List Bullet"] == "ListBullet"
    root = build_with(tmp_path, localised())
    names = styles_used(root)
    assert "Überschrift 2" in names and "Aufzählungszeichen" in names and "Tabellenraster" in names


def test_a_word_template_dotx_is_accepted(tmp_path: Path) -> None:
    main_type = b"wordprocessingml.document.main+xml"
    dotx = rewritten(
        build_reference_docx(),
        "[Content_Types].xml",
        lambda b: b.replace(main_type, b"wordprocessingml.template.main+xml"),
    )
    build_with(tmp_path, dotx, "house.dotx")


def test_check_notes_added_styles_and_strict_refuses_them(tmp_path: Path) -> None:
    def drop(styles: bytes) -> bytes:
        return re.sub(rb'<w:style w:type="character" w:styleId="CodeChar">.*?</w:style>', b"", styles)

    root = build_tree(tmp_path, {"briefgen.yaml": HOUSE})
    (root / "templates/house.docx").write_bytes(rewritten(build_reference_docx(), "word/styles.xml", drop))
    code, out = run_check(root)
    assert (
        code == 0
        and "note: templates/house.docx lacks 1 styles briefgen uses; added from its defaults: 'Code Char'" in out
    )
    strict = CliRunner().invoke(main, ["check", "--strict", "-p", str(root)])
    assert strict.exit_code == 1 and "templates/house.docx: style.reference: lacks 1 styles" in strict.output


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken"], ids=["text", "damaged zip"])
def test_a_broken_reference_is_reported_by_check_naming_the_file(tmp_path: Path, data: bytes) -> None:
    root = build_tree(tmp_path, {"briefgen.yaml": HOUSE})
    (root / "templates/house.docx").write_bytes(data)
    expect_error(root, r"^templates/house\.docx: style\.reference: not a readable Word document")


def zip_bomb() -> bytes:
    """A small zip whose directory declares a 4 GB entry (what a bomb declares, without the work of making one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", b"x" * 100)
    data = bytearray(buffer.getvalue())
    at = data.rfind(b"PK\x01\x02")  # the last central directory entry: its uncompressed size at offset 24
    data[at + 24 : at + 28] = struct.pack("<I", 0xFFFF_FFF0)
    return bytes(data)


def test_a_zip_bomb_reference_is_refused_by_its_declared_sizes(tmp_path: Path) -> None:
    root = build_tree(tmp_path, {"briefgen.yaml": HOUSE})
    (root / "templates/house.docx").write_bytes(zip_bomb())
    expect_error(root, r"^templates/house\.docx: style\.reference: declares 2 files and 4,294,967,\d+ bytes unpacked")
    result = CliRunner().invoke(main, ["build", "-p", str(root)])
    assert result.exit_code == 1 and "declares 2 files" in result.output


def test_style_export_writes_every_style_and_works_as_a_reference(tmp_path: Path) -> None:
    target = tmp_path / "house.docx"
    result = CliRunner().invoke(main, ["style", "export", str(target)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    assert {n.casefold() for n in REQUIRED_STYLES} <= {s.name.casefold() for s in document.styles}  # "toc 1"
    shown = {p.style.name for p in document.paragraphs if p.style}
    assert {"Heading 1", "List Number 3", "Quote", "Code Block"} <= shown  # a sample of each to restyle
    again = CliRunner().invoke(main, ["style", "export", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert open_reference(target.read_bytes(), "house.docx").added == ()
    build_with(tmp_path, target.read_bytes())
    assert CliRunner().invoke(main, ["style", "export", "--force", str(target)]).exit_code == 0
    assert build(tmp_path / "brief", as_of=dt.date(2025, 6, 10)).written == ()  # the same file: nothing to redo


@pytest.mark.parametrize("kind", ["link", "dangling link", "named pipe", "hard link"])
def test_style_export_force_writes_through_no_link_and_into_no_special_file(tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    target = tmp_path / "house.docx"
    if kind == "link":
        target.symlink_to(outside)
    elif kind == "dangling link":
        target.symlink_to(tmp_path / "nothing")
    elif kind == "named pipe":
        os.mkfifo(target)
    else:
        os.link(outside, target)
    result = CliRunner().invoke(main, ["style", "export", "--force", str(target)])
    assert outside.read_text() == "keep me\n"
    assert not (tmp_path / "nothing").exists()
    if kind == "hard link":  # a regular file: replaced by a new one, its other name keeping its bytes
        assert result.exit_code == 0, result.output
        assert target.read_bytes()[:2] == b"PK"
    else:
        assert result.exit_code == 1, result.output
        assert f"{target}: is a" in result.output and "Traceback" not in result.output
