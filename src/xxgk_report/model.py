"""The report data: reading a YAML/JSON file and validating it against the spec.

`load_report(path)` returns a `Report` with every table cell present (0 when left out),
every total computed, and the narrative flattened into numbered paragraphs; or raises
`DataError` listing every problem of the file at once, each with its key path and the
official Chinese label.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from . import spec
from .errors import DataError, Problem
from .formatting import chinese_number
from .reader import HugeNumber, NumberText, read_data
from .rules import RULES

# ---------------------------------------------------------------------------
# The validated report


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of narrative: a body paragraph, a heading, or a run-in heading."""

    kind: str  # "body" | "heading" | "runin"
    heading: str = ""  # numbered heading text, e.g. 「（一）主动公开」 or 「（一）提升质量水平。」
    text: str = ""
    #: key path of the text in the data file, e.g. ("overview", 1, "text")
    path: tuple = ()


@dataclass(frozen=True)
class Report:
    """A validated report: every cell present, totals computed, narrative numbered."""

    year: int
    agency: str
    format: int
    #: the template the data file names (a variant name or a .docx path), or None
    template: Optional[str]
    title: str
    date: Optional[dt.date]
    #: narrative by key path ("preamble", "overview", "proactive.text", …)
    narrative: dict[str, tuple[Paragraph, ...]]
    proactive: dict[str, Any]
    applications: dict[str, Any]
    reviews: dict[str, dict[str, int]]
    #: totals written in the data file (to copy a published report), by key path;
    #: `checks` compares them with the computed ones (rules A2, A3, B1)
    given_totals: dict[tuple[str, ...], int] = field(default_factory=dict)
    #: warnings found while reading the file (rules T1, T2)
    warnings: tuple[Problem, ...] = ()
    source: Optional[Path] = None


# ---------------------------------------------------------------------------
# Validation


class _Collector:
    """Collects problems, labelling each key path from the spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.given_totals: dict[tuple[str, ...], int] = {}
        self.format = spec.FORMAT_2021  # set once the file's format is known: labels differ

    def add(self, path: tuple, message: str, rule: str = "D1") -> None:
        label = field_label(path, self.format)
        self.problems.append(RULES[rule].problem(format_path(path), (label,) if label else (), message))

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)


_TABLE_LABELS = {year: spec.table_field_labels(fmt) for year, fmt in spec.FORMATS.items()}


def field_label(path: tuple, fmt: int = spec.FORMAT_2021) -> str:
    """The official label of a key path in format `fmt`, or of its nearest labelled parent:
    ("applications", "total", "natural") → 「三、本年度办理结果（七）总计 / 自然人」."""
    labels = _TABLE_LABELS[fmt]
    for end in range(len(path), 0, -1):
        prefix = path[:end]
        if prefix in labels:
            return labels[prefix]
        if end == 1 and prefix[0] in spec.TOP_LEVEL_LABELS and prefix not in _NARRATIVE_KEYS:
            return spec.TOP_LEVEL_LABELS[prefix[0]]
    return _narrative_label(path)


#: Top-level keys that hold narrative: their items are labelled 「第N项」.
_NARRATIVE_KEYS = {key for key, _ in spec.NARRATIVE_FIELDS if len(key) == 1}


def format_path(path: tuple) -> str:
    """A key path as written in messages: overview[1].text, applications.received.natural."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _narrative_label(path: tuple) -> str:
    names = [str(p) for p in path if not isinstance(p, int)]
    for key_path, label in spec.NARRATIVE_FIELDS:
        if tuple(names[: len(key_path)]) == key_path:
            parts = [label]
            indexes = [p for p in path if isinstance(p, int)]
            if indexes:
                parts.append(f"第{indexes[0] + 1}项")
            rest = names[len(key_path):]
            if rest and rest[0] in spec.BLOCK_KEYS:
                parts.append(spec.BLOCK_KEYS[rest[0]])
            if len(indexes) > 1:
                parts.append(f"第{indexes[1] + 1}段")
            return " / ".join(parts)
    return ""


