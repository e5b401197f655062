"""The official format of the annual report, as immutable data.

This module is the single source of truth for the 2021 format (国办公开办函〔2021〕30号):
the six section headings, every table's rows, columns, data keys, Chinese labels and
merged cells. The template builder, the data model, the error messages and the tests
all read it; no official label is typed anywhere else. It does no I/O.

Cells are addressed by (row, column) in the table grid, counted from 0.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Optional

# ---------------------------------------------------------------------------
# The report skeleton

FORMAT_2021 = 2021
FORMAT_2019 = 2019
FIRST_YEAR_2021_FORMAT = 2021

#: The report's name; the default title is 「{agency}{year}年」 + this.
REPORT_NAME = "政府信息公开工作年度报告"

TOP_LEVEL_LABELS: dict[str, str] = {
    "year": "报告年度",
    "agency": "机关全称",
    "format": "年报格式",
    "template": "模板",
    "title": "标题",
    "date": "成文日期",
    "contact": "填报联系人",
    "preamble": "前言",
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
    "unread": "未读出的格子",
}

#: Who filled in the data, for the county's questions (kept in the data, never printed).
CONTACT_LABELS: dict[str, str] = {"name": "填报人", "phone": "联系电话"}

#: The six sections in their official order: (data key, heading).
SECTIONS: tuple[tuple[str, str], ...] = tuple(
    (key, TOP_LEVEL_LABELS[key])
    for key in ("overview", "proactive", "applications", "reviews", "problems", "other_matters")
)

#: Narrative fields, in document order: (key path, label).
NARRATIVE_FIELDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("preamble",), TOP_LEVEL_LABELS["preamble"]),
    (("overview",), TOP_LEVEL_LABELS["overview"]),
    (("proactive", "text"), TOP_LEVEL_LABELS["proactive"] + " / 说明文字"),
    (("applications", "text"), TOP_LEVEL_LABELS["applications"] + " / 说明文字"),
    (("reviews", "text"), TOP_LEVEL_LABELS["reviews"] + " / 说明文字"),
    (("problems",), TOP_LEVEL_LABELS["problems"]),
    (("other_matters",), TOP_LEVEL_LABELS["other_matters"]),
)

#: The five topics 一、总体情况 must cover (official-format.md §1): (topic, words that name it
#: in a heading). 各级人民政府 add 工作考核、社会评议和责任追究结果 under 监督保障.
OVERVIEW_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("主动公开", ("主动公开",)),
    ("依申请公开", ("依申请", "公开申请")),
    ("政府信息管理", ("信息管理",)),
    ("政府信息公开平台建设", ("平台",)),
    ("监督保障", ("监督", "保障", "考核")),
)

#: The notice that fixed the 2019 format; a 2021-format report must not cite it.
NOTICE_2019 = "国办公开办函〔2019〕60号"
NOTICE_2021 = "国办公开办函〔2021〕30号"

#: Keys of a narrative block (a mapping in a section list) and their labels.
BLOCK_KEYS: dict[str, str] = {"title": "标题", "text": "正文", "paragraphs": "段落"}

# ---------------------------------------------------------------------------
# 二、主动公开政府信息情况

COUNT = "count"  # a non-negative integer
SIGNED = "signed"  # an integer that may be negative (2019: 本年增/减)
DECIMAL = "decimal"  # a non-negative amount, printed with the digits written (2021: 万元)
TEXT = "text"  # text printed as written (2019: 采购总金额, no unit prescribed)


@dataclass(frozen=True)
class Field:
    """A value column of a 二 block: data key ("" when the row holds one value), label, kind."""

    key: str
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class ProactiveBlock:
    """One 第二十条 block of the 二 table: a title row, a header row, data rows.

    The value columns share the table's 3 value grid columns: every field takes one,
    the last takes what is left (one field spans 3; two fields 1 + 2)."""

    title: str
    header: str  # label of the 信息内容 column
    fields: tuple[Field, ...]
    #: (key, label) of each data row
    rows: tuple[tuple[str, str], ...]

    def spans(self) -> tuple[int, ...]:
        return (1,) * (len(self.fields) - 1) + (4 - len(self.fields),)


_DECISIONS = (Field("", "本年处理决定数量"),)

PROACTIVE_2021: tuple[ProactiveBlock, ...] = (
    ProactiveBlock(
        "第二十条第（一）项",
        "信息内容",
        (Field("issued", "本年制发件数"), Field("repealed", "本年废止件数"), Field("in_force", "现行有效件数")),
        (("rules", "规章"), ("normative_documents", "行政规范性文件")),
    ),
    ProactiveBlock("第二十条第（五）项", "信息内容", _DECISIONS, (("licensing", "行政许可"),)),
    ProactiveBlock("第二十条第（六）项", "信息内容", _DECISIONS, (("penalties", "行政处罚"), ("enforcement", "行政强制"))),
    ProactiveBlock(
        "第二十条第（八）项",
        "信息内容",
        (Field("", "本年收费金额（单位：万元）", DECIMAL),),
        (("fees", "行政事业性收费"),),
    ),
)

_ITEMS_2019 = (Field("previous_items", "上一年项目数量"), Field("change", "本年增/减", SIGNED),
               Field("decisions", "处理决定数量"))

PROACTIVE_2019: tuple[ProactiveBlock, ...] = (
    ProactiveBlock(
        "第二十条第（一）项",
        "信息内容",
        (Field("created", "本年新制作数量"), Field("published", "本年新公开数量"),
         Field("total_published", "对外公开总数量")),
        (("rules", "规章"), ("normative_documents", "规范性文件")),
    ),
    ProactiveBlock("第二十条第（五）项", "信息内容", _ITEMS_2019,
                   (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
    ProactiveBlock("第二十条第（六）项", "信息内容", _ITEMS_2019, (("penalties", "行政处罚"), ("enforcement", "行政强制"))),
    ProactiveBlock("第二十条第（八）项", "信息内容", _ITEMS_2019[:2], (("fees", "行政事业性收费"),)),
    ProactiveBlock("第二十条第（九）项", "信息内容", (Field("items", "采购项目数量"), Field("amount", "采购总金额", TEXT)),
                   (("procurement", "政府集中采购"),)),
)

# ---------------------------------------------------------------------------
# 三、收到和处理政府信息公开申请情况


@dataclass(frozen=True)
class Column:
    """A number column of the 三 table: data key and label path (top label first)."""

    key: str
    labels: tuple[str, ...]


APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural", ("自然人",)),
    Column("business", ("法人或其他组织", "商业企业")),
    Column("research", ("法人或其他组织", "科研机构")),
    Column("nonprofit", ("法人或其他组织", "社会公益组织")),
    Column("legal", ("法人或其他组织", "法律服务机构")),
    Column("other", ("法人或其他组织", "其他")),
    Column("total", ("总计",)),
)
#: The applicant columns that are counted (every column but 总计).
APPLICANT_KEYS: tuple[str, ...] = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")
TOTAL_KEY = "total"

APPLICATIONS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS_LABEL = "申请人情况"


@dataclass(frozen=True)
class Row:
    """A data row of the 三 table: key path in `applications` and label path."""

    path: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def computed(self) -> bool:
        """True for the （七）总计 row, which is the sum of the result rows."""
        return self.path == (TOTAL_KEY,)


RESULTS_LABEL = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_CANNOT = "（四）无法提供"
_NOT_HANDLED = "（五）不予处理"
_OTHER_HANDLING = "（六）其他处理"


def _group(key: str, label: str, items: tuple[tuple[str, str], ...]) -> tuple[Row, ...]:
    return tuple(Row((key, k), (RESULTS_LABEL, label, item)) for k, item in items)


APPLICATION_ROWS_2021: tuple[Row, ...] = (
    Row(("received",), ("一、本年新收政府信息公开申请数量",)),
    Row(("carried_over",), ("二、上年结转政府信息公开申请数量",)),
    Row(("granted",), (RESULTS_LABEL, "（一）予以公开")),
    Row(("partially_granted",), (RESULTS_LABEL, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    *_group("withheld", _WITHHELD, (
        ("state_secret", "1.属于国家秘密"),
        ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
        ("three_safeties", "3.危及“三安全一稳定”"),
        ("third_party_rights", "4.保护第三方合法权益"),
        ("internal_affairs", "5.属于三类内部事务信息"),
        ("process_information", "6.属于四类过程性信息"),
        ("enforcement_files", "7.属于行政执法案卷"),
        ("inquiry_matters", "8.属于行政查询事项"),
    )),
    *_group("cannot_provide", _CANNOT, (
        ("not_held", "1.本机关不掌握相关政府信息"),
        ("needs_creation", "2.没有现成信息需要另行制作"),
        ("unclear", "3.补正后申请内容仍不明确"),
    )),
    *_group("not_handled", _NOT_HANDLED, (
        ("petitions", "1.信访举报投诉类申请"),
        ("repeated", "2.重复申请"),
        ("publications", "3.要求提供公开出版物"),
        ("excessive", "4.无正当理由大量反复申请"),
        ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    )),
    *_group("other_handling", _OTHER_HANDLING, (
        ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other", "3.其他"),
    )),
    Row((TOTAL_KEY,), (RESULTS_LABEL, "（七）总计")),
    Row(("carried_forward",), ("四、结转下年度继续办理",)),
)

#: The label of the （六）其他处理 group (2021) or row (2019).
OTHER_HANDLING_LABEL = _OTHER_HANDLING

#: 2019: （六）其他处理 is one row (spanning the item column).
APPLICATION_ROWS_2019: tuple[Row, ...] = tuple(
    r for r in APPLICATION_ROWS_2021 if r.path[0] != "other_handling"
)[:-2] + (
    Row(("other_handling",), (RESULTS_LABEL, _OTHER_HANDLING)),
    *APPLICATION_ROWS_2021[-2:],
)


def _result_rows(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """The rows that （七）总计 adds up: every 三、本年度办理结果 row but the total itself."""
    return tuple(r for r in rows if r.labels[0] == RESULTS_LABEL and not r.computed)


# ---------------------------------------------------------------------------
# 四、政府信息公开行政复议、行政诉讼情况 (both formats)

REVIEW_GROUPS: tuple[Column, ...] = (
    Column("reconsideration", ("行政复议",)),
    Column("litigation", ("行政诉讼", "未经复议直接起诉")),
    Column("litigation_after_reconsideration", ("行政诉讼", "复议后起诉")),
)
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    (TOTAL_KEY, "总计"),
)
REVIEW_KEYS: tuple[str, ...] = tuple(k for k, _ in REVIEW_RESULTS if k != TOTAL_KEY)
REVIEW_PARTS_LABEL = "、".join(label for k, label in REVIEW_RESULTS if k != TOTAL_KEY)

# ---------------------------------------------------------------------------
# Table layouts: every cell as a rectangle, derived from the rows above.


@dataclass(frozen=True)
class Cell:
    """A table cell: its top-left grid position, span, and either a label or a field."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: Optional[str] = None
    #: key path of the value shown here, e.g. ("applications", "received", "natural")
    field: Optional[tuple[str, ...]] = None
    header: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A whole official table: grid column widths (twips), header row count, cells."""

    key: str
    widths: tuple[int, ...]
    header_rows: int
    cells: tuple[Cell, ...]
    #: rows before which a page may break (others stay with the row above); None: anywhere
    breaks_before: Optional[tuple[int, ...]] = ()

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.widths)

    def value_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.field is not None)


#: The 版心 width (156 mm): no table may be wider.
TEXT_WIDTH = 8845


def _proactive_table(blocks: tuple[ProactiveBlock, ...]) -> TableSpec:
    cells: list[Cell] = []
    r = 0
    for block in blocks:
        cells.append(Cell(r, 0, 1, 4, text=block.title))
        starts = [1 + sum(block.spans()[:i]) for i in range(len(block.fields))]
        cells.append(Cell(r + 1, 0, text=block.header))
        for start, span, field in zip(starts, block.spans(), block.fields, strict=True):
            cells.append(Cell(r + 1, start, 1, span, text=field.label))
        for j, (row_key, row_label) in enumerate(block.rows, start=r + 2):
            cells.append(Cell(j, 0, text=row_label))
            for start, span, field in zip(starts, block.spans(), block.fields, strict=True):
                path = ("proactive", row_key) + ((field.key,) if field.key else ())
                cells.append(Cell(j, start, 1, span, field=path))
        r += 2 + len(block.rows)
    starts = tuple(c.row for c in cells if c.colspan == 4)
    return TableSpec("proactive", (2845, 2000, 2000, 2000), 0, tuple(cells), breaks_before=starts)


def _column_header_cells(columns: tuple[Column, ...], first_col: int, first_row: int,
                         depth: int) -> list[Cell]:
    """Header cells for columns whose label paths share top labels (merged across)."""
    cells: list[Cell] = []
    i = 0
    while i < len(columns):
        top = columns[i].labels[0]
        if len(columns[i].labels) == 1:
            cells.append(Cell(first_row, first_col + i, depth, 1, text=top, header=True))
            i += 1
            continue
        j = i
        while j < len(columns) and len(columns[j].labels) > 1 and columns[j].labels[0] == top:
            j += 1
        cells.append(Cell(first_row, first_col + i, 1, j - i, text=top, header=True))
        for k in range(i, j):
            cells.append(Cell(first_row + 1, first_col + k, depth - 1, 1,
                              text=columns[k].labels[1], header=True))
        i = j
    return cells


def _row_label_cells(rows: tuple[Row, ...], first_row: int, label_cols: int) -> list[Cell]:
    """Label cells for rows whose label paths share prefixes (merged down)."""
    cells: list[Cell] = []
    for i, row in enumerate(rows):
        for level, label in enumerate(row.labels):
            prefix = row.labels[: level + 1]
            if i > 0 and rows[i - 1].labels[: level + 1] == prefix:
                continue  # continuation of the cell started above
            height = 1
            while i + height < len(rows) and rows[i + height].labels[: level + 1] == prefix:
                height += 1
            width = 1 if level < len(row.labels) - 1 else label_cols - level
            cells.append(Cell(first_row + i, level, height, width, text=label))
    return cells


def _applications_table(rows: tuple[Row, ...]) -> TableSpec:
    n_cols = len(APPLICANT_COLUMNS)
    cells = [
        Cell(0, 0, 3, 3, text=APPLICATIONS_NOTE, header=True),
        Cell(0, 3, 1, n_cols, text=APPLICANTS_LABEL, header=True),
        *_column_header_cells(APPLICANT_COLUMNS, 3, 1, 2),
        *_row_label_cells(rows, 3, 3),
    ]
    for i, row in enumerate(rows, start=3):
        for j, column in enumerate(APPLICANT_COLUMNS, start=3):
            cells.append(Cell(i, j, field=("applications",) + row.path + (column.key,)))
    widths = (440, 1600, 2605) + (600,) * n_cols  # column 1 holds one character a line (½ mm cell margins)
    return TableSpec("applications", widths, 3, tuple(cells), breaks_before=None)


def _reviews_table() -> TableSpec:
    n = len(REVIEW_RESULTS)
    columns = tuple(
        Column(f"{g.key}.{key}", g.labels + (label,)) for g in REVIEW_GROUPS for key, label in REVIEW_RESULTS
    )
    cells: list[Cell] = []
    # Row 0: 行政复议 / 行政诉讼; rows 1-2: sub-groups and results.
    i = 0
    while i < len(columns):
        top = columns[i].labels[0]
        j = i
        while j < len(columns) and columns[j].labels[0] == top:
            j += 1
        cells.append(Cell(0, i, 1, j - i, text=top, header=True))
        i = j
    for g_index, group in enumerate(REVIEW_GROUPS):
        sub = tuple(Column(key, group.labels[1:] + (label,)) for key, label in REVIEW_RESULTS)
        cells.extend(_column_header_cells(sub, g_index * n, 1, 2))
        for k, (key, _) in enumerate(REVIEW_RESULTS):
            cells.append(Cell(3, g_index * n + k, field=("reviews", group.key, key)))
    widths = (590,) * 14 + (TEXT_WIDTH - 590 * 14,)
    return TableSpec("reviews", widths, 3, tuple(cells))


# ---------------------------------------------------------------------------
# Value fields: every value of the data tree, declared once per format


@dataclass(frozen=True)
class ValueField:
    """One value of the data tree: where it is in a data file, what it holds, what the
    official table calls it and where it prints it, and what it adds up (a 总计)."""

    #: key path in a data file: ("applications", "withheld", "state_secret", "natural")
    path: tuple[str, ...]
    kind: str
    #: the official label path of its row and of its column
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    #: its row's label and its column's label as messages write them
    row_label: str
    column_label: str
    #: (grid row, grid column) of the table cell that prints it
    cell: tuple[int, int]
    #: the keys of the values it adds up; empty for a value a data file gives
    total_of: tuple[str, ...] = ()
    #: the path as one string: "applications.withheld.state_secret.natural"
    key: str = dataclasses.field(init=False, repr=False, compare=False)
    #: whether it is a total (made once: both are asked for every value of every report)
    computed: bool = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", ".".join(self.path))
        object.__setattr__(self, "computed", bool(self.total_of))

    @property
    def table(self) -> str:
        return self.path[0]

    @property
    def label(self) -> str:
        """The official label, as messages write it: 「row / column」."""
        return f"{self.row_label} / {self.column_label}"


@dataclass(frozen=True)
class FieldRow:
    """A row of an official table as the data tree holds it: its key path and its values.
    A `single` row holds one unnamed value (「行政许可 本年处理决定数量」): its path is the value's."""

    path: tuple[str, ...]
    labels: tuple[str, ...]
    label: str
    fields: tuple[ValueField, ...]
    single: bool = False

    @property
    def computed(self) -> bool:
        """True for a row whose every value is a total (（七）总计)."""
        return all(f.computed for f in self.fields)


