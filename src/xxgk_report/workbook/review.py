"""The county's review workbook (审核表) and the notices sent back to units (退回意见).

    blob = review_bytes(review)           # sheets 汇总, 问题清单, 缺报, 说明
    notices = notice_texts(review)        # {file name: text} for each unit with findings

Written with XlsxWriter like the fill-in workbook: plain cells, one header row frozen with a
filter, no formulas, no macros; the same review gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from typing import Any

import xlsxwriter

from .. import spec
from ..audit import MISSING, PASSED, RETURNED, UNREADABLE, Review, Unit
from ..dataout import file_name
from ..errors import Problem
from ..rules import RULES
from .styles import _FONT

_CREATED = dt.datetime(2000, 1, 1)  # a fixed date: the same review gives the same bytes
#: the fill of a row by its conclusion
_FILLS = {RETURNED: "#F8CBAD", UNREADABLE: "#FFE699", MISSING: "#D9D9D9"}
SUMMARY = ("序号", "单位", "文件", "读出格数", "错误", "警告", "结论", "说明")
FINDINGS = ("序号", "单位", "规则", "级别", "位置", "问题", "本单位数值", "应为/对照数值", "文件")
GAPS = ("类别", "单位", "文件", "说明")
#: the pairs of numbers a finding compares (Problem.values): this unit's, and what it should be
_PAIRS = (("left", "right"), ("given", "computed"), ("text", "table"), ("value", "expected"), ("now", "last"))


def review_bytes(review: Review) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{review.year or ''}年度政府信息公开工作年度报告审核表", "author": "make-report",
                         "created": _CREATED})
    formats = _Formats(book)
    _sheet(book, formats, "汇总", SUMMARY, [_summary_row(i, u) for i, u in enumerate(review.units, 1)],
           (6, 28, 34, 16, 6, 6, 9, 60), [u.conclusion for u in review.units])
    rows = [(u, p) for u in review.units for p in u.findings]
    _sheet(book, formats, "问题清单", FINDINGS, [_finding_row(i, u, p) for i, (u, p) in enumerate(rows, 1)],
           (6, 28, 6, 6, 36, 80, 14, 14, 34))
    gaps = [_gap_row(u) for u in review.units if u.read is None or not u.listed]
    gaps += [("未读取", "", str(path), why) for path, why in review.skipped]
    gaps += [("名单", "", "", note) for note in review.notes]
    _sheet(book, formats, "缺报", GAPS, gaps, (14, 28, 34, 60))
    used = sorted({p.rule for _, p in rows} | {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"})
    _sheet(book, formats, "说明", ("规则", "级别", "要求"), [(r, RULES[r].severity, RULES[r].title) for r in used],
           (8, 8, 100))
    book.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, book) -> None:
        base = {"font_name": _FONT, "font_size": 11, "valign": "top", "text_wrap": True, "border": 1}
        self.header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center"})
        self.cell = book.add_format(base)
        self.fills = {k: book.add_format({**base, "bg_color": v}) for k, v in _FILLS.items()}


def _sheet(book, formats: _Formats, name: str, header: tuple, rows: list[tuple], widths: tuple,
           conclusions: list[str] = ()) -> None:
    ws = book.add_worksheet(name)
    for c, (title, width) in enumerate(zip(header, widths)):
        ws.set_column(c, c, width)
        ws.write_string(0, c, title, formats.header)
    for r, row in enumerate(rows, 1):
        fill = formats.fills.get(conclusions[r - 1], formats.cell) if conclusions else formats.cell
        ws.set_row(r, _LINE * max(_lines(str(v), w) for v, w in zip(row, widths)))
        for c, value in enumerate(row):
            if isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(r, c, value, fill)
            else:
                ws.write_string(r, c, "" if value is None else str(value), fill)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)
    ws.fit_to_pages(1, 0)


_LINE = 15  # points per line of 11-point text


def _lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide (a Chinese character is two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, min(10, -(-columns // max(1, int(width) - 1))))


def _summary_row(i: int, unit: Unit) -> tuple:
    read = unit.read
    note = read.reason if read and read.reason else "；".join(_why(unit))
    return (i, unit.name, str(read.source) if read else "", read.coverage if read else "",
            unit.errors, unit.warnings, unit.conclusion, note)


def _why(unit: Unit) -> list[str]:
    if unit.conclusion == PASSED:
        return ["有警告，请核实"] if unit.warnings else []
    if unit.conclusion == MISSING:
        return ["名单中的单位，没有交来报告或数据文件"]
    if unit.conclusion == UNREADABLE:
        return [f"{unit.read.unread} 格未读出，请对照原件人工核对"]
    rules = sorted({p.rule for p in unit.findings if p.is_error})
    return [f"错误：{'、'.join(rules)}"] if rules else []


def _finding_row(i: int, unit: Unit, problem: Problem) -> tuple:
    mine, other = _numbers(problem.values)
    return (i, unit.name, problem.rule, problem.severity, place(problem), problem.message, mine, other,
            str(unit.source or ""))


def place(problem: Problem) -> str:
    """Where a finding is, as a reader finds it: a workbook cell, the table row and column, or the section."""
    where = " ".join(part for part in (problem.cell, " ／ ".join(problem.labels)) if part)
    top = re.match(r"[a-z_]+", problem.path)
    return where or (spec.TOP_LEVEL_LABELS.get(top.group(), problem.path) if top else "")


def _numbers(values: dict[str, Any]) -> tuple[str, str]:
    for mine, other in _PAIRS:
        if mine in values and other in values:
            return str(values[mine]), str(values[other])
    return "", ""


def _gap_row(unit: Unit) -> tuple:
    if unit.read is None:
        return ("缺报", unit.name, "", "名单中的单位，没有找到它的报告或数据文件")
    return ("名单外", unit.name, str(unit.source), next((p.message for p in unit.findings if p.rule == "R2"), ""))


_ASKED = {RETURNED: "有以下问题需要改正，请修改后重新报送。",
          UNREADABLE: "无法完整读取，请按以下说明处理后重新报送（或报送 Word 文档、填报表）。",
          PASSED: "审核通过，但有以下情况请核实；确需修改的，修改后重新报送。"}


def notice_text(unit: Unit, year: int) -> str:
    """A short 退回意见 for one unit: what to fix, each finding with its place and numbers."""
    lines = [f"{unit.name}：", "",
             f"经审核，贵单位报送的{year or ''}年度政府信息公开工作年度报告（{unit.source.name if unit.source else '未报送'}）"
             + _ASKED.get(unit.conclusion, ""), ""]
    for n, problem in enumerate(sorted(unit.findings, key=lambda p: not p.is_error), 1):
        where = place(problem)
        lines.append(f"{n}. 【{problem.severity}】{where + '：' if where else ''}{problem.message}（规则 {problem.rule}）")
    return "\n".join(lines) + "\n"


def notices(review: Review) -> dict[str, str]:
    """{file name: text} for each unit with findings (退回、无法读取 and warnings alike)."""
    out: dict[str, str] = {}
    for unit in review.units:
        if unit.findings and unit.read is not None:
            stem, n = file_name(unit.name), 1
            while f"{stem}{'' if n == 1 else f'（{n}）'}-退回意见.txt" in out:  # two files of one unit
                n += 1
            out[f"{stem}{'' if n == 1 else f'（{n}）'}-退回意见.txt"] = notice_text(unit, review.year)
    return out
