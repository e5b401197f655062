"""Writing the fill-in workbook (.xlsx) with XlsxWriter: a sheet per official table laid out as
the official table, 基本信息 and 正文.

    blob = workbook_bytes(data, fmt)        # data: a data mapping (datafile.NewData.data())

Label cells are locked and the sheets protected without a password, so Tab walks the inputs
and a label cannot be typed over; every input is shaded and validated with a Chinese prompt;
each 总计 is a formula written with its value, so that every program shows it on opening.
The same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from typing import Any, Iterable, Optional

import xlsxwriter

from .. import spec
from ..formatting import text_width
from . import layout
from .styles import Styles, validation

#: the date the workbook says it was made: fixed, so that the same data gives the same bytes
_CREATED = dt.datetime(2021, 1, 1)
#: points per line of wrapped text, and Excel's width units per full-width character
_LINE_HEIGHT = 16.5
_UNITS_PER_CHAR = 2.1
#: most text a cell holds (Excel: 32767 characters)
_CELL_TEXT = 32_000
#: twips of an official table's column per Excel width unit, and the narrowest value column
_TWIPS_PER_UNIT = 80
_MIN_VALUE_WIDTH = 7.5


def workbook_bytes(data: dict[str, Any], fmt: spec.FormatSpec, notes: Optional[dict] = None,
                   reminder: Iterable[str] = ()) -> bytes:
    """The workbook of a data mapping (valid data: a new file's, or a report's); `notes` by row
    path are written beside the rows, `reminder` (last year's 五) beside 五."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{data.get('agency', '')}{data.get('year', '')}年{spec.REPORT_NAME}填报表",
                         "author": "make-report", "created": _CREATED})
    styles = Styles(book)
    _info_sheet(book, styles, data)
    values = spec.flatten(data, fmt)
    for sheet in layout.sheet_tables(fmt):
        _table_sheet(book, styles, sheet, values, notes or {})
    _text_sheet(book, styles, data, list(reminder))
    book.close()
    return buffer.getvalue()


def _heading(ws, styles: Styles, sheet: str, last_col: int, hint: str) -> None:
    ws.merge_range(0, 0, 0, last_col, layout.HEADINGS[sheet], styles.heading)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last_col, hint, styles.hint)
    ws.set_row(1, _LINE_HEIGHT * 2)


def _protect(ws, rows: bool = False) -> None:
    """Protected without a password: labels locked, inputs not; widths may change."""
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                    "format_rows": True, "insert_rows": rows, "delete_rows": rows})


def _lines(text: str, width_units: float) -> int:
    """Lines a text wraps to in a cell `width_units` wide."""
    chars = max(1.0, width_units / _UNITS_PER_CHAR)
    return sum(max(1, math.ceil(text_width(line) / chars)) for line in text.split("\n"))


# ---------------------------------------------------------------------------
# 基本信息


def _info_sheet(book, styles: Styles, data: dict[str, Any]) -> None:
    ws = book.add_worksheet(layout.INFO_SHEET)
    widths = (14, 46, 60)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    _heading(ws, styles, layout.INFO_SHEET, 2, "浅黄色的格子是要填写的。填报人和联系电话不会印在报告中。")
    for col, name in enumerate(("项目", "内容", "说明")):
        ws.write_string(layout.INFO_TOP - 1, col, name, styles.header)
    for i, row in enumerate(layout.INFO_ROWS):
        r = layout.INFO_TOP + i
        ws.write_string(r, 0, row.label, styles.label)
        _info_value(ws, styles, r, row, _dig(data, row.path))
        ws.write_string(r, 2, row.hint, styles.note)
        ws.set_row(r, _LINE_HEIGHT * max(_lines(row.hint, widths[2]), 1) + 4)
    for i, line in enumerate(layout.INFO_HOW):
        ws.write_string(layout.INFO_TOP + len(layout.INFO_ROWS) + 1 + i, 0, line,
                        styles.how_title if i == 0 else styles.how)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()
    _protect(ws)


