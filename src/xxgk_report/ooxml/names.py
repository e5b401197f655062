"""The WordprocessingML names every part of this package writes and reads."""

from __future__ import annotations

from lxml import etree

#: the namespace prefixes this package writes (python-docx's names, without importing it)
NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def qn(tag: str) -> str:
    """Clark notation of a prefixed name: "w:p" → "{http://…/main}p"."""
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def OxmlElement(tag: str):  # noqa: N802 (python-docx's name for the same thing)
    """A new element "w:p", declaring its prefix."""
    prefix = tag.split(":")[0]
    return etree.Element(qn(tag), nsmap={prefix: NAMESPACES[prefix]})