def _join_labels(labels: tuple[str, ...]) -> str:
    text = ""
    for label in labels:
        if text and not label.startswith("（"):
            text += " "
        text += label
    return text


def _proactive_rows(blocks: tuple[ProactiveBlock, ...], cells: dict) -> list[FieldRow]:
    rows = []
    for block in blocks:
        single = len(block.fields) == 1 and not block.fields[0].key
        for row_key, row_label in block.rows:
            base, label = ("proactive", row_key), f"{block.title} {row_label}"
            fields = tuple(ValueField(base + ((f.key,) if f.key else ()), f.kind, (block.title, row_label), (f.label,),
                                      label, f.label, cells[base + ((f.key,) if f.key else ())])
                           for f in block.fields)
            rows.append(FieldRow(base, (block.title, row_label), label, fields, single))
    return rows


def _application_rows(rows: tuple[Row, ...], cells: dict) -> list[FieldRow]:
    result_rows = _result_rows(rows)
    out = []
    for row in rows:
        base, label = ("applications",) + row.path, _join_labels(row.labels)
        fields = []
        for column in APPLICANT_COLUMNS:
            if column.key == TOTAL_KEY:
                parts = tuple(".".join(base + (k,)) for k in APPLICANT_KEYS)
            elif row.computed:
                parts = tuple(".".join(("applications",) + r.path + (column.key,)) for r in result_rows)
            else:
                parts = ()
            fields.append(ValueField(base + (column.key,), COUNT, row.labels, column.labels, label,
                                     " / ".join(column.labels), cells[base + (column.key,)], parts))
        out.append(FieldRow(base, row.labels, label, tuple(fields)))
    return out


