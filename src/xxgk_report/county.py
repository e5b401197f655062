"""The county summary: every table number of the units' reports added up, per cell, into a
data file for the county-wide report (narrative left to write).

    summary = sum_units(paths, agency="某某县人民政府", year=2022, roster=names)
    summary.text        # the data file, or "" when it cannot be made
    summary.problems    # what stops it (errors) and what to look at (warnings), per unit

A sum of units that each pass `make-report check` passes it too: every rule on the tables
is linear (一 + 二 = （七）总计 + 四 holds for sums of columns that each hold it).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded, localcontext
from pathlib import Path
from typing import Any, Optional

from . import spec
from .checks import check_report
from .datafile import Tables, write_data_file, zero_tables
from .errors import ERROR, WARNING, DataError, Problem, ReportError
from .files import MAX_ROSTER_FILE, read_bounded
from .model import Report, load_report
from .rules import RULES


def name_key(name: str) -> str:
    """An agency's name as names are compared: NFKC (（） and () alike, full-width letters
    folded), without whitespace and invisible characters (zero-width spaces, BOM)."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


@dataclass
class Summary:
    text: str
    units: list[Report]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.text) and not any(p.is_error for p in self.problems)


def _problem(message: str, severity: str = ERROR, where: str = "") -> Problem:
    return RULES["U1" if severity == ERROR else "U2"].problem(where, (), message)


