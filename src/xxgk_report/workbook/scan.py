"""What calamine does not say about a workbook's sheets, read before it opens them: how far
each sheet's cells reach, which cells hold a formula, and which an error value (#N/A).

Both are needed for safety and for correctness. calamine lays a sheet out as one dense block
from its first cell to its last, so a 2 KB file with cells in A1 and XFD1048576 would ask for
half a terabyte and abort the process (tafia/calamine#693): a sheet reaching beyond
`MAX_ROWS` × `MAX_COLS` is refused here first. (The reading also runs in a worker process
with a memory limit, `pool.bounded`, in case a file still gets past this.) calamine gives a
formula's cached value only, and the reader must never take a formula for data: the formula
cells are listed here. Everything is read as calamine reads it: element names without their
namespace (the Strict variant of the format), cells at any depth, references in any case.
Anything calamine might place elsewhere than this scan is refused: a cell without a reference,
two sheets of one name, a sheet whose part name is not plain.

    sheets = scan(parts)       # {sheet name: Sheet(rows, cols, formulas, errors)}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..package import parse_xml

#: the most rows and columns a sheet of a fill-in workbook may reach (正文 has a row a block)
MAX_ROWS = 10_000
MAX_COLS = 64
#: the most sheets a fill-in workbook may have (it has five) and the largest sheet part read
MAX_SHEETS = 20
MAX_SHEET_PART = 8 * 1024 * 1024

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
#: a cell reference as calamine takes it: any case, leading zeros in the row
_REF = re.compile(r"([A-Za-z]{1,3})0*([0-9]{1,7})")
#: a sheet's part name, as written in the workbook's relationships: plain, inside xl/
_TARGET = re.compile(r"(?:/xl/)?worksheets/[A-Za-z0-9_]+\.xml")


class TooLarge(ValueError):
    """A sheet or workbook outside the bounds, or laid out oddly: the message says which."""


@dataclass
class Sheet:
    name: str
    rows: int = 0
    cols: int = 0
    #: the formula of every cell holding one, by (row, col) counted from 0
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: the error value (#N/A, #REF!) of every cell showing one
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def scan(parts: dict[str, bytes]) -> dict[str, Sheet]:
    """Every worksheet of the workbook by name, with its extent and its formula and error
    cells; TooLarge when one is out of bounds or odd, UnsafeXML or XMLSyntaxError when its
    XML is not safe."""
    book = parse_xml(parts["xl/workbook.xml"])
    rels = parse_xml(parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter("{*}Relationship")}
    entries = list(book.iter("{*}sheet"))
    if len(entries) > MAX_SHEETS:
        raise TooLarge(f"工作簿有 {len(entries)} 张工作表，填报表只有 5 张；请在新生成的填报表中填写")
    names = [entry.get("name", "") for entry in entries]
    if len(set(names)) != len(names):
        raise TooLarge("工作簿中有两张同名的工作表，无法确定读哪一张；请删去多余的一张")
    sheets = {}
    for entry in entries:
        target = targets.get(entry.get(f"{_REL}id") or entry.get(f"{_REL_STRICT}id"), "")
        if not _TARGET.fullmatch(target):
            raise TooLarge(f"工作表“{entry.get('name', '')}”的位置不寻常（{target[:60]}），不像 Excel、WPS 保存的工作簿；"
                           "请在 Excel 或 WPS 中另存后再试")
        part = "xl/" + target.removeprefix("/xl/")
        if part in parts:
            sheets[entry.get("name", "")] = _sheet(entry.get("name", ""), parts[part])
    return sheets


def _sheet(name: str, blob: bytes) -> Sheet:
    """One sheet's extent, formula cells and error cells (the references read in bulk: a
    filled sheet has about 250 cells, and only its totals hold formulas)."""
    if len(blob) > MAX_SHEET_PART:
        raise TooLarge(f"工作表“{name}”的内容有 {len(blob) // (1024 * 1024)} MB，超出了填报表的范围；请删除多余的内容后再试")
    root = parse_xml(blob)
    cells = list(root.iter("{*}c"))  # in any namespace or none, at any depth
    refs = [cell.get("r") for cell in cells]
    joined = " ".join(ref for ref in refs if ref is not None)  # a space in a reference is counted
    if None in refs or joined.count(" ") != max(0, len(refs) - 1) or (refs and not _REF_LIST.fullmatch(joined + " ")):
        raise TooLarge(f"工作表“{name}”中有没有位置（或位置写法不对）的格子，不像 Excel、WPS 保存的工作簿；"
                       "请在 Excel 或 WPS 中另存后再试")
    sheet = Sheet(name)
    if joined:
        sheet.rows = max(map(int, _ROW_NUMBERS.findall(joined)))
        sheet.cols = max(map(_column, set(_COLUMN_LETTERS.findall(joined)))) + 1
    if sheet.rows > MAX_ROWS or sheet.cols > MAX_COLS:
        where = f"第 {sheet.rows} 行" if sheet.rows > MAX_ROWS else f"第 {sheet.cols} 列"
        raise TooLarge(f"工作表“{name}”在{where}有内容，超出了填报表的范围"
                       f"（最多 {MAX_ROWS} 行、{MAX_COLS} 列）；请删除多余的内容后再试")
    for formula in root.iter("{*}f"):  # a cell's last <f> is its formula
        if _local_name(formula.getparent()) == "c":
            sheet.formulas[_position(formula.getparent())] = formula.text or ""
    for cell in (cell for cell in cells if cell.get("t") == "e"):
        values = [child for child in cell if _local_name(child) == "v"]
        sheet.errors[_position(cell)] = (values[-1].text or "#错误") if values else "#错误"
    return sheet


def _local_name(element) -> str:
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def _position(cell) -> tuple[int, int]:
    """(row, col) of a cell, counted from 0 (its reference was checked by `_sheet`)."""
    found = _REF.fullmatch(cell.get("r"))
    return int(found.group(2)) - 1, _column(found.group(1))


def _column(letters: str) -> int:
    """The 0-based column of 「A」…「XFD」."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col - 1


#: the references joined by spaces, each as `_REF` takes it (written so that a reference matches
#: one way only: 「A0001」 read as 0*+[0-9]{1,7} in several ways made a long list of them, with
#: one bad reference at its end, take exponential time); their row numbers and column letters
_REF_LIST = re.compile(r"(?:[A-Za-z]{1,3}(?:0*[1-9][0-9]{0,6}|0+) )*")
_ROW_NUMBERS = re.compile(r"[A-Za-z]0*([0-9]+)")
_COLUMN_LETTERS = re.compile(r"[A-Za-z]+")
