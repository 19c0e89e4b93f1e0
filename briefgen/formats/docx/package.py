"""The .docx package as bytes: equal content always gives equal bytes (fixed zip timestamps, sorted entries)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.package import OpcPackage
from docx.opc.part import Part

from briefgen.formats.docx.xml import escape_attr

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CONTENT_TYPES = "[Content_Types].xml"


def package_bytes(package: OpcPackage) -> bytes:
    """The package as .docx bytes: equal content always gives equal bytes.

    Written here rather than by python-docx's ``save``, which stamps zip entries with the
    current time: every entry gets a fixed timestamp and attributes, ``[Content_Types].xml``
    comes first and the other entries are sorted.
    """
    parts = list(package.iter_parts())
    entries = {CONTENT_TYPES: _content_types(parts), "_rels/.rels": _bytes(package.rels.xml)}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if part.rels:
            entries[part.partname.rels_uri.membername] = _bytes(part.rels.xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(entries, key=lambda name: (name != CONTENT_TYPES, name)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=1)  # fastest; a few KB larger
    return out.getvalue()


def _content_types(parts: Sequence[Part]) -> bytes:
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


def _bytes(xml: str | bytes) -> bytes:
    return xml.encode() if isinstance(xml, str) else xml