def _describe(value: Any) -> str:
    """How a wrong value is shown in a message: as the user wrote it, never a Python repr."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, NumberText):
        return f"“{value}”（这种写法不能作为数字读取）"
    if isinstance(value, HugeNumber):
        return f"一个 {value.digits} 位的数字"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"文字 “{shown}”"
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return f"日期 {value.isoformat()}"
    for kinds, name in ((dict, "映射（键值对）"), ((list, tuple), "列表"), ((set, frozenset), "集合（!!set）"),
                        ((bytes, bytearray), "二进制数据（!!binary）"), (float, "数字")):
        if isinstance(value, kinds):
            return name if kinds is not float else f"数字 {value!r}"
    return "无法识别的值"


def _mapping(value: Any, path: tuple, allowed: dict[str, Any] | tuple[str, ...],
             c: _Collector) -> dict:
    """Return `value` as a mapping (None means empty), reporting unknown keys."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(path, f"应为映射（键: 值），实际为{_describe(value)}")
        return {}
    for key in value:
        if not isinstance(key, str):
            c.add(path, f"键应为文字，实际为{_describe(key)}（如 ~ 或数字）；可用的键：{'、'.join(allowed)}")
        elif key not in allowed:
            c.add(path + (key,), _unknown_key_message(key, allowed))
    return value


def _unknown_key_message(key: Any, allowed) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    hint = f"；是否应为 “{close[0]}”？" if close else f"；可用的键：{'、'.join(allowed)}"
    return f"未知的键 “{key}”{hint}"


#: No count in any real report comes near this (淮安市 2024: 行政处罚 3985758).
MAX_COUNT = 10**12 - 1


def _count(value: Any, path: tuple, c: _Collector) -> int:
    """Return a non-negative integer count, or report it and return 0."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    if isinstance(value, HugeNumber) or (isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT):
        c.add(path, "数字过大：计数最多 12 位，请核对", "V1")
    else:
        c.add(path, f"应为非负整数，实际为 {_describe(value)}", "V1")
    return 0


def _signed(value: Any, path: tuple, c: _Collector) -> int:
    """Return an integer that may be negative (2019: 本年增/减), or report it and return 0."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_COUNT:
        return value
    hint = ""
    if isinstance(value, str) and re.fullmatch(r"\s*[−－–—]\s*\d+\s*", value):
        hint = "；其中的负号不是半角减号（从 PDF 或 Word 复制来的？），请改为 -" + re.sub(r"\D", "", value)
    c.add(path, f"应为整数（减少写负数，如 -2），实际为 {_describe(value)}{hint}", "V1")
    return 0


#: How an amount in 万元 is written, in a data file and in its JSON Schema alike: digits, and
#: a fraction after a point; as a number, or as text to keep trailing zeros ("12.50").
AMOUNT_PATTERN = r"[0-9]+(\.[0-9]+)?"
_AMOUNT = re.compile(AMOUNT_PATTERN)


def _amount(value: Any, path: tuple, c: _Collector) -> Decimal:
    """Return a non-negative decimal amount (万元), keeping the digits as written."""
    number: Optional[Decimal] = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):  # from a caller's dict: its shortest repr is what was meant
        number = Decimal(repr(value))
    elif isinstance(value, str) and not isinstance(value, NumberText) and _AMOUNT.fullmatch(value):
        number = Decimal(value)
    if number is None or not number.is_finite() or number < 0 or number.adjusted() > 12 or number.as_tuple().exponent < -12:
        c.add(path, f"应为非负数，只写数字和小数点（单位：万元，如 12.5 或 \"12.50\"；整数部分最多 13 位、"
              f"小数最多 12 位），实际为 {_describe(value)}", "V2")
        return Decimal(0)
    return number.copy_abs()  # -0 prints as 0