def _review_rows(cells: dict) -> list[FieldRow]:
    out = []
    for group in REVIEW_GROUPS:
        base, label = ("reviews", group.key), " / ".join(group.labels)
        fields = tuple(
            ValueField(base + (key,), COUNT, group.labels, (result,), label, result, cells[base + (key,)],
                       tuple(".".join(base + (k,)) for k in REVIEW_KEYS) if key == TOTAL_KEY else ())
            for key, result in REVIEW_RESULTS)
        out.append(FieldRow(base, group.labels, label, fields))
    return out


@dataclass(frozen=True)
class FormatSpec:
    """Everything that one official format fixes."""

    year: int
    notice: str
    proactive: tuple[ProactiveBlock, ...]
    application_rows: tuple[Row, ...]

    @property
    def result_rows(self) -> tuple[Row, ...]:
        return _result_rows(self.application_rows)

    def proactive_field(self, row_key: str) -> tuple[ProactiveBlock, str]:
        """The block of a 二 row and the row's label."""
        for block in self.proactive:
            for key, label in block.rows:
                if key == row_key:
                    return block, label
        raise KeyError(row_key)

    def tables(self) -> tuple[TableSpec, ...]:
        """The three tables, in document order (二, 三, 四)."""
        return _tables(self)

    def rows(self, table: Optional[str] = None) -> tuple[FieldRow, ...]:
        """The rows of the data tree, in table order (of one table, when given)."""
        return tuple(r for r in _rows(self) if table is None or r.path[0] == table)

    @property
    def fields(self) -> tuple[ValueField, ...]:
        """Every value field, in table order (二, 三, 四; rows, then columns)."""
        return _fields(self)

    def field(self, key: str) -> ValueField:
        """The field of a key ("applications.received.natural"); KeyError if none."""
        return _fields_by_key(self)[key]

    def row(self, path: tuple[str, ...]) -> FieldRow:
        """The row at a key path (("proactive", "rules")); KeyError if none."""
        found = next((row for row in _rows(self) if row.path == path), None)
        if found is None:
            raise KeyError(path)
        return found