def _info_value(ws, styles: Styles, r: int, row: layout.InfoRow, value: Any) -> None:
    if row.locked:
        ws.write_number(r, 1, value, styles.fixed)
        return
    if row.kind == "year":
        ws.write_number(r, 1, value, styles.input_count) if isinstance(value, int) else ws.write_blank(r, 1, None, styles.input_count)
    elif row.kind == "date":
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), styles.input_date)
        else:
            ws.write_blank(r, 1, None, styles.input_date)
    elif row.kind == "list":
        ws.write_string(r, 1, "、".join(value or []), styles.input_text)
    elif value is None or value == "":
        ws.write_blank(r, 1, None, styles.input_text)
    else:
        ws.write_string(r, 1, str(value), styles.input_text)
    ws.data_validation(r, 1, r, 1, validation(row.kind, row.label, row.hint))


def _dig(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


# ---------------------------------------------------------------------------
# 表二, 表三, 表四


def _table_sheet(book, styles: Styles, sheet: layout.SheetTable, values: dict[str, Any], notes: dict) -> None:
    ws = book.add_worksheet(sheet.sheet)
    widths = _column_widths(sheet.table)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_column(sheet.note_col, sheet.note_col, 36)
    totals = "；灰色的总计自动计算，不必填写" if any(f.computed for f, _ in sheet.fields) else ""
    _heading(ws, styles, sheet.sheet, sheet.table.n_cols - 1, f"浅黄色的格子填写数字（没有的填 0）{totals}。")
    heights: dict[int, float] = {}
    for cell, (r, c) in sheet.labels:
        style = styles.header if cell.header else styles.label
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_range(r, c, r + cell.rowspan - 1, c + cell.colspan - 1, cell.text, style)
        else:
            ws.write_string(r, c, cell.text, style)
        lines = _lines(cell.text, sum(widths[c:c + cell.colspan]) - 1)
        per_row = lines * _LINE_HEIGHT / cell.rowspan + 6
        heights[r] = max(heights.get(r, _LINE_HEIGHT + 6), per_row)
    for field, (r, c) in sheet.fields:
        _value_cell(ws, styles, sheet, field, (r, c), values)
    for row in sheet.fmt.rows(sheet.key):
        if row.path in notes:
            r = sheet.fields[[f for f, _ in sheet.fields].index(row.fields[0])][1][0]
            ws.write_string(r, sheet.note_col, notes[row.path], styles.note)
    for r, height in heights.items():
        ws.set_row(r, height)
    ws.freeze_panes(layout.TABLE_TOP + sheet.table.header_rows, 0)
    _print_setup(ws, sheet)
    _protect(ws)


def _column_widths(table: spec.TableSpec) -> list[float]:
    """Excel widths of the official table's columns: its proportions, value columns at least
    wide enough for a number and a short label."""
    label_cols = {c.col for c in table.cells if c.field is None and not c.header}
    return [max(twips / _TWIPS_PER_UNIT, _MIN_VALUE_WIDTH if col not in label_cols else 6)
            for col, twips in enumerate(table.widths)]


def _value_cell(ws, styles: Styles, sheet: layout.SheetTable, field: spec.ValueField, at: tuple[int, int],
                values: dict[str, Any]) -> None:
    r, c = at
    value = values.get(field.key)
    if field.computed and value is None:  # a total: a formula, with its value for programs that show it as is
        ws.write_formula(r, c, sheet.formula(field), styles.total, _shown(field.key, sheet.fmt, values))
        return
    if field.computed:  # a total the data wrote (to copy a published report): kept as typed
        ws.write_number(r, c, value, styles.input_count)
    elif field.kind == spec.DECIMAL:
        _amount(ws, styles, r, c, Decimal(value if value is not None else 0))
    elif field.kind == spec.TEXT:
        ws.write_string(r, c, str(value if value is not None else ""), styles.input_text)
    else:
        ws.write_number(r, c, value or 0, styles.input_count)
    ws.data_validation(r, c, r, c, validation(field.kind, field.column_label, field.label))


def _shown(key: str, fmt: spec.FormatSpec, values: dict[str, Any]) -> Any:
    """What a cell shows once calculated: its value, or the sum of the cells its formula adds."""
    if key in values:
        return values[key]
    return sum(_shown(part, fmt, values) for part in fmt.field(key).total_of)


def _amount(ws, styles: Styles, r: int, c: int, amount: Decimal) -> None:
    """An amount in 万元 as a number, or as text when a number would not show the digits written
    (12.50, whose 0 a number drops; more than 15 significant digits)."""
    written = format(amount, "f")
    number = float(amount)
    shown = str(int(number)) if number.is_integer() else repr(number)
    if shown != written:
        ws.write_string(r, c, written, styles.input_amount_text)
    else:
        ws.write_number(r, c, number, styles.input_amount)


def _print_setup(ws, sheet: layout.SheetTable) -> None:
    ws.set_paper(9)
    if sheet.table.n_cols > 10:  # 四's 15 columns; 二 and 三 print upright, as the report does
        ws.set_landscape()
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.print_area(0, 0, sheet.bottom - 1, sheet.table.n_cols - 1)
    ws.repeat_rows(layout.TABLE_TOP, layout.TABLE_TOP + max(sheet.table.header_rows, 1) - 1)


# ---------------------------------------------------------------------------
# 正文


def _rows_of(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(部分, 写法, 小标题, 正文) of every block, in the report's order; a heading's paragraphs
    one per line (split over rows when a cell cannot hold them)."""
    rows = []
    for section in layout.SECTIONS:
        blocks = _dig(data, section.path) or []
        for block in [blocks] if isinstance(blocks, str) else blocks:
            if isinstance(block, dict) and "text" in block:
                rows.append((section.name, layout.RUNIN, block.get("title") or "", block.get("text") or ""))
            elif isinstance(block, dict):
                paragraphs = block.get("paragraphs") or []
                paragraphs = [paragraphs] if isinstance(paragraphs, str) else paragraphs
                chunks = _chunks([p or "" for p in paragraphs])
                rows.append((section.name, layout.HEADED, block.get("title") or "", chunks[0]))
                rows += [(section.name, layout.PLAIN, "", chunk) for chunk in chunks[1:]]
            else:
                rows.append((section.name, layout.PLAIN, "", block or ""))
    return rows


def _chunks(paragraphs: list[str]) -> list[str]:
    """Paragraphs joined by line breaks, in as few cells as hold them."""
    chunks = [""]
    for paragraph in paragraphs:
        joined = f"{chunks[-1]}\n{paragraph}" if chunks[-1] else paragraph
        if len(joined) > _CELL_TEXT and chunks[-1]:
            chunks.append(paragraph)
        else:
            chunks[-1] = joined
    return chunks


def _text_sheet(book, styles: Styles, data: dict[str, Any], reminder: list[str]) -> None:
    ws = book.add_worksheet(layout.TEXT_SHEET)
    _heading(ws, styles, layout.TEXT_SHEET, layout.BODY_COL, "每行一段，或一个小标题及其下的各段（格内换行即另起一段）。"
             "“写法”：段落；小标题单独一行（其下各段在“正文”中）；小标题在段首（如“（一）提升质量。在……”）。"
             "小标题的序号（一）（二）由工具自动加上。可以插入行。")
    for col, (name, width) in enumerate(layout.TEXT_COLUMNS):
        ws.set_column(col, col, width)
        ws.write_string(layout.TEXT_HEADER, col, name, styles.header)
    rows = _rows_of(data)
    for i, (section, style, title, body) in enumerate(rows):
        r = layout.TEXT_TOP + i
        ws.write_string(r, layout.SECTION_COL, section, styles.input_text)
        ws.write_string(r, layout.STYLE_COL, style, styles.input_text)
        ws.write_string(r, layout.TITLE_COL, title, styles.input_text)
        ws.write_string(r, layout.BODY_COL, body, styles.input_text)
        reference = "\n".join(reminder) if section == layout.SECTIONS[5].name and reminder else ""
        ws.write_string(r, layout.REFERENCE_COL, reference, styles.note)
        if reminder and reference:
            reminder = []
        ws.set_row(r, min(409, _LINE_HEIGHT * max(_lines(body, 90), _lines(reference, 40)) + 4))
    end = layout.TEXT_TOP + len(rows) + layout.TEXT_SPARE_ROWS
    for r in range(layout.TEXT_TOP + len(rows), end):
        for col in range(layout.REFERENCE_COL):
            ws.write_blank(r, col, None, styles.input_text)
    ws.data_validation(layout.TEXT_TOP, 0, end - 1, 0, validation("section"))
    ws.data_validation(layout.TEXT_TOP, 1, end - 1, 1, validation("style"))
    ws.freeze_panes(layout.TEXT_TOP, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, end - 1, layout.BODY_COL)
    ws.repeat_rows(layout.TEXT_HEADER)
    _protect(ws, rows=True)
