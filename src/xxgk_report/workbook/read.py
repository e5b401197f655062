"""Reading a fill-in workbook (.xlsx) into a data mapping, each value from the cell the layout
puts it in, with that cell remembered for the model's messages.

    data = read_workbook(Path("2023.xlsx"))   # LocatedData: a dict, .locations, .notes

python-calamine reads the values (fast: about 3 ms a workbook); before it opens anything, the
package is unzipped within bounds (every entry to exactly its declared size) and `scan` checks
how far each sheet reaches and lists its formulas. The tables are found by their labels: a
table moved as a whole is read where it now is; a label that is not where the layout puts it
(a row inserted or deleted inside a table, a label typed over) is an error naming the cell,
and nothing of that table is read. Formulas are never taken for data: a 总计 holding one is
left out (the model computes every total), one holding a number (typed over) is a `total`
written in the data and checked like one; an input holding one is reported. Blank inputs are
read as 0, listed in one W1 warning; numbers typed as text are read as numbers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional


from .. import spec
from ..errors import DataError, Problem
from ..messages import format_path
from ..reader import FormulaText, LocatedData
from ..rules import RULES
from . import layout
from .cells import Grid, cell_value, squeeze
from .opening import open_grids

def read_workbook(path: Path) -> LocatedData:
    """The data mapping of a workbook made by `make-report init`; `DataError` when it is not
    one (an .xls, .et, an encrypted or damaged file, another workbook) or its layout changed."""
    grids = open_grids(path)
    reading = _Reading(path)
    sheets = reading.find_sheets(grids)
    reading.info(sheets[layout.INFO_SHEET])
    fmt = spec.FORMATS[reading.data["format"]]
    for sheet in layout.sheet_tables(fmt):
        reading.table(sheet, sheets[sheet.sheet])
    reading.text(sheets[layout.TEXT_SHEET])
    if reading.problems:
        raise DataError(str(path), reading.problems)
    return reading.result()


class _Reading:
    """One workbook being read: the data, where each value came from, what was wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.locations: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.blanks: list[str] = []
        #: numbers typed as text: read as numbers, but a sheet's SUM leaves them out
        self.texts: list[str] = []

    def fail(self, cell: str, message: str, label: str = "") -> None:
        self.problems.append(RULES["W2"].problem("", (label,) if label else (), message, cell=cell))

    def put(self, path: tuple, value: Any, cell: str = "") -> None:
        """Keep a value at its key path, and where it came from (unless already noted)."""
        node = self.data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        if cell:
            self.locations[format_path(path)] = cell

    def result(self) -> LocatedData:
        notes = []
        if self.blanks:
            notes.append(((), f"以下 {len(self.blanks)} 个输入格是空白的，按 0 读取，请核对：{'、'.join(self.blanks)}", "W1"))
        if self.texts:
            notes.append(((), f"以下 {len(self.texts)} 个输入格填的是文字，已按数字读取；工作簿中的总计不计文字，"
                              f"会与报告不一致，请改为数字：{'、'.join(self.texts)}", "W1"))
        return LocatedData(self.data, self.locations, notes)

    # -- sheets

    def find_sheets(self, grids: dict[str, Grid]) -> dict[str, Grid]:
        """The five sheets, by name, or by the heading in A1 when renamed."""
        by_heading: dict[str, Grid] = {}
        for grid in grids.values():
            by_heading.setdefault(squeeze(grid.text(0, 0)), grid)
        found = {name: grids.get(name) or by_heading.get(squeeze(heading)) for name, heading in layout.HEADINGS.items()}
        missing = [name for name, grid in found.items() if grid is None]
        if len(missing) == len(found):
            raise DataError(str(self.path), [RULES["W2"].problem("", (), (
                "这不是本工具的填报表：找不到“基本信息”“表二”“表三”“表四”“正文”工作表；"
                "请用 make-report init -o 文件.xlsx 生成填报表，在其中填写"))])
        if missing:
            raise DataError(str(self.path), [RULES["W2"].problem("", (), (
                f"缺少工作表“{'”“'.join(missing)}”（被删除了？也找不到 A1 为其标题的工作表）；"
                "请在新生成的填报表中重新填写"))])
        chosen = {id(grid) for grid in found.values()}
        for name, heading in layout.HEADINGS.items():
            twins = [g.title for g in grids.values() if id(g) not in chosen and squeeze(g.text(0, 0)) == squeeze(heading)]
            if twins:  # a copy of the sheet (Excel's 「表三 (2)」): which one holds the numbers?
                raise DataError(str(self.path), [RULES["W2"].problem("", (), (
                    f"工作表“{found[name].title}”和“{'”“'.join(twins)}”的标题相同，不知道该读哪一张；"
                    "请把数字填在一张中，删去另一张"))])
        return found

    # -- 基本信息

    def info(self, grid: Grid) -> None:
        sheet = grid.title
        for i, row in enumerate(layout.INFO_ROWS):
            r = layout.INFO_TOP + i
            if _same(grid.text(r, 0), row.label):
                where = r
            else:  # found by its label in column A, when rows were moved
                where = next((rr for rr in range(len(grid.rows)) if _same(grid.text(rr, 0), row.label)), None)
            if where is None and row.optional:
                continue
            if where is None:
                self.fail(layout.ref(r, 0, sheet), f"找不到「{row.label}」一行（A 列的项目名称被改动或删除了？）")
                continue
            self._info_value(grid, row, where)
        if self.data.get("format") not in spec.FORMATS:
            raise DataError(str(self.path), self.problems or [RULES["W2"].problem(
                "", (), f"{sheet}：年报格式应为 2021 或 2019，实际为 “{self.data.get('format')}”（被改动了？）；"
                "请在新生成的填报表中填写")])

    def _info_value(self, grid: Grid, row: layout.InfoRow, r: int) -> None:
        where = layout.ref(r, 1, grid.title)
        value = cell_value(grid, (r, 1), row.kind)
        if value is None:
            return
        if isinstance(value, str) and row.kind in ("text", "list") and not isinstance(value, FormulaText):
            value = value.strip()
            value = [key for key in re.split(r"[、,，\s]+", value) if key] if row.kind == "list" else value
            if not value:
                return
        self.put(row.path, value, where)

    # -- 表二, 表三, 表四

    def table(self, sheet: layout.SheetTable, grid: Grid) -> None:
        """Every value of an official table, from the cells its labels place (a total holding a
        formula left out; one typed over kept as the data's `total`)."""
        offset = self._offset(sheet, grid)
        if offset is None:
            return
        for field, (r, c) in sheet.fields:
            r, c = r + offset[0], c + offset[1]
            where = layout.ref(r, c, grid.title)
            self.locations[field.key] = where
            if field.computed:
                typed = cell_value(grid, (r, c), spec.COUNT)
                if typed is not None and (r, c) not in grid.formulas:
                    self.put(field.path, typed)
                continue
            value = cell_value(grid, (r, c), field.kind)
            shown = grid.value(r, c)
            if isinstance(shown, str) and field.kind != spec.TEXT and (r, c) not in grid.formulas and value is not shown:
                self.texts.append(f"{where}（“{shown.strip()[:20]}”）")
            if value is None:
                self.blanks.append(where)
                value = 0
            self.put(field.path, value)

    def _offset(self, sheet: layout.SheetTable, grid: Grid) -> Optional[tuple[int, int]]:
        """How far the table was moved as a whole (rows, columns), found by its first label;
        None (and the labels that moved named) when its labels are not where the layout has them."""
        (first, (r0, c0)), *_ = sheet.labels
        found = [spot for spot in grid.find(first.text)] if not _same(grid.text(r0, c0), first.text) else [(r0, c0)]
        if not found:
            self.fail(layout.ref(r0, c0, grid.title), f"找不到{sheet.heading}的表格（第一个标签「{first.text}」不见了）；"
                      "请在新生成的填报表中填写")
            return None
        dr, dc = found[0][0] - r0, found[0][1] - c0
        wrong = [(cell, (r + dr, c + dc)) for cell, (r, c) in sheet.labels
                 if not _same(grid.text(r + dr, c + dc), cell.text)]
        for cell, (r, c) in wrong[:3]:
            actual = grid.text(r, c)
            now = grid.find(cell.text)
            moved = f"；这个标签现在在 {layout.ref(*now[0])}" if len(now) == 1 else ""
            self.fail(layout.ref(r, c, grid.title), f"应为标签「{cell.text}」，实际为"
                      f"{f'「{actual}」' if actual else '空白'}{moved}（插入、删除了行或列，或改动了标签？）", sheet.heading)
        stray = [] if wrong else _stray(sheet, grid, dr, dc)
        for r, c in stray[:3]:
            self.fail(layout.ref(r, c, grid.title), f"不在表格的格子中，却有内容「{grid.text(r, c)[:20]}」"
                      "（插入、删除了行或列？）", sheet.heading)
        if wrong or stray:
            self.fail("", f"{grid.title}：表格的行列被改动（{len(wrong) + len(stray)} 处不在原位），为免读错数字，这张表未读取；"
                      "请撤销改动，或在新生成的填报表中重新填写")
            return None
        return dr, dc

    # -- 正文

    def text(self, grid: Grid) -> None:
        """The narrative: a block per row (a plain paragraph per line, a heading with its
        paragraphs, a run-in heading), in the sections the 部分 column names."""
        for col, (name, _) in enumerate(layout.TEXT_COLUMNS[:4]):
            if not _same(grid.text(layout.TEXT_HEADER, col), name):
                self.fail(layout.ref(layout.TEXT_HEADER, col, grid.title), f"应为列标题“{name}”（移动、插入或删除了列？）；"
                          "正文未读取")
                return
        sections: dict[tuple[str, ...], list] = {}
        section = None
        for r in grid.filled(layout.TEXT_TOP, layout.REFERENCE_COL):
            section = self._text_row(grid, r, section, sections)
        for path, blocks in sections.items():
            node = self.data
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = blocks
            self.locations.setdefault(format_path(path), grid.title)

    def _text_row(self, grid: Grid, r: int, section: Optional[layout.Section],
                  sections: dict[tuple[str, ...], list]) -> Optional[layout.Section]:
        name, style, title, body = (grid.text(r, col).strip() for col in range(4))
        for col in range(4):
            if (r, col) in grid.formulas or (r, col) in grid.errors:
                what = f"公式 “={grid.formulas[(r, col)]}”" if (r, col) in grid.formulas else f"错误值 {grid.errors[(r, col)]}"
                self.fail(layout.ref(r, col, grid.title), f"是{what}；正文请直接填写文字")
                return section
        if not (title or body):
            return section if not name else (layout.section_named(name) or section)
        if name:
            section = layout.section_named(name)
            if section is None:
                choices = "、".join(s.name for s in layout.SECTIONS)
                self.fail(layout.ref(r, layout.SECTION_COL, grid.title), f"“部分”应为 {choices} 之一，实际为 “{name}”")
                return None
        if section is None:
            self.fail(layout.ref(r, layout.SECTION_COL, grid.title), "请在“部分”一列选择这一行属于哪一部分")
            return None
        style = style or (layout.HEADED if title else layout.PLAIN)
        if style not in layout.STYLES or (style == layout.PLAIN and title):
            why = "写法为“段落”时不写小标题；有小标题时请选择“小标题单独一行”或“小标题在段首”" if style == layout.PLAIN \
                else f"“写法”应为 {'、'.join(layout.STYLES)} 之一，实际为 “{style}”"
            self.fail(layout.ref(r, layout.STYLE_COL, grid.title), why)
            return section
        self._blocks(grid, r, section, style, title, body, sections.setdefault(section.path, []))
        return section

    def _blocks(self, grid: Grid, r: int, section: layout.Section, style: str, title: str, body: str,
                blocks: list) -> None:
        lines = [line.strip() for line in re.split(r"\r\n|\r|\n", body) if line.strip()]
        text_cell, title_cell = layout.ref(r, layout.BODY_COL, grid.title), layout.ref(r, layout.TITLE_COL, grid.title)
        if style != layout.PLAIN:
            base = section.path + (len(blocks),)
            self.locations[format_path(base)] = text_cell
            self.locations[format_path(base + ("title",))] = title_cell
            if style == layout.HEADED:
                blocks.append({"title": title, "paragraphs": lines})
                return
            blocks.append({"title": title, "text": lines[0] if lines else ""})
            lines = lines[1:]
        for line in lines:
            self.locations[format_path(section.path + (len(blocks),))] = text_cell
            blocks.append(line)


def _stray(sheet: layout.SheetTable, grid: Grid, dr: int, dc: int) -> list[tuple[int, int]]:
    """Cells with something in them, in the table's columns from its first row to three rows
    below its last, that are neither a label nor a value of the table: what a row inserted
    between a header and its values pushes out of place (表四's values have no label)."""
    taken = sheet.covered if (dr, dc) == (0, 0) else {(r + dr, c + dc) for r, c in sheet.covered}
    top, bottom = layout.TABLE_TOP + dr, sheet.bottom + dr + 3
    return [(r, c) for r in range(top, bottom) for c in range(dc, dc + sheet.table.n_cols)
            if (r, c) not in taken and (grid.value(r, c) is not None or (r, c) in grid.formulas)]


def _same(shown: str, label: str) -> bool:
    return shown == label or squeeze(shown) == squeeze(label)
