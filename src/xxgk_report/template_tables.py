"""M6: the three tables of a template against the spec's, cell by cell: the grid, the rows
(aligned with difflib, so that a deleted row is named, not every row after it), spans, labels,
and which tag sits in which cell.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from . import spec
from .errors import Problem
from .ooxml import table_cells, tables_of, text_of
from .rules import RULES

#: at most this many table differences are listed per table
MAX_TABLE_PROBLEMS = 12


def normal(text: str) -> str:
    """Text as compared with the official labels: verbatim but for whitespace."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class _Rect:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str

    def shown(self) -> str:
        size = "" if (self.rowspan, self.colspan) == (1, 1) else f"（跨 {self.rowspan} 行 {self.colspan} 列）"
        return f"「{self.text}」{size}" if self.text else f"空单元格{size}"


def read_table(tbl) -> tuple[int, list[_Rect]]:
    """The grid width and the cells of a w:tbl as rectangles, their text compared verbatim
    but for whitespace. Word splits a grid column when a border is dragged in one row only:
    a boundary no cell starts or ends at is not a column of the table."""
    grid, cells = table_cells(tbl)
    edges = sorted({0, grid} | {c.col for c in cells} | {c.col + c.colspan for c in cells})
    index = {edge: i for i, edge in enumerate(edges)}
    return len(edges) - 1, [_Rect(c.row, index[c.col], c.rowspan, index[c.col + c.colspan] - index[c.col],
                                  normal(text_of(c.element)))
                            for c in cells]


def _expected(cell: spec.Cell) -> _Rect:
    text = "{{" + ".".join(cell.field) + "}}" if cell.field else normal(cell.text or "")
    return _Rect(cell.row, cell.col, cell.rowspan, cell.colspan, text)


def table_problems(document, fmt: spec.FormatSpec) -> list[Problem]:
    found = [read_table(t) for t in tables_of(document)]
    problems = []
    for table, (_, heading) in zip(fmt.tables(), spec.SECTIONS[1:4], strict=True):
        first = normal(table.cells[0].text or "")
        match = next((f for f in found if f[1] and f[1][0].text == first), None)
        where = "表格" + heading.split("、")[0]  # 表格二, 表格三, 表格四
        if match is None:
            problems.append(RULES["M6"].problem(where, (heading,), f"找不到这张表（第一格应为「{table.cells[0].text}」）"))
            continue
        problems += _compare_table(table, match, where, heading)
    return problems


def _compare_table(table: spec.TableSpec, found: tuple[int, list[_Rect]], where: str,
                   heading: str) -> list[Problem]:
    grid, rects = found
    problems = []
    if grid != table.n_cols:
        problems.append(f"应有 {table.n_cols} 列，模板中有 {grid} 列")
    want = [[_expected(c) for c in table.cells if c.row == r] for r in range(table.n_rows)]
    n_found = max((r.row + r.rowspan for r in rects), default=0)
    have = [[c for c in rects if c.row == r] for r in range(n_found)]

    def key(row: list[_Rect]) -> tuple:
        return tuple((c.col, c.rowspan, c.colspan, c.text) for c in row)

    matcher = difflib.SequenceMatcher(None, [key(r) for r in want], [key(r) for r in have], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for i, j in zip(range(i1, i1 + pairs), range(j1, j1 + pairs), strict=True):
            problems += _compare_row(want[i], have[j], i)
        for i in range(i1 + pairs, i2):
            problems.append(f"缺少第 {i + 1} 行（{_row_text(want[i])}）；是否删掉了一行？")
        for j in range(j1 + pairs, j2):
            problems.append(f"多出第 {j + 1} 行（{_row_text(have[j])}）")
    shown = problems[:MAX_TABLE_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(f"另有 {len(problems) - len(shown)} 处不同")
    return [RULES["M6"].problem(where, (heading,), message) for message in shown]


def _row_text(row: list[_Rect]) -> str:
    texts = [c.text for c in row if c.text and not c.text.startswith("{{")]
    return "、".join(f"「{t}」" for t in texts[:3]) or "、".join(c.text for c in row[:2]) or "空行"


def _compare_row(want: list[_Rect], have: list[_Rect], i: int) -> list[str]:
    problems = []
    by_col = {c.col: c for c in have}
    for cell in want:
        got = by_col.pop(cell.col, None)
        where = f"第 {i + 1} 行第 {cell.col + 1} 列"
        if got is None:
            problems.append(f"{where}：应为{cell.shown()}，模板中这一格被合并掉了")
        elif (got.rowspan, got.colspan) != (cell.rowspan, cell.colspan):
            problems.append(f"{where}：应为{cell.shown()}，模板中为{got.shown()}（合并单元格被改动？）")
        elif got.text != cell.text:
            problems.append(f"{where}：应为{cell.shown()}，模板中为{got.shown()}")
    for got in by_col.values():
        extra = got.shown() if got.text else "一个空单元格"
        problems.append(f"第 {i + 1} 行第 {got.col + 1} 列：多出{extra}（合并单元格被拆开？）")
    return problems
