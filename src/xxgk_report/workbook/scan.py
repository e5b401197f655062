"""What calamine does not say about a workbook's sheets, read before it opens them: how far
each sheet's cells reach, and which cells hold a formula.

Both are needed for safety and for correctness. calamine lays a sheet out as one dense block
from its first cell to its last, so a 2 KB file with cells in A1 and XFD1048576 would ask for
half a terabyte and abort the process (tafia/calamine#693): a sheet reaching beyond
`MAX_ROWS` × `MAX_COLS` is refused here first. calamine gives a formula's cached value only, and
the reader must never take a formula for data: the formula cells are listed here.

    sheets = scan(parts)       # {sheet name: Sheet(rows, cols, formulas)}
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_cell_to_rowcol

from ..package import parse_xml

#: the most rows and columns a sheet of a fill-in workbook may reach (正文 has a row a block)
MAX_ROWS = 10_000
MAX_COLS = 64

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class TooLarge(ValueError):
    """A sheet whose cells reach beyond the bounds: the message names the sheet and the cell."""


@dataclass
class Sheet:
    name: str
    rows: int = 0
    cols: int = 0
    #: the formula of every cell holding one, by (row, col) counted from 0
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def scan(parts: dict[str, bytes]) -> dict[str, Sheet]:
    """Every worksheet of the workbook by name, with its extent and its formula cells;
    TooLarge when one reaches too far, UnsafeXML or XMLSyntaxError when its XML is not safe."""
    book = parse_xml(parts["xl/workbook.xml"])
    rels = parse_xml(parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    targets = {r.get("Id"): posixpath.normpath(posixpath.join("xl", r.get("Target", "").lstrip("/")
                                                               .removeprefix("xl/")))
               for r in rels.iter(_PACKAGE_REL)}
    sheets = {}
    for entry in book.iter(f"{_MAIN}sheet"):
        name, part = entry.get("name", ""), targets.get(entry.get(f"{_REL}id"))
        if part in parts:
            sheets[name] = _sheet(name, parts[part])
    return sheets


#: the largest sheet part read (a filled sheet is under 1 MB): what its parsed tree may hold
MAX_SHEET_PART = 8 * 1024 * 1024
_NS = {"m": _MAIN[1:-1]}
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _sheet(name: str, blob: bytes) -> Sheet:
    """One sheet's extent and formula cells."""
    if len(blob) > MAX_SHEET_PART:
        raise TooLarge(f"工作表“{name}”的内容有 {len(blob) // (1024 * 1024)} MB，超出了填报表的范围；请删除多余的内容后再试")
    root = parse_xml(blob)
    refs = root.xpath("//m:sheetData/m:row/m:c/@r", namespaces=_NS)
    found = _REF.findall(" ".join(refs))
    rows = max((int(digits) for _, digits in found), default=0)
    cols = max((xl_cell_to_rowcol(letters + "1")[1] + 1 for letters in {letters for letters, _ in found}), default=0)
    row_elements = root.xpath("//m:sheetData/m:row", namespaces=_NS)
    numbered = [int(r) for r in root.xpath("//m:sheetData/m:row/@r", namespaces=_NS) if r.isdigit()]
    rows = max(rows, len(row_elements), max(numbered, default=0))
    cols = max(cols, max((len(row) for row in row_elements), default=0))
    if rows > MAX_ROWS or cols > MAX_COLS:
        raise TooLarge(f"工作表“{name}”的内容到了第 {rows} 行、第 {cols} 列，超出了填报表的范围"
                       f"（最多 {MAX_ROWS} 行、{MAX_COLS} 列）；请删除多余的内容后再试")
    sheet = Sheet(name, rows, cols)
    for cell in root.xpath("//m:sheetData/m:row/m:c[m:f]", namespaces=_NS):
        sheet.formulas[_position(cell)] = cell.find(f"{_MAIN}f").text or ""
    return sheet


def _position(cell) -> tuple[int, int]:
    """A cell's (row, col): from its reference (E14), or where it stands in its row."""
    ref = cell.get("r") or ""
    if _REF.fullmatch(ref):
        return xl_cell_to_rowcol(ref)
    row = cell.getparent()
    given = row.get("r") or ""
    return (int(given) - 1 if given.isdigit() else row.getparent().index(row)), row.index(cell)
