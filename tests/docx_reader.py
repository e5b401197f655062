"""The tests' own reader of a .docx: what a reader sees, read straight from the XML.

Independent of the library's code on purpose: the tests compare what this reads with
the spec, so a wrong writer cannot be hidden by a reader that makes the same mistake.
Every part is parsed strictly (never lxml's recover mode).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STRICT = etree.XMLParser(recover=False, resolve_entities=False)


def w(name: str) -> str:
    return W + name


def parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(blob: bytes, name: str = "word/document.xml"):
    return etree.fromstring(parts(blob)[name], STRICT)


def text_of(node) -> str:
    return "".join(t.text or "" for t in node.iter(w("t")))


@dataclass(frozen=True)
class Para:
    style: str
    text: str
    runs: tuple[tuple[str, str], ...]  # (character style, text)
    keep_next: bool


def paragraphs(blob: bytes) -> list[Para]:
    """Body paragraphs outside tables, in order."""
    body = xml(blob).find(w("body"))
    result = []
    for p in body.findall(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        runs = tuple(
            ((r.find(f"{w('rPr')}/{w('rStyle')}").get(w("val")) if r.find(f"{w('rPr')}/{w('rStyle')}") is not None else ""),
             text_of(r))
            for r in p.findall(w("r"))
        )
        result.append(Para(style.get(w("val")) if style is not None else "", text_of(p), runs,
                           p.find(f"{w('pPr')}/{w('keepNext')}") is not None))
    return result


@dataclass(frozen=True)
class ReadCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


@dataclass
class ReadTable:
    grid: list[int]
    width: int
    cells: list[ReadCell]
    header_rows: int
    problems: list[str]

    def at(self, row: int, col: int) -> ReadCell:
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.rowspan and cell.col <= col < cell.col + cell.colspan:
                return cell
        raise KeyError((row, col))


def _int(node, default=1):
    return int(node.get(w("val"))) if node is not None else default


def read_table(tbl) -> ReadTable:
    """Cells with their spans, and every OOXML rule about merges and widths that is broken."""
    grid = [int(g.get(w("w"))) for g in tbl.find(w("tblGrid")).findall(w("gridCol"))]
    width = int(tbl.find(f"{w('tblPr')}/{w('tblW')}").get(w("w")))
    problems, open_merges, starts = [], {}, []
    header_rows = 0
    for r, tr in enumerate(tbl.findall(w("tr"))):
        if tr.find(f"{w('trPr')}/{w('tblHeader')}") is not None:
            header_rows += 1
        col = 0
        for tc in tr.findall(w("tc")):
            pr = tc.find(w("tcPr"))
            span = _int(pr.find(w("gridSpan")))
            if pr.find(w("hMerge")) is not None:
                problems.append(f"hMerge at row {r} col {col}")
            tcw = int(pr.find(w("tcW")).get(w("w")))
            if tcw != sum(grid[col: col + span]):
                problems.append(f"tcW {tcw} != grid {sum(grid[col: col + span])} at row {r} col {col}")
            vm = pr.find(w("vMerge"))
            kind = None if vm is None else (vm.get(w("val")) or "continue")
            if kind == "continue":
                start = open_merges.get(col)
                if start is None or start["span"] != span or start["last"] != r - 1:
                    problems.append(f"vMerge continue without matching restart at row {r} col {col}")
                else:
                    start["last"] = r
                if text_of(tc):
                    problems.append(f"continuation cell with text at row {r} col {col}")
            else:
                entry = {"row": r, "col": col, "span": span, "last": r, "text": text_of(tc)}
                starts.append(entry)
                if kind == "restart":
                    open_merges[col] = entry
                else:
                    open_merges.pop(col, None)
            col += span
        if col != len(grid):
            problems.append(f"row {r} covers {col} grid columns, grid has {len(grid)}")
    cells = [ReadCell(e["row"], e["col"], e["last"] - e["row"] + 1, e["span"], e["text"]) for e in starts]
    return ReadTable(grid, width, cells, header_rows, problems)


def tables(blob: bytes) -> list[ReadTable]:
    return [read_table(t) for t in xml(blob).find(w("body")).iter(w("tbl"))]