@functools.lru_cache(maxsize=None)
def _tables(fmt: FormatSpec) -> tuple[TableSpec, ...]:
    return (_proactive_table(fmt.proactive), _applications_table(fmt.application_rows), _reviews_table())


@functools.lru_cache(maxsize=None)
def _rows(fmt: FormatSpec) -> tuple[FieldRow, ...]:
    cells = {cell.field: (cell.row, cell.col) for table in fmt.tables() for cell in table.value_cells()}
    return tuple(_proactive_rows(fmt.proactive, cells) + _application_rows(fmt.application_rows, cells)
                 + _review_rows(cells))


@functools.lru_cache(maxsize=None)
def _fields(fmt: FormatSpec) -> tuple[ValueField, ...]:
    return tuple(f for row in fmt.rows() for f in row.fields)


@functools.lru_cache(maxsize=None)
def _fields_by_key(fmt: FormatSpec) -> dict[str, ValueField]:
    return {f.key: f for f in fmt.fields}


FORMAT_2021_SPEC = FormatSpec(FORMAT_2021, NOTICE_2021, PROACTIVE_2021, APPLICATION_ROWS_2021)
FORMAT_2019_SPEC = FormatSpec(FORMAT_2019, NOTICE_2019, PROACTIVE_2019, APPLICATION_ROWS_2019)
FORMATS: dict[int, FormatSpec] = {FORMAT_2021: FORMAT_2021_SPEC, FORMAT_2019: FORMAT_2019_SPEC}

