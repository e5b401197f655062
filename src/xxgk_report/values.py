"""The values of a report's three tables: read from the data file by the spec's fields,
validated, and the totals computed.

    values = table_values(data, fmt, collector)   # {"applications.received.natural": 5, …}

Every value field of the format is in the result: a value the file leaves out is 0, and each
computed one (a row's 总计, （七）总计, a 复议/诉讼 总计) is the sum of what it adds up. A total
the file writes (to copy a published report) is kept in `collector.given_totals` for the
checks (A2, A3, B1) to compare.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional, Union

from . import spec
from .messages import Collector, describe, mapping
from .narrative import clean_text
from .reader import HugeNumber, NumberText

#: a value of the tables: a count, an amount in 万元, or text (2019's 采购总金额)
Value = Union[int, Decimal, str]

#: No count in any real report comes near this (淮安市 2024: 行政处罚 3985758).
MAX_COUNT = 10**12 - 1


def _count(value: Any, path: tuple, c: Collector) -> int:
    """Return a non-negative integer count, or report it and return 0."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    if isinstance(value, HugeNumber) or (isinstance(value, int) and not isinstance(value, bool) and value > MAX_COUNT):
        c.add(path, "数字过大：计数最多 12 位，请核对", "V1")
    else:
        c.add(path, f"应为非负整数，实际为 {describe(value)}", "V1")
    return 0


def _signed(value: Any, path: tuple, c: Collector) -> int:
    """Return an integer that may be negative (2019: 本年增/减), or report it and return 0."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_COUNT:
        return value
    hint = ""
    if isinstance(value, str) and re.fullmatch(r"\s*[−－–—]\s*\d+\s*", value):
        hint = "；其中的负号不是半角减号（从 PDF 或 Word 复制来的？），请改为 -" + re.sub(r"\D", "", value)
    c.add(path, f"应为整数（减少写负数，如 -2），实际为 {describe(value)}{hint}", "V1")
    return 0


#: How an amount in 万元 is written, in a data file and in its JSON Schema alike: digits, and
#: a fraction after a point; as a number, or as text to keep trailing zeros ("12.50").
AMOUNT_PATTERN = r"[0-9]+(\.[0-9]+)?"
_AMOUNT = re.compile(AMOUNT_PATTERN)


def _amount(value: Any, path: tuple, c: Collector) -> Decimal:
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
              f"小数最多 12 位），实际为 {describe(value)}", "V2")
        return Decimal(0)
    return number.copy_abs()  # -0 prints as 0


#: A `total` that the data file leaves out (unlike `total: null`, a blank cell).
_ABSENT = object()


def _given_total(given: Any, path: tuple, c: Collector) -> None:
    """Keep a `total` written in the data, for the checks to compare with the computed one."""
    if given is _ABSENT:
        return
    if given is None:
        c.add(path, "总计为空（已公布报告中的空白格？）；请删去 total（总计会自动计算），或填写数字", "V1")
        return
    before = len(c.problems)
    value = _count(given, path, c)
    if len(c.problems) == before:
        c.given_totals[".".join(path)] = value




def _value(kind: str, value: Any, path: tuple, c: Collector) -> Value:
    """A value of the field's kind (a cell left out is 0)."""
    if kind == spec.TEXT:  # a number written without quotes is text too: 251000 → "251000"
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            value = format(value, "f") if isinstance(value, Decimal) else repr(value) if isinstance(value, float) \
                else str(value)
        return clean_text(value, path, c) or "0"
    return {spec.COUNT: _count, spec.SIGNED: _signed, spec.DECIMAL: _amount}[kind](value, path, c)


def _containers(raw: Any, table: str, rows: tuple[spec.FieldRow, ...], c: Collector) -> dict[str, dict]:
    """The mappings a table's rows are in: the table's own, and each group of rows (三's
    （三）不予公开 …), unknown keys reported: the table first, then its groups, in order."""
    keys = ("text",) + tuple(dict.fromkeys(row.path[1] for row in rows))
    containers = {table: mapping(raw, (table,), keys, c)}
    for row in rows:
        group = row.path[1]
        if len(row.path) > 2 and group not in containers:
            items = tuple(r.path[2] for r in rows if len(r.path) > 2 and r.path[1] == group)
            containers[group] = mapping(containers[table].get(group), (table, group), items, c)
    return containers


def _row_values(row: spec.FieldRow, container: dict, values: dict[str, Value], c: Collector) -> None:
    """Read and validate one row's values (a total given in the file is kept for the checks)."""
    if row.single:
        field = row.fields[0]
        values[field.key] = _value(field.kind, container.get(row.path[-1], 0), field.path, c)
        return
    cells = mapping(container.get(row.path[-1]), row.path, tuple(f.path[-1] for f in row.fields), c)
    for field in row.fields:
        if not field.computed:
            values[field.key] = _value(field.kind, cells.get(field.path[-1], 0), field.path, c)
    for field in row.fields:
        if field.computed:
            _given_total(cells.get(field.path[-1], _ABSENT), field.path, c)


def table_values(data: dict, fmt: spec.FormatSpec, c: Collector) -> dict[str, Value]:
    """Every value field of `fmt`, read from the data mapping: the values the file gives
    (validated, 0 when left out), then the computed totals, in field order."""
    values: dict[str, Value] = {}
    for table, _ in spec.SECTIONS[1:4]:
        rows = fmt.rows(table)
        containers = _containers(data.get(table), table, rows, c)
        for row in sorted(rows, key=lambda r: r.computed):  # the rows of totals last
            _row_values(row, containers[row.path[1]] if len(row.path) > 2 else containers[table], values, c)
    return with_totals(values, fmt)


def with_totals(values: dict[str, Value], fmt: spec.FormatSpec) -> dict[str, Value]:
    """The values with every total computed from what it adds up, in field order."""
    values = dict(values)
    for field in fmt.fields:
        if field.computed:
            values[field.key] = sum(values[key] for key in field.total_of)
    return {field.key: values[field.key] for field in fmt.fields}
