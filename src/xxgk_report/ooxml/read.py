"""Reading WordprocessingML: a body's paragraphs and tables, their text, bold lead-ins,
merged cells, and the fields a part holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .names import NAMESPACES, qn

# ---------------------------------------------------------------------------
# Package


@dataclass
class TableCell:
    """A cell of a w:tbl as read: where it starts in the grid, its spans, its w:tc."""

    row: int
    col: int
    rowspan: int
    colspan: int
    element: Any


def table_cells(tbl) -> tuple[int, list[TableCell]]:
    """The grid width of a w:tbl and its cells, gridSpan and vMerge applied (a vMerge
    continuation lengthens the cell above; an unreadable gridSpan counts as 1)."""
    w = "{" + NAMESPACES["w"] + "}"
    cells: list[TableCell] = []
    open_by_col: dict[int, TableCell] = {}
    for r, tr in enumerate(tbl.findall(f"{w}tr")):
        col = 0
        for tc in tr.findall(f"{w}tc"):
            span_node = tc.find(f"{w}tcPr/{w}gridSpan")
            written = span_node.get(f"{w}val", "1") if span_node is not None else "1"
            span = int(written) if written.isascii() and written.isdigit() and 0 < len(written) <= 3 and int(written) > 0 else 1
            merge = tc.find(f"{w}tcPr/{w}vMerge")
            if merge is not None and merge.get(f"{w}val", "continue") == "continue" and col in open_by_col:
                open_by_col[col].rowspan += 1
            else:
                cell = TableCell(r, col, 1, span, tc)
                cells.append(cell)
                if merge is not None:
                    open_by_col[col] = cell
                else:
                    open_by_col.pop(col, None)
            col += span
    return len(tbl.findall(f"{w}tblGrid/{w}gridCol")), cells


def paragraph_texts(root) -> list[str]:
    """The text of every w:p under `root` (its w:t, joined), in document order."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in root.iter(qn("w:p"))]


def field_instructions(root) -> list[tuple[str, bool]]:
    """The instruction of every field under `root`, and whether another field is nested in
    it: simple fields (w:fldSimple/@w:instr) and complex ones (the w:instrText between a
    w:fldChar begin and its separate or end)."""
    found = [(f.get(qn("w:instr"), ""), f.find(f".//{qn('w:fldSimple')}") is not None)
             for f in root.iter(qn("w:fldSimple"))]
    stack: list[Optional[list]] = []  # per open field: [its instruction's pieces, nested?]; None in its result
    for node in root.iter(qn("w:fldChar"), qn("w:instrText")):
        kind = node.get(qn("w:fldCharType"))
        if kind == "begin":
            if stack and stack[-1] is not None:
                stack[-1][1] = True
            stack.append([[], False])
        elif node.tag == qn("w:instrText"):
            if stack and stack[-1] is not None:
                stack[-1][0].append(node.text or "")
        elif kind == "separate" and stack and stack[-1] is not None:
            found.append(("".join(stack[-1][0]), stack[-1][1]))
            stack[-1] = None
        elif kind == "end" and stack:
            top = stack.pop()
            if top is not None:
                found.append(("".join(top[0]), top[1]))
    found += [("".join(top[0]), top[1]) for top in stack if top is not None]  # a field never closed
    return found


# ---------------------------------------------------------------------------
# Reading a document's body: paragraphs' text, bold lead-ins, tables' cells


def text_of(node, line_break: str = " ") -> str:
    """The text under `node` (a w:p, a w:r, a cell): w:t as written, a tab as a space, a line
    break (w:br) as `line_break`."""
    parts = []
    for child in node.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        else:
            parts.append(line_break if child.tag == qn("w:br") else " ")
    return "".join(parts)


def _emphasised(r) -> bool:
    props = r.find(qn("w:rPr"))
    if props is None:
        return False
    bold = props.find(qn("w:b"))
    return props.find(qn("w:rStyle")) is not None or (bold is not None and bold.get(qn("w:val"), "1") not in ("0", "false"))


def bold_lead(p) -> str:
    """The text of a paragraph's leading runs that are bold or in a character style, when
    other runs follow them: a run-in heading typed in Word."""
    runs = p.findall(qn("w:r"))
    lead = []
    for r in runs:
        if not _emphasised(r):
            break
        lead.append(r)
    if not lead or len(lead) == len(runs):
        return ""
    return "".join(text_of(r) for r in lead)


def table_rows(tbl) -> list[list[str]]:
    """The text of each cell of a w:tbl, by the row it starts in (a merged cell once)."""
    _, cells = table_cells(tbl)
    rows: list[list[str]] = [[] for _ in range(len(tbl.findall(qn("w:tr"))))]
    for cell in cells:
        rows[cell.row].append(" ".join(text_of(p) for p in cell.element.iter(qn("w:p"))).strip())
    return rows


def body_of(document):
    """The w:body of a document.xml root, or None."""
    return document.find(qn("w:body"))


def is_paragraph(node) -> bool:
    return node.tag == qn("w:p")


def is_table(node) -> bool:
    return node.tag == qn("w:tbl")


def tables_of(document) -> list:
    """Every w:tbl of a document, in order (nested ones too)."""
    return list(document.iter(qn("w:tbl")))