# --- tables -----------------------------------------------------------------


#: A `total` that the data file leaves out (unlike `total: null`, a blank cell).
_ABSENT = object()


def _given_total(given: Any, path: tuple, c: _Collector) -> None:
    """Keep a `total` written in the data, for the checks to compare with the computed one."""
    if given is _ABSENT:
        return
    if given is None:
        c.add(path, "总计为空（已公布报告中的空白格？）；请删去 total（总计会自动计算），或填写数字", "V1")
        return
    before = len(c.problems)
    value = _count(given, path, c)
    if len(c.problems) == before:
        c.given_totals[path] = value


def _applicant_row(value: Any, path: tuple, c: _Collector) -> tuple[dict[str, int], Any]:
    """Counts of one 三 row by column, and the `total` given in the data (or None)."""
    allowed = tuple(col.key for col in spec.APPLICANT_COLUMNS)
    row = _mapping(value, path, allowed, c)
    counts = {key: _count(row.get(key, 0), path + (key,), c) for key in spec.APPLICANT_KEYS}
    return counts, row.get(spec.TOTAL_KEY, _ABSENT)


def _application_tree(fmt: spec.FormatSpec) -> dict[str, Any]:
    """The key tree of `applications`: a row key maps to None, a group to its items."""
    tree: dict[str, Any] = {"text": None}
    for row in fmt.application_rows:
        if len(row.path) == 1:
            tree[row.path[0]] = None
        else:
            tree.setdefault(row.path[0], {})[row.path[1]] = None
    return tree


def _validate_applications(raw: Any, fmt: spec.FormatSpec, c: _Collector) -> dict[str, Any]:
    base = ("applications",)
    tree = _application_tree(fmt)
    data = _mapping(raw, base, tuple(tree), c)
    groups = {key: _mapping(data.get(key), base + (key,), tuple(items), c)
              for key, items in tree.items() if items}
    rows: dict[tuple[str, ...], dict[str, int]] = {}
    for row in fmt.application_rows:
        if row.computed:
            continue
        source = groups[row.path[0]] if len(row.path) > 1 else data
        counts, given = _applicant_row(source.get(row.path[-1]), base + row.path, c)
        counts[spec.TOTAL_KEY] = sum(counts.values())
        _given_total(given, base + row.path + (spec.TOTAL_KEY,), c)
        rows[row.path] = counts
    rows[(spec.TOTAL_KEY,)] = _result_totals(data.get(spec.TOTAL_KEY), rows, fmt, c)
    return _nest(rows)


def _result_totals(raw: Any, rows: dict, fmt: spec.FormatSpec, c: _Collector) -> dict[str, int]:
    """The （七）总计 row, computed per column; given values are kept for the checks."""
    path = ("applications", spec.TOTAL_KEY)
    allowed = tuple(col.key for col in spec.APPLICANT_COLUMNS)
    given = _mapping(raw, path, allowed, c)
    totals = {}
    for column in spec.APPLICANT_COLUMNS:
        keys = spec.APPLICANT_KEYS if column.key == spec.TOTAL_KEY else (column.key,)
        totals[column.key] = sum(rows[r.path][k] for r in fmt.result_rows for k in keys)
        _given_total(given.get(column.key, _ABSENT), path + (column.key,), c)
    return totals


