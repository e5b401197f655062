"""Opening a workbook to read it: the file's size and kind checked, its package unzipped within
bounds, its sheets scanned (`scan`), then their cells read by python-calamine, all in a worker
process with a time and memory limit (`pool.bounded`): a hostile workbook ends that worker with
a message, never the program.

    grids = open_grids(Path("2023.xlsx"))   # {sheet name: Grid}, or DataError
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import DataError
from ..files import MAX_DOCUMENT_FILE, InputError, read_bounded, unzip
from ..package import UnsafeXML
from ..pool import Lost, bounded
from ..rules import RULES
from .cells import Grid
from .scan import TooLarge, scan

#: the longest reading one workbook may take (a filled one takes 10 ms)
TIMEOUT = 60.0
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_MESSAGE = ("这是旧版 Excel（.xls）、WPS 表格（.et）文件，或设置了打开密码的工作簿，无法读取；"
                "请在 Excel 或 WPS 中去掉打开密码（如有），“另存为” Excel 工作簿（.xlsx）后再试")
_DAMAGED = "工作簿已损坏或含有不支持的内容，无法读取（{}）；请在 Excel 或 WPS 中打开后另存为 .xlsx"


class _Refused(Exception):
    """A workbook that cannot be read at all: one message."""


def open_grids(path: Path) -> dict[str, Grid]:
    """The cells of every sheet of the workbook at `path`, by sheet name; DataError (W2) with
    one message when it cannot be read."""
    def lost(why: Lost) -> str:
        if why.timed_out:
            return f"读取工作簿超过 {TIMEOUT:g} 秒，已停止（文件异常复杂或已损坏）"
        return "读取工作簿时内存超过上限或进程意外退出（文件异常复杂或已损坏），已停止；请在 Excel 或 WPS 中另存后再试"
    found = bounded(_sheets, str(path), TIMEOUT, lost)
    if isinstance(found, str):
        raise DataError(str(path), [RULES["W2"].problem("", (), found)])
    return {name: Grid(name, rows, formulas, errors) for name, (rows, formulas, errors) in found.items()}


def _sheets(path: str) -> Any:
    """{sheet name: (rows, formulas, errors)}, or why the workbook cannot be read."""
    try:
        return _read(Path(path))
    except _Refused as exc:
        return str(exc)
    except MemoryError:
        return "读取工作簿时内存超过上限（文件异常复杂或已损坏），已停止；请在 Excel 或 WPS 中另存后再试"


def _read(path: Path) -> dict[str, tuple]:
    import python_calamine  # noqa: PLC0415 (only a workbook needs it)
    try:
        blob = read_bounded(path, MAX_DOCUMENT_FILE, "工作簿")
        if blob.startswith(_OLE):
            raise _Refused(_OLE_MESSAGE)
        parts = unzip(blob, path, "工作簿", kind=".xlsx")
        if "xl/workbook.xml" not in parts:
            raise _Refused("这不是 Excel 工作簿（.xlsx），其中没有工作簿的内容；请用 make-report init -o 文件.xlsx 生成填报表")
        if any("vbaproject" in name.lower() for name in parts):
            raise _Refused("工作簿中含有宏（VBA）；填报表不需要宏，请另存为不含宏的 .xlsx")
        sheets = scan(parts)
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(blob))
        return {name: (book.get_sheet_by_name(name).to_python(skip_empty_area=False), sheet.formulas, sheet.errors)
                for name, sheet in sheets.items()}
    except (InputError, TooLarge) as exc:
        raise _Refused(str(exc)) from None
    except UnsafeXML:
        raise _Refused(_DAMAGED.format("含有文档类型声明或 XML 实体")) from None
    except etree.XMLSyntaxError:
        raise _Refused(_DAMAGED.format("XML 格式错误")) from None
    except python_calamine.PasswordError:
        raise _Refused(_OLE_MESSAGE) from None
    except (python_calamine.CalamineError, ValueError, KeyError, OverflowError):
        raise _Refused(_DAMAGED.format("表格内容无法解析")) from None
