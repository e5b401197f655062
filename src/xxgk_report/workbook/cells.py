"""The cells of a sheet as the reader sees them, and what a cell holds as a value of the data:
numbers typed as text read as numbers (「 12 」「１２」「1,006」), a formula kept as a formula
(for the model to refuse in an input), never as its result."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from .. import spec
from ..reader import CellError, FormulaText
from ..values import AMOUNT_PATTERN


class Grid:
    """A sheet's cells as calamine reads them (rows of values, "" for an empty cell), with the
    cells that hold a formula, by (row, col) counted from 0."""

    def __init__(self, title: str, rows: list[list[Any]], formulas: dict[tuple[int, int], str],
                 errors: dict[tuple[int, int], str] | None = None) -> None:
        self.title = title
        self.rows = rows
        self.formulas = formulas
        #: the error value (#N/A) of each cell showing one: calamine gives them as blanks
        self.errors = errors or {}

    def value(self, row: int, col: int) -> Any:
        """What a cell holds (a formula: its last result); None when it is empty."""
        if row >= len(self.rows) or col >= len(self.rows[row]):
            return None
        value = self.rows[row][col]
        return None if value == "" else value

    def text(self, row: int, col: int) -> str:
        """What a cell shows as text ("" when empty)."""
        value = self.value(row, col)
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def filled(self, first_row: int, cols: int) -> list[int]:
        """The rows from `first_row` on with something in their first `cols` columns."""
        return [r for r in range(first_row, len(self.rows)) if any(self.value(r, c) is not None for c in range(cols))]

    def find(self, text: str) -> list[tuple[int, int]]:
        """Every cell showing `text` (whitespace aside)."""
        wanted = squeeze(text)
        return [(r, c) for r, row in enumerate(self.rows) for c, value in enumerate(row)
                if isinstance(value, str) and squeeze(value) == wanted]


def squeeze(text: str) -> str:
    """A label compared without its whitespace (a line break typed into it, spaces)."""
    return _SPACES.sub("", text)


_SPACES = re.compile(r"\s+")


_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")
_AMOUNT = re.compile(AMOUNT_PATTERN)
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def cell_value(grid: Grid, at: tuple[int, int], kind: str) -> Any:
    """The value a cell gives a field of `kind` (a spec kind, or "year", "date", "text" of
    基本信息); None for a blank cell. A formula is a `FormulaText`, never its result; what is not
    a value of the kind is given as it is, for the model to name in its message."""
    value = grid.value(*at)
    if at in grid.formulas:
        return FormulaText("=" + (grid.formulas[at] or "…"))
    if at in grid.errors:
        return CellError(grid.errors[at])
    if value is None:
        return None
    if isinstance(value, str):
        return _from_text(value, kind) if value.strip() else None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return value
    if kind in (spec.TEXT, "text"):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value)) if kind == spec.DECIMAL else int(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _from_text(text: str, kind: str) -> Any:
    """A number typed as text, read as the number: 「 12 」「１２」「1,006」「−2」."""
    plain = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if kind in (spec.COUNT, spec.SIGNED, "year"):
        digits = _THOUSANDS.sub("", plain)
        return int(digits) if _INTEGER.fullmatch(digits) else text
    if kind == spec.DECIMAL:
        digits = _THOUSANDS.sub("", plain)
        return digits if _AMOUNT.fullmatch(digits) else text
    if kind == "date":
        match = _DATE.fullmatch(plain)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                return text
    return text