def read_roster(path: Path) -> list[str]:
    """Unit names, one per line (UTF-8, or GBK as saved by Excel/Notepad on a Chinese Windows);
    blank lines and lines starting with # are skipped."""
    raw = read_bounded(path, MAX_ROSTER_FILE, "单位名单")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReportError(f"单位名单 {path} 既不是 UTF-8 也不是 GBK 编码；请另存为 UTF-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


#: The first line of a data file `make-report sum` wrote says so: such a file is not a unit.
MADE_BY = "make-report sum"
SUM_MARK = f"（{MADE_BY} 生成）"


def _is_summary(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return SUM_MARK in handle.readline()
    except OSError:
        return False


def _read_units(paths: list[Path], problems: list[Problem]) -> list[Report]:
    units = []
    for path in paths:
        if _is_summary(path):
            problems.append(_problem(f"{path} 是 make-report sum 生成的汇总文件，不是单位的数据，未计入", WARNING))
            continue
        try:
            units.append(load_report(path))
        except DataError as exc:
            problems.append(_problem(f"数据文件无法使用（{sum(p.is_error for p in exc.problems)} 处错误），"
                                     f"第一处：{next(p for p in exc.problems if p.is_error)}", where=str(path)))
    return units


def _years_and_formats(units: list[Report], year: Optional[int]) -> list[Problem]:
    problems = []
    years = sorted({u.year for u in units})
    formats = sorted({u.format for u in units})
    if year is not None and years and years != [year]:
        others = "、".join(f"{u.source}（{u.year}）" for u in units if u.year != year)
        problems.append(_problem(f"报告年度应为 {year}，这些单位不是：{others}"))
    elif len(years) > 1:
        problems.append(_problem("单位的报告年度不一致：" + "；".join(
            f"{y} 年度 {sum(u.year == y for u in units)} 个" for y in years) + "；请只汇总同一年度的报告"))
    if len(formats) > 1:
        problems.append(_problem("单位的年报格式不一致：" + "、".join(
            f"{u.source}（{u.format}）" for u in units if u.format != formats[-1]) + f" 与其他单位（{formats[-1]}）不同"))
    return problems


def _twins(units: list[Report]) -> tuple[dict[str, Report], list[Problem]]:
    """The units by normalised name, and a problem for each unit that comes twice."""
    seen: dict[str, Report] = {}
    problems = []
    for unit in units:
        twin = seen.get(name_key(unit.agency))
        if twin is not None:
            same = "" if twin.agency == unit.agency else f"（“{twin.agency}”与“{unit.agency}”只有空格、括号或看不见的字符不同）"
            problems.append(_problem(f"“{unit.agency}”出现两次（{twin.source}、{unit.source}）{same}，会重复计算"))
        seen.setdefault(name_key(unit.agency), unit)
    return seen, problems


def _roster_gaps(units: list[Report], seen: dict[str, Report], roster: list[str]) -> list[Problem]:
    names = {name_key(name) for name in roster}
    missing = [name for name in roster if name_key(name) not in seen]
    extra = [u for u in units if name_key(u.agency) not in names]
    problems = []
    if missing:
        problems.append(_problem(f"名单中 {len(missing)} 个单位没有数据文件：{'、'.join(missing)}", WARNING))
    if extra:
        problems.append(_problem(f"{len(extra)} 个数据文件的单位不在名单中：" + "、".join(
            f"{u.agency}（{u.source}）{_suggest(u.agency, missing)}" for u in extra), WARNING))
    return problems


def sum_units(paths: list[Path], agency: str, year: Optional[int] = None,
              roster: Optional[list[str]] = None) -> Summary:
    """Add up the units' tables; refuse unreadable files, mixed years or formats, a unit
    twice, and units whose own numbers break a rule (each named)."""
    problems: list[Problem] = []
    units = _read_units(paths, problems)
    if not units:
        problems.append(_problem("没有单位的数据文件"))
    if not agency.strip():
        problems.append(_problem("缺少汇总报告的机关全称（--agency），例如 某某县人民政府"))
    problems += _years_and_formats(units, year)
    seen, twins = _twins(units)
    problems += twins
    for unit in (u for u in units if u.unread):
        problems.append(_problem(f"“{unit.agency}”的报告有 {len(unit.unread)} 格未读出（{unit.coverage or '数据文件 unread 所列'}，"
                                 f"如 {unit.spec.field(unit.unread[0]).label}），不能当作 0 相加；请先对照原报告补全"
                                 f"（make-report extract {unit.source} -o 单位.yaml）", where=str(unit.source)))
    for unit in units:
        problems += [_problem(f"“{unit.agency}”的数据有错误，合计也会错：{error}", where=str(unit.source))
                     for error in check_report(unit) if error.is_error]
    if roster is not None:
        problems += _roster_gaps(units, seen, roster)
    if any(p.is_error for p in problems):
        return Summary("", units, problems)
    return _summary(units, agency, problems)


def _summary(units: list[Report], agency: str, problems: list[Problem]) -> Summary:
    fmt, year = spec.FORMATS[units[0].format], units[0].year
    tables = add_up(units, fmt)
    for (_, row), note in tables.notes.items():
        if note.startswith(_CANNOT_ADD):
            problems.append(_problem(f"{row}：{note}", WARNING))
    header = [f"{agency}{year}年度汇总：{len(units)} 个单位的表格数字逐格相加（make-report sum）。",
              "本文件包含的单位：", *(f"  {u.agency}（{u.source}）" for u in units)]
    header += [f"警告：{p.message}" for p in problems]
    text = write_data_file(year, agency, fmt, tables, header=tuple(header), made_by=MADE_BY)
    return Summary(text, units, problems)


_DOUBLE_COUNTING = {
    "in_force": "各单位现行有效件数之和；同一文件由几个单位联合制发时会重复计算，请核对",
    "fees": "各单位收费金额之和（万元）；同一笔收费不应由两个单位重复填报，请核对",
}


def add_up(units: list[Report], fmt: spec.FormatSpec) -> Tables:
    """Every value of `fmt` a data file gives, summed over the units, with notes where a sum
    may count a thing twice or cannot be made."""
    tables = zero_tables(fmt)
    for row in fmt.rows():
        for value_field in row.fields:
            if not value_field.computed:
                tables.values[value_field.key] = _add([u.values[value_field.key] for u in units], value_field.kind)
        if row.single and row.fields[0].kind == spec.DECIMAL:
            tables.notes[row.path] = _DOUBLE_COUNTING["fees"]
        if any(f.path[-1] == "in_force" for f in row.fields):
            tables.notes[row.path] = _DOUBLE_COUNTING["in_force"]
        for value_field in (f for f in row.fields if f.kind == spec.TEXT):
            texts = "、".join(f"{u.agency} {u.values[value_field.key]}" for u in units if u.values[value_field.key] not in ("", "0"))
            if tables.values[value_field.key] == "" and texts:
                tables.notes[row.path] = f"{_CANNOT_ADD}（写法或单位不同），请手工填写 {value_field.column_label}：{texts}"
            elif texts:
                tables.notes[row.path] = f"{value_field.column_label}按各单位所写数字相加；请核对：{texts}"
    return tables


_CANNOT_ADD = "各单位的金额无法自动相加"


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"（名单中的“{close[0]}”？）" if close else ""


#: an amount written as text: digits, then its unit (linear: no two parts can match the same text)
_AMOUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?)(\D*)")


#: Decimal sums are exact: the context's precision covers any amount the model accepts
#: (13 + 12 digits) summed over any number of units, and any 采购总金额 written as text.
_EXACT = Context(prec=50_000, traps=[Inexact, Rounded, InvalidOperation])


def _add(values: list[Any], kind: str) -> Any:
    if kind != spec.TEXT:
        with localcontext(_EXACT):
            return sum(values, Decimal(0) if kind == spec.DECIMAL else 0)
    # 2019 采购总金额 is text: add it up when every unit wrote a number with the same unit
    parsed = [_AMOUNT.fullmatch(str(v).strip()) for v in values if str(v) not in ("", "0")]
    units = {m.group(2).strip() for m in parsed if m}
    if all(parsed) and len(units) <= 1:
        try:
            with localcontext(_EXACT):
                total = sum((Decimal(m.group(1)) for m in parsed), Decimal(0))
        except (InvalidOperation, Inexact, Rounded):
            return ""
        return f"{format(total, 'f')}{units.pop() if units else ''}"
    return ""
