"""The .docx package as bytes: equal content always gives equal bytes (fixed zip timestamps, sorted entries).

The zip is written here, not by python-docx's ``save`` (which stamps entries with the current time) nor by
:mod:`zipfile`, so that a part compressed once — every part of the reference document a memo does not change — is
reused as it is by every memo of a build. The layout is exactly what :mod:`zipfile` writes for the same entries (a test
compares the bytes): deflate level 1, no data descriptors, fixed time and attributes."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import OpcPackage
from docx.opc.part import Part

from briefgen.formats.docx.xml import escape_attr

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONTENT_TYPES = "[Content_Types].xml"
COMPRESS_LEVEL = 1  # fastest; a few KB larger

_VERSION = 20  # what zipfile writes for deflated entries
_DOS_DATE = (FIXED_ZIP_TIME[0] - 1980) << 9 | FIXED_ZIP_TIME[1] << 5 | FIXED_ZIP_TIME[2]
_DOS_TIME = FIXED_ZIP_TIME[3] << 11 | FIXED_ZIP_TIME[4] << 5 | FIXED_ZIP_TIME[5] // 2
_ATTRIBUTES = 0o600 << 16  # zipfile's default for an entry written without attributes
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class Entry:
    """One zip member, compressed: its name, the deflated bytes, and what the headers record of the data."""

    name: str
    compressed: bytes
    crc: int
    size: int


def deflated(name: str, data: bytes) -> Entry:
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return Entry(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def archive(entries: Sequence[Entry]) -> bytes:
    """The zip of ``entries`` in the order given, [Content_Types].xml expected first."""
    chunks: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for entry in entries:
        name, flags = _encoded(entry.name)
        fields = (flags, zlib.DEFLATED, _DOS_TIME, _DOS_DATE, entry.crc, len(entry.compressed), entry.size)
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, *fields, len(name), 0)
        chunks += (header, name, entry.compressed)
        versions = (_VERSION, 0, _VERSION, 0)  # made by, its system (MS-DOS), needed to extract, reserved
        lengths = (len(name), 0, 0, 0, 0)  # name, extra field, comment; disk number, internal attributes
        directory.append(
            struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", *versions, *fields, *lengths, _ATTRIBUTES, offset)
        )
        directory.append(name)
        offset += len(header) + len(name) + len(entry.compressed)
    central = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), offset, 0)
    return b"".join(chunks) + central + end


def _encoded(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def entry_order(names: Iterable[str]) -> list[str]:
    """[Content_Types].xml first, then the other members sorted."""
    return sorted(names, key=lambda name: (name != CONTENT_TYPES, name))


def package_entries(package: OpcPackage) -> dict[str, bytes]:
    """Every member of the package, uncompressed, by name."""
    parts = list(package.iter_parts())
    entries = {CONTENT_TYPES: content_types(parts), "_rels/.rels": as_bytes(package.rels.xml)}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if part.rels:
            entries[part.partname.rels_uri.membername] = as_bytes(part.rels.xml)
    return entries


def package_bytes(package: OpcPackage) -> bytes:
    """The package as .docx bytes: equal content always gives equal bytes."""
    entries = package_entries(package)
    return archive([deflated(name, entries[name]) for name in entry_order(entries)])


def content_types(parts: Sequence[Part]) -> bytes:
    """``[Content_Types].xml``: defaults for .rels and .xml, an override for every part."""
    overrides = "".join(
        f'<Override PartName="{escape_attr(partname)}" ContentType="{escape_attr(content_type)}"/>'
        for partname, content_type in sorted((str(part.partname), part.content_type) for part in parts)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{CT.OPC_RELATIONSHIPS}"/>'
        f'<Default Extension="xml" ContentType="{CT.XML}"/>{overrides}</Types>'
    ).encode()


def as_bytes(xml: str | bytes) -> bytes:
    return xml.encode() if isinstance(xml, str) else xml
