"""The .docx as a package (Open Packaging Conventions): its parts zipped and unzipped, its XML
parsed safely, its relationships read. WordprocessingML itself is ooxml.py's.

    root = parse_xml(blob)              # strict; no DOCTYPE, no entities, nothing fetched
    blob = zip_parts({name: bytes})     # fixed entry times: equal parts give equal bytes
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

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


def xml_text(blob: bytes) -> str:
    """An XML part as text, whatever encoding it declares (Word writes UTF-8; UTF-16 is legal)."""
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        return etree.tostring(parse_xml(blob), encoding="unicode")


_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def external_targets(rels) -> list[str]:
    """The targets of a .rels part's relationships that point outside the package
    (TargetMode="External": a remote template, a linked image, a hyperlink)."""
    return [r.get("Target", "") for r in rels.iter(_RELATIONSHIPS) if r.get("TargetMode") == "External"]


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """A .docx package of `parts` (in their order) with fixed entry times: equal parts give
    equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, blob in parts.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, blob)
    return out.getvalue()


def deterministic_zip(blob: bytes) -> bytes:
    """Return the same .docx package with fixed entry times, so equal input gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        return zip_parts({info.filename: source.read(info.filename) for info in source.infolist()})
