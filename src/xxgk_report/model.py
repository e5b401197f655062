"""The report data: a data file read and validated against the spec, into a `Report`.

`load_report(path)` returns a `Report` whose `values` hold every value field of its format
(0 when left out, every total computed), with the narrative flattened into numbered
paragraphs; or raises `DataError` listing every problem of the file at once, each with its
key path and the official Chinese label.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from . import spec
from .errors import DataError, Problem
from .messages import Collector, describe, field_label, format_path, mapping
from .narrative import MAX_LINE, Kind, Paragraph, clean_text, narrative
from .reader import LocatedData, read_data
from .values import Value, table_values

__all__ = ["Kind", "Paragraph", "Report", "Value", "build_report", "field_label", "format_path", "load_report"]


@dataclass(frozen=True)
class Report:
    """A validated report: every value of its format's tables, narrative numbered."""

    year: int
    agency: str
    format: int
    #: the template the data file names (a variant name or a .docx path), or None
    template: Optional[str]
    title: str
    date: Optional[dt.date]
    #: narrative by key path ("preamble", "overview", "proactive.text", …)
    narrative: Mapping[str, tuple[Paragraph, ...]]
    #: every value field of the format by key ("applications.received.natural"), in table order
    values: Mapping[str, Value]
    #: totals written in the data file (to copy a published report), by key; `checks`
    #: compares them with the computed ones (rules A2, A3, B1)
    given_totals: Mapping[str, int] = field(default_factory=dict)
    #: warnings found while reading the file (rules T1, T2)
    warnings: tuple[Problem, ...] = ()
    source: Optional[Path] = None
    #: who filled in the data (spec.CONTACT_LABELS: name, phone), never printed
    contact: Mapping[str, str] = field(default_factory=dict)
    #: where a workbook holds each value and paragraph (format_path → 「表三!E14」)
    locations: Mapping[str, str] = field(default_factory=dict)
    #: the cells a report read back could not give (field keys): 0 in `values`, but never
    #: checked as 0, and never printed in a final report
    unread: tuple[str, ...] = ()
    #: read from a published report (.docx, .pdf, a web page…) rather than a data file
    read_back: bool = False

    @property
    def coverage(self) -> str:
        """「读出 185/200 格」 for a report read back; "" for a data file."""
        total = len(self.spec.fields)
        return f"读出 {total - len(self.unread)}/{total} 格" if self.read_back else ""

    @property
    def spec(self) -> spec.FormatSpec:
        return spec.FORMATS[self.format]

    @functools.cached_property
    def tables(self) -> dict[str, Any]:
        """The values as the data tree nests them: {"proactive": {"rules": {"issued": 1, …}}, …}."""
        return spec.nest(self.values)


def _year(value: Any, c: Collector) -> int:
    if value is None:
        c.add(("year",), "缺少报告年度，例如 year: 2022")
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and 2008 <= value <= 2100:
        return value
    c.add(("year",), f"应为四位数年份（2008 年起），实际为 {describe(value)}")
    return 0


def _format(value: Any, year: int, c: Collector) -> int:
    """The official format: 2019 for report years before 2021, 2021 from 2021 on, unless
    the file says otherwise (2019 for 2021 on is an error; 2021 before 2021 a warning)."""
    usual = spec.FORMAT_2019 if 0 < year < spec.FIRST_YEAR_2021_FORMAT else spec.FORMAT_2021
    if value is None:
        return usual
    if not isinstance(value, int) or isinstance(value, bool) or value not in spec.FORMATS:
        choices = "或".join(f"{y}（{f.notice}）" for y, f in sorted(spec.FORMATS.items(), reverse=True))
        c.add(("format",), f"应为 {choices}，实际为 {describe(value)}")
        return usual
    if year and value != usual and value == spec.FORMAT_2019:
        c.add(("format",), f"2019 格式（{spec.NOTICE_2019}）只用于 2019、2020 年度报告；"
              f"{year} 年度报告应使用 2021 格式（{spec.NOTICE_2021}），请改为 format: 2021 或删去 format")
    elif year and value != usual:
        c.add(("format",), f"{year} 年度报告通常使用 2019 格式（{spec.NOTICE_2019}）；"
              f"2021 格式从 2021 年度起使用。如确需按 2021 格式重新发布，可忽略本提示", "F2")
    return int(value)


