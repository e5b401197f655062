"""Where the fill-in workbook puts everything: a loop over the spec, shared by the writer and
the reader, so that a value is read from exactly the cell it was written to.

    for sheet in sheet_tables(fmt):            # 表二, 表三, 表四: the official tables
        sheet.position(cell)                   # (row, col) of a table cell in the sheet
        sheet.fields                           # (ValueField, (row, col)) in field order
    INFO_ROWS, TEXT_COLUMNS, SECTIONS          # 基本信息 and 正文

Rows and columns are counted from 0, as XlsxWriter does; `ref` writes one as Excel does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from xlsxwriter.utility import xl_rowcol_to_cell

from .. import spec

#: the sheets, in their order in the workbook
INFO_SHEET = "基本信息"
TABLE_SHEETS = {"proactive": "表二", "applications": "表三", "reviews": "表四"}
TEXT_SHEET = "正文"

#: the fixed heading in A1 of each sheet: how a renamed sheet is still found
HEADINGS = {
    INFO_SHEET: f"{spec.REPORT_NAME} 填报表",
    **{sheet: spec.TOP_LEVEL_LABELS[key] for key, sheet in TABLE_SHEETS.items()},
    TEXT_SHEET: "正文：一、五、六和各表格前的说明文字",
}

#: the row of a table's first grid row (0: the heading, 1: how to fill it in)
TABLE_TOP = 2


@functools.lru_cache(maxsize=8192)
def ref(row: int, col: int, sheet: str = "") -> str:
    """A cell as Excel names it: E14, or 表三!E14."""
    cell = xl_rowcol_to_cell(row, col)
    return f"{sheet}!{cell}" if sheet else cell


@dataclass(frozen=True)
class SheetTable:
    """One official table on its sheet."""

    key: str
    sheet: str
    table: spec.TableSpec
    fmt: spec.FormatSpec

    @property
    def heading(self) -> str:
        return HEADINGS[self.sheet]

    @staticmethod
    def position(cell: spec.Cell) -> tuple[int, int]:
        return TABLE_TOP + cell.row, cell.col

    @functools.cached_property
    def labels(self) -> tuple[tuple[spec.Cell, tuple[int, int]], ...]:
        """Every label cell of the table, with its position, in table order."""
        return tuple((c, self.position(c)) for c in self.table.cells if c.field is None)

    @functools.cached_property
    def fields(self) -> tuple[tuple[spec.ValueField, tuple[int, int]], ...]:
        """Every value field of the table, with the position of its cell, in field order."""
        return tuple((f, (TABLE_TOP + f.cell[0], f.cell[1])) for f in self.fmt.fields if f.table == self.key)

    @functools.cached_property
    def covered(self) -> frozenset[tuple[int, int]]:
        """Every sheet cell the table covers: its label cells with their spans, its values."""
        return frozenset({(r + r2, c + c2) for cell, (r, c) in self.labels for r2 in range(cell.rowspan)
                          for c2 in range(cell.colspan)} | {position for _, position in self.fields})

    @property
    def note_col(self) -> int:
        """The column right of the table, for notes on its rows (「取自上年…」)."""
        return self.table.n_cols

    @property
    def bottom(self) -> int:
        return TABLE_TOP + self.table.n_rows

    def formula(self, field: spec.ValueField) -> str:
        """The formula of a total: =SUM(D7:I7) over the cells of what it adds up."""
        where = {f.key: position for f, position in self.fields}
        cells = sorted(where[key] for key in field.total_of)
        rows, cols = {r for r, _ in cells}, {c for _, c in cells}
        contiguous = (len(rows) == 1 and max(cols) - min(cols) == len(cells) - 1) or (
            len(cols) == 1 and max(rows) - min(rows) == len(cells) - 1)
        if contiguous:
            return f"=SUM({ref(*cells[0])}:{ref(*cells[-1])})"
        return "=SUM(" + ",".join(ref(*cell) for cell in cells) + ")"


@functools.lru_cache(maxsize=None)
def sheet_tables(fmt: spec.FormatSpec) -> tuple[SheetTable, ...]:
    return tuple(SheetTable(table.key, TABLE_SHEETS[table.key], table, fmt) for table in fmt.tables())


# ---------------------------------------------------------------------------
# 基本信息: one row per item, its label in column A, its value in B, how to fill it in C


@dataclass(frozen=True)
class InfoRow:
    #: key path in the data file
    path: tuple[str, ...]
    label: str
    hint: str
    #: written and read as text ("0825-1234567" keeps its 0), a whole number, or a date
    kind: str = "text"
    locked: bool = False
    #: a row a workbook made before it existed does not have
    optional: bool = False


INFO_ROWS: tuple[InfoRow, ...] = (
    InfoRow(("year",), "年度", "报告年度，四位数字", kind="year"),
    InfoRow(("format",), "年报格式", "由年度决定，不能修改：2021 年度起为 2021 格式（国办公开办函〔2021〕30号）",
            kind="year", locked=True),
    InfoRow(("agency",), "机关全称", "如 某某县某某镇人民政府"),
    InfoRow(("title",), "标题", "不填时为：机关全称 + 年度 + 年政府信息公开工作年度报告"),
    InfoRow(("date",), "成文日期", "填写后报告末尾有机关名称和日期（落款），如 2024-01-20", kind="date"),
    InfoRow(("template",), "模板", "不填时用默认模板；make-report templates 列出可用的模板"),
    InfoRow(("contact", "name"), spec.CONTACT_LABELS["name"], "不印出，供汇总单位联系"),
    InfoRow(("contact", "phone"), spec.CONTACT_LABELS["phone"], "不印出，供汇总单位联系"),
    InfoRow(("unread",), spec.TOP_LEVEL_LABELS["unread"], "读回已公布报告时没有读出的格子（不当作 0）：填好这些格子后，"
            "删去本格的内容", kind="list", optional=True),
)
#: the row of the first item
INFO_TOP = 3
INFO_HOW = (
    "填写方法：",
    "1. 本工作簿有 5 张工作表：基本信息、表二、表三、表四、正文。浅黄色的格子是要填写的，其他格子不能修改。",
    "2. 表格中的数字只填阿拉伯数字；没有的填 0。灰色的“总计”由公式自动计算，不必填写。",
    "3. 正文每一行是一段或一个小标题及其下的各段；在一个格子中换行（Alt+Enter）即另起一段。",
    "4. 表二、表三、表四中不要插入、删除行列，也不要移动表格：工具按位置读取每个数字（正文可以插入行）。",
    "5. 填好后保存为 .xlsx，交回或运行：make-report 本文件.xlsx",
)


# ---------------------------------------------------------------------------
# 正文: one row per block of narrative


@dataclass(frozen=True)
class Section:
    """A narrative field and how the 部分 column names it."""

    path: tuple[str, ...]
    name: str


SECTIONS: tuple[Section, ...] = tuple(
    Section(path, name) for path, name in zip(
        (path for path, _ in spec.NARRATIVE_FIELDS),
        ("前言", "一、总体情况", "二、表格前的说明", "三、表格前的说明", "四、表格前的说明",
         "五、存在的主要问题及改进情况", "六、其他需要报告的事项"), strict=True))

#: how a row is written (the 写法 column): a plain paragraph (each line one), a heading on its
#: own line with its paragraphs, a run-in heading with its text
PLAIN, HEADED, RUNIN = "段落", "小标题单独一行", "小标题在段首"
STYLES = (PLAIN, HEADED, RUNIN)

#: the columns of 正文: (heading, width in characters)
TEXT_COLUMNS = (("部分", 16), ("写法", 14), ("小标题", 22), ("正文（格内换行即另起一段）", 90),
                ("参考（不会印出）", 40))
SECTION_COL, STYLE_COL, TITLE_COL, BODY_COL, REFERENCE_COL = range(5)
#: the row of the column headings, and of the first block
TEXT_HEADER = 2
TEXT_TOP = 3
#: rows ready to fill below the blocks a new workbook starts with
TEXT_SPARE_ROWS = 40
#: the most rows of 正文 read (a report has a hundred or two paragraphs)
TEXT_MAX_ROWS = 6000


def section_named(name: str) -> Optional[Section]:
    return next((s for s in SECTIONS if s.name == name), None)