def _nest(rows: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in rows.items():
        target = nested
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return nested


def _validate_reviews(raw: Any, c: _Collector) -> dict[str, dict[str, int]]:
    base = ("reviews",)
    data = _mapping(raw, base, ("text",) + tuple(g.key for g in spec.REVIEW_GROUPS), c)
    allowed = tuple(key for key, _ in spec.REVIEW_RESULTS)
    result = {}
    for group in spec.REVIEW_GROUPS:
        path = base + (group.key,)
        row = _mapping(data.get(group.key), path, allowed, c)
        counts = {key: _count(row.get(key, 0), path + (key,), c) for key in spec.REVIEW_KEYS}
        counts[spec.TOTAL_KEY] = sum(counts.values())
        _given_total(row.get(spec.TOTAL_KEY, _ABSENT), path + (spec.TOTAL_KEY,), c)
        result[group.key] = counts
    return result


def _validate_proactive(raw: Any, fmt: spec.FormatSpec, c: _Collector) -> dict[str, Any]:
    base = ("proactive",)
    keys = ("text",) + tuple(key for block in fmt.proactive for key, _ in block.rows)
    data = _mapping(raw, base, keys, c)
    result: dict[str, Any] = {}
    for block in fmt.proactive:
        for row_key, _ in block.rows:
            path = base + (row_key,)
            if len(block.fields) == 1 and not block.fields[0].key:
                result[row_key] = _value(block.fields[0].kind, data.get(row_key, 0), path, c)
            else:
                row = _mapping(data.get(row_key), path, tuple(f.key for f in block.fields), c)
                result[row_key] = {f.key: _value(f.kind, row.get(f.key, 0), path + (f.key,), c)
                                   for f in block.fields}
    return result


def _value(kind: str, value: Any, path: tuple, c: _Collector) -> Any:
    """A 二 table value of the field's kind (a cell left out is 0)."""
    if kind == spec.TEXT:  # a number written without quotes is text too: 251000 → "251000"
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = format(value, "f") if isinstance(value, Decimal) else repr(value) if isinstance(value, float) \
                else str(value)
        return _text(value, path, c) or "0"
    return {spec.COUNT: _count, spec.SIGNED: _signed, spec.DECIMAL: _amount}[kind](value, path, c)


# --- narrative --------------------------------------------------------------

#: Characters removed from text (with a T2 warning): those XML 1.0 forbids, and the other
#: control characters (DEL, C1), which nobody can see in a report.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
#: A title that starts with its own list number: （一） 一、 1. 1、 （1） (1)
_LIST_NUMBER = re.compile(r"^\s*([(（]\s*[一二三四五六七八九十百\d]+\s*[)）]|[一二三四五六七八九十百]+\s*[、.．]|\d+\s*[、.．](?!\d))")
#: The longest text a field may hold, in characters: a paragraph of a real report is a few
#: thousand at most; a title or a name is one line.
MAX_PARAGRAPH = 20_000
MAX_LINE = 300


#: Chinese characters and full-width punctuation, between which no space is ever printed.
_CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def _join_lines(text: str) -> str:
    """Join the lines of a wrapped string: no space between Chinese, one between words.

    YAML folds the line breaks of plain and `>` scalars into spaces before we see them, so a
    space between two Chinese characters is taken for such a fold and removed too."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    joined = ""
    for line in (line for line in lines if line):
        if joined and joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            joined += " "
        joined += line
    return _SPACE_BETWEEN_CJK.sub("", joined.replace("\t", " "))


def _text(value: Any, path: tuple, c: _Collector, required: bool = False, limit: int = MAX_PARAGRAPH) -> str:
    """Return printable text: lines joined, control characters removed (with a warning)."""
    if value is not None and not isinstance(value, str):
        c.add(path, f"应为文字，实际为 {_describe(value)}")
        return ""
    if value is not None and len(value) > limit:
        c.add(path, f"文字过长：{len(value)} 个字符，最多 {limit} 个；请检查是否粘贴了整篇文档或重复的内容")
        value = value[:limit]
    found = sorted(set(_CONTROL.findall(value or "")))
    if found:
        codes = "、".join(f"U+{ord(ch):04X}" for ch in found)
        c.add(path, f"已删除控制字符 {codes}（常见于从 Word/Excel 粘贴的文字）", "T2")
        value = _CONTROL.sub("", value)
    text = _join_lines(value or "")
    if required and not text:
        c.add(path, "不能为空")
    return text


def _title(value: Any, path: tuple, c: _Collector) -> str:
    title = _text(value, path, c, required=True, limit=MAX_LINE)
    if _LIST_NUMBER.match(title):
        c.add(path, f"标题 “{title}” 不应自带序号：（一）（二）等序号由工具按顺序自动生成，请删去")
    return title


def _blocks(value: Any, path: tuple, c: _Collector) -> tuple[Paragraph, ...]:
    """Flatten a section's blocks into paragraphs, numbering headings （一）（二）…"""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        c.add(path, f"应为段落列表，实际为{_describe(value)}")
        return ()
    paragraphs: list[Paragraph] = []
    number = 0
    for i, item in enumerate(items):
        if isinstance(item, dict):
            number += 1
            paragraphs.extend(_titled_block(item, path + (i,), number, c))
        else:
            text = _text(item, path + (i,), c)
            if text:
                paragraphs.append(Paragraph("body", text=text, path=path + (i,)))
            elif item is None or isinstance(item, str):
                c.add(path + (i,), "段落为空，未输出", "T1")
    return tuple(paragraphs)


def _titled_block(block: dict, path: tuple, number: int, c: _Collector) -> list[Paragraph]:
    _mapping(block, path, tuple(spec.BLOCK_KEYS), c)
    heading = f"（{chinese_number(number)}）{_title(block.get('title'), path + ('title',), c)}"
    if "text" in block and "paragraphs" in block:
        c.add(path, "标题块只能有 text（标题后接正文）或 paragraphs（标题下分段）之一")
    if "text" in block:
        text = _text(block["text"], path + ("text",), c)
        stop = "" if heading[-1] in "。？！：" else "。"
        return [Paragraph("runin", heading=heading + stop, text=text, path=path)]
    result = [Paragraph("heading", heading=heading, path=path + ("title",))]
    paragraphs = block.get("paragraphs")
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    if paragraphs is not None and not isinstance(paragraphs, list):
        c.add(path + ("paragraphs",), f"应为段落列表，实际为{_describe(paragraphs)}")
        return result
    for j, item in enumerate(paragraphs or []):
        text = _text(item, path + ("paragraphs", j), c)
        if text:
            result.append(Paragraph("body", text=text, path=path + ("paragraphs", j)))
        elif item is None or isinstance(item, str):
            c.add(path + ("paragraphs", j), "段落为空，未输出", "T1")
    return result


# --- top level --------------------------------------------------------------


def _year(value: Any, c: _Collector) -> int:
    if value is None:
        c.add(("year",), "缺少报告年度，例如 year: 2022")
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and 2008 <= value <= 2100:
        return value
    c.add(("year",), f"应为四位数年份（2008 年起），实际为 {_describe(value)}")
    return 0


def _format(value: Any, year: int, c: _Collector) -> int:
    """The official format: 2019 for report years before 2021, 2021 from 2021 on, unless
    the file says otherwise (2019 for 2021 on is an error; 2021 before 2021 a warning)."""
    usual = spec.FORMAT_2019 if 0 < year < spec.FIRST_YEAR_2021_FORMAT else spec.FORMAT_2021
    if value is None:
        return usual
    if not isinstance(value, int) or isinstance(value, bool) or value not in spec.FORMATS:
        choices = "或".join(f"{y}（{f.notice}）" for y, f in sorted(spec.FORMATS.items(), reverse=True))
        c.add(("format",), f"应为 {choices}，实际为 {_describe(value)}")
        return usual
    if year and value != usual and value == spec.FORMAT_2019:
        c.add(("format",), f"2019 格式（{spec.NOTICE_2019}）只用于 2019、2020 年度报告；"
              f"{year} 年度报告应使用 2021 格式（{spec.NOTICE_2021}），请改为 format: 2021 或删去 format")
    elif year and value != usual:
        c.add(("format",), f"{year} 年度报告通常使用 2019 格式（{spec.NOTICE_2019}）；"
              f"2021 格式从 2021 年度起使用。如确需按 2021 格式重新发布，可忽略本提示", "F2")
    return int(value)


def _agency(value: Any, c: _Collector) -> str:
    if value is None:
        c.add(("agency",), "缺少机关全称，例如 agency: 某某县某某镇人民政府")
        return ""
    return _text(value, ("agency",), c, required=True, limit=MAX_LINE)


def _date(value: Any, c: _Collector) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    c.add(("date",), f"应为日期，写作 2023-01-16，实际为 {_describe(value)}")
    return None


def build_report(raw: Any, source: Optional[Path] = None) -> Report:
    """Validate parsed data and return the `Report`, or raise `DataError` listing every problem."""
    c = _Collector()
    data = _mapping(raw, (), tuple(spec.TOP_LEVEL_LABELS), c) if raw is not None else {}
    if raw is not None and not isinstance(raw, dict):
        raise DataError(str(source or ""), c.problems)
    year = _year(data.get("year"), c)
    fmt_year = c.format = _format(data.get("format"), year, c)
    fmt = spec.FORMATS[fmt_year]
    agency = _agency(data.get("agency"), c)
    template = _text(data["template"], ("template",), c, required=True, limit=MAX_LINE) if "template" in data else None
    title = _text(data.get("title"), ("title",), c, limit=MAX_LINE) or f"{agency}{year}年{spec.REPORT_NAME}"
    date = _date(data.get("date"), c)
    narrative = _narrative(data, c)
    if "format" not in data:
        _other_format_hint(data.get("proactive"), fmt_year, year, c)
    tables = (_validate_proactive(data.get("proactive"), fmt, c),
              _validate_applications(data.get("applications"), fmt, c),
              _validate_reviews(data.get("reviews"), c))
    if c.errors():
        raise DataError(str(source or ""), c.problems)
    return Report(year, agency, fmt_year, template, title, date, narrative, *tables,
                  given_totals=c.given_totals, warnings=c.warnings(), source=source)


def _proactive_keys(fmt: spec.FormatSpec) -> set[str]:
    return {key for block in fmt.proactive for key, _ in block.rows} | {
        f.key for block in fmt.proactive for f in block.fields if f.key}


def _other_format_hint(raw: Any, fmt_year: int, year: int, c: _Collector) -> None:
    """When 二's keys belong to the other format only (a 2019-format file with year 2021),
    say so once, before the unknown-key errors that follow."""
    if not isinstance(raw, dict):
        return
    written = set(raw) | {k for v in raw.values() if isinstance(v, dict) for k in v}
    (other_year, other), = ((y, f) for y, f in spec.FORMATS.items() if y != fmt_year)
    only_other = written & (_proactive_keys(other) - _proactive_keys(spec.FORMATS[fmt_year]))
    if only_other:
        keys = "、".join(sorted(only_other)[:4])
        c.add(("format",), f"{spec.TOP_LEVEL_LABELS['proactive']} 用了 {other_year} 格式的键（{keys}），而 {year} 年度默认 "
              f"{fmt_year} 格式；请按 {fmt_year} 格式改写这张表，或写明 format: {other_year}")


def _narrative(data: dict, c: _Collector) -> dict[str, tuple[Paragraph, ...]]:
    narrative = {}
    for key_path, _ in spec.NARRATIVE_FIELDS:
        value: Any = data
        for key in key_path:
            value = value.get(key) if isinstance(value, dict) else None
        narrative[".".join(key_path)] = _blocks(value, key_path, c)
    return narrative


def load_report(path: Path | str) -> Report:
    """Read and validate a data file; raise `DataError` listing every problem at once."""
    path = Path(path)
    try:
        return build_report(read_data(path), source=path)
    except DataError as exc:
        exc.source = str(path)
        raise
