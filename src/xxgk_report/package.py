"""The .docx as a package (Open Packaging Conventions): its parts zipped and unzipped, its XML
parsed safely, its relationships read. WordprocessingML itself is ooxml.py's.

    root = parse_xml(blob)              # strict; no DOCTYPE, no entities, nothing fetched
    blob = xml_bytes(root)              # UTF-8, standalone declaration
    blob = zip_parts({name: bytes})     # fixed entry times: equal parts give equal bytes
"""

from __future__ import annotations

import io
import zipfile
from typing import Callable, Optional

from lxml import etree

#: the parts every report has: its body and its document properties; its styles
BODY_PART, CORE_PART, STYLES_PART = "word/document.xml", "docProps/core.xml", "word/styles.xml"

#: Fixed timestamp of every zip entry, so that the same input gives the same bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


class UnsafeXML(ValueError):
    """An XML part declares a DOCTYPE (entities, external DTDs): never needed in a .docx."""


#: The one parser of every XML part: strict (broken XML is an error, never repaired), no
#: entities resolved, no DTD loaded, nothing fetched from the network.
_PARSER = etree.XMLParser(recover=False, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def parse_xml(blob: bytes):
    """The root element of an XML part; etree.XMLSyntaxError when it is not well-formed,
    UnsafeXML when it declares a DOCTYPE."""
    root = etree.fromstring(blob, _PARSER)
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise UnsafeXML("DOCTYPE")
    return root


def xml_bytes(root) -> bytes:
    """An XML part's bytes, as Word writes them: UTF-8 with a standalone declaration
    (the counterpart of `parse_xml`)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def xml_text(blob: bytes) -> str:
    """An XML part as text, whatever encoding it declares (Word writes UTF-8; UTF-16 is legal)."""
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        return etree.tostring(parse_xml(blob), encoding="unicode")


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def relationships(rels) -> list[tuple[str, str, bool]]:
    """(type, target, whether it points outside the package) of each relationship of a .rels
    part (TargetMode="External", however written: a remote template, a linked image, a link)."""
    return [(r.get("Type", ""), r.get("Target", ""), (r.get("TargetMode") or "").strip().lower() == "external")
            for r in rels.iter(_RELATIONSHIPS)]


def content_types(blob: Optional[bytes]) -> Callable[[str], str]:
    """The content type of each part, by [Content_Types].xml (overrides by part name, defaults
    by extension; both without regard to the case of letters); "" when it says nothing."""
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    try:
        root = parse_xml(blob) if blob else None
    except (etree.XMLSyntaxError, UnsafeXML):
        root = None
    if root is not None:
        overrides = {o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "")
                     for o in root.iter(f"{_TYPES}Override")}
        defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{_TYPES}Default")}

    def content_type(name: str) -> str:
        return overrides.get(name.lower()) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
    return content_type


def zip_parts(parts: dict[str, bytes], after: bytes = b"") -> bytes:
    """A .docx package of `parts` (in their order) with fixed entry times: equal parts give
    equal bytes. `after`: a package made by this function, whose entries come first (the
    parts of a template that every report has unchanged, compressed once); the result is
    the bytes of zipping all the parts in one go."""
    out = io.BytesIO(after)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a" if after else "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, blob in parts.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, blob)
    return out.getvalue()


def deterministic_zip(blob: bytes, edit: Optional[Callable[[dict[str, bytes]], None]] = None) -> bytes:
    """Return the same .docx package with fixed entry times, so equal input gives equal bytes;
    `edit` may change its parts first (in place)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    if edit is not None:
        edit(parts)
    return zip_parts(parts)