# ---------------------------------------------------------------------------
# The data tree and the flat values: one pair of functions


def flatten(tree: Any, fmt: FormatSpec) -> dict[str, Any]:
    """The values a nested data mapping holds for `fmt`'s fields, by key, in field order
    (a field the mapping does not hold is left out; `tree` is not validated)."""
    values = {}
    for field in fmt.fields:
        node = tree
        for key in field.path:
            node = node.get(key, _ABSENT) if isinstance(node, dict) else _ABSENT
        if node is not _ABSENT:
            values[field.key] = node
    return values


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """A nested mapping of flat values by key (in the order of `values`): the inverse of
    `flatten`, for a data file or a template."""
    tree: dict[str, Any] = {}
    for key, value in values.items():
        parents, last = _split(key)
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


@functools.lru_cache(maxsize=4096)
def _split(key: str) -> tuple[tuple[str, ...], str]:
    *parents, last = key.split(".")
    return tuple(parents), last


_ABSENT = object()

# ---------------------------------------------------------------------------
# Labels of data fields, for messages


@functools.lru_cache(maxsize=None)
def table_field_labels(fmt: FormatSpec = FORMAT_2021_SPEC) -> dict[tuple[str, ...], str]:
    """Map every key path of the tables (values, rows, groups of rows) to its official label."""
    labels: dict[tuple[str, ...], str] = {}
    for row in fmt.rows():
        for depth in range(2, len(row.path)):  # a group of 三's rows: 「三、本年度办理结果（三）不予公开」
            labels[row.path[:depth]] = _join_labels(row.labels[: depth])
        labels[row.path] = row.label
        for field in row.fields:
            labels[field.path] = field.label
    return labels