def _agency(value: Any, c: Collector) -> str:
    if value is None:
        c.add(("agency",), "缺少机关全称，例如 agency: 某某县某某镇人民政府")
        return ""
    return clean_text(value, ("agency",), c, required=True, limit=MAX_LINE)


def _date(value: Any, c: Collector) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    c.add(("date",), f"应为日期，写作 2023-01-16，实际为 {describe(value)}")
    return None


def _contact(value: Any, c: Collector) -> dict[str, str]:
    """Who filled in the data: {name, phone}, each one line of text (left out: nobody named)."""
    given = mapping(value, ("contact",), tuple(spec.CONTACT_LABELS), c) if value is not None else {}
    return {key: text for key in spec.CONTACT_LABELS
            if (text := clean_text(given.get(key), ("contact", key), c, limit=MAX_LINE))}


def _unread(value: Any, fmt: spec.FormatSpec, c: Collector) -> tuple[str, ...]:
    """The cells a report read back could not give: keys of the format's value fields."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(("unread",), f"应为格子的列表（如 - applications.received.natural），实际为 {describe(value)}")
        return ()
    known = {f.key for f in fmt.fields}
    for i, key in enumerate(value):
        if key not in known:
            c.add(("unread", i), f"“{key}” 不是 {fmt.year} 格式表格中的格子")
    return tuple(f.key for f in fmt.fields if f.key in set(value))


def build_report(raw: Any, source: Optional[Path] = None) -> Report:
    """Validate parsed data and return the `Report`, or raise `DataError` listing every problem."""
    c = Collector()
    data = mapping(raw, (), tuple(spec.TOP_LEVEL_LABELS), c) if raw is not None else {}
    if raw is not None and not isinstance(raw, dict):
        raise DataError(str(source or ""), c.listed())
    if isinstance(raw, LocatedData):
        c.locations = raw.locations
    year = _year(data.get("year"), c)
    fmt_year = c.format = _format(data.get("format"), year, c)
    for note in getattr(raw, "notes", ()):
        if isinstance(note, Problem):
            c.problems.append(note)
        else:
            c.add(*note)
    agency = _agency(data.get("agency"), c)
    template = clean_text(data["template"], ("template",), c, required=True, limit=MAX_LINE) \
        if "template" in data else None
    title = clean_text(data.get("title"), ("title",), c, limit=MAX_LINE) or f"{agency}{year}年{spec.REPORT_NAME}"
    date = _date(data.get("date"), c)
    contact = _contact(data.get("contact"), c)
    paragraphs = narrative(data, c)
    if "format" not in data:
        _other_format_hint(data.get("proactive"), fmt_year, year, c)
    values = table_values(data, spec.FORMATS[fmt_year], c)
    unread = _unread(data.get("unread"), spec.FORMATS[fmt_year], c)
    if c.failed:
        raise DataError(str(source or ""), c.listed())
    return Report(year, agency, fmt_year, template, title, date, paragraphs, values,
                  given_totals=c.given_totals, warnings=c.warnings(), source=source, contact=contact,
                  locations=c.locations, unread=unread, read_back=getattr(raw, "read_back", False))


def _proactive_keys(fmt: spec.FormatSpec) -> set[str]:
    """The keys of 二 in a data file of format `fmt`: its rows' and its fields'."""
    return {f.path[1] for f in fmt.fields if f.table == "proactive"} | {
        f.path[2] for f in fmt.fields if f.table == "proactive" and len(f.path) > 2}


def _other_format_hint(raw: Any, fmt_year: int, year: int, c: Collector) -> None:
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


def load_report(path: Path | str) -> Report:
    """Read and validate a data file; raise `DataError` listing every problem at once."""
    path = Path(path)
    try:
        return build_report(read_data(path), source=path)
    except DataError as exc:
        exc.source = str(path)
        raise
