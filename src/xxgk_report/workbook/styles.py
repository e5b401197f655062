"""The look of the fill-in workbook (cell formats) and the data validation of its inputs, with
the prompts and errors a clerk reads in Chinese."""

from __future__ import annotations

import datetime as dt

from .. import spec
from ..values import MAX_COUNT
from . import layout

_FONT = "宋体"
#: the light shade of a cell to fill in, and the grey of a computed one
_INPUT_FILL = "#FFF5CC"
_TOTAL_FILL = "#E7E6E6"


class Styles:
    """The cell formats of one workbook."""

    def __init__(self, book) -> None:
        base = {"font_name": _FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True}
        ruled = {**base, "border": 1}
        add = book.add_format
        self.heading = add({**base, "bold": True, "font_size": 14, "align": "center", "font_name": "黑体"})
        self.hint = add({**base, "font_color": "#595959", "align": "left"})
        self.header = add({**ruled, "align": "center", "bold": True})
        self.label = add({**ruled, "align": "left"})
        self.note = add({**base, "font_color": "#7F7F7F", "italic": True, "align": "left", "valign": "top"})
        self.how_title = add({**base, "bold": True, "text_wrap": False})
        self.how = add({**base, "text_wrap": False})
        self.fixed = add({**ruled, "align": "left", "bg_color": _TOTAL_FILL, "num_format": "0"})
        unlocked = {**ruled, "locked": False, "bg_color": _INPUT_FILL}
        self.input_count = add({**unlocked, "align": "center", "num_format": "0"})
        self.input_text = add({**unlocked, "align": "left", "valign": "top", "num_format": "@"})
        self.input_date = add({**unlocked, "align": "left", "num_format": "yyyy-mm-dd"})
        self.total = add({**ruled, "align": "center", "bold": True, "bg_color": _TOTAL_FILL, "num_format": "0"})
        self.input_amount = add({**unlocked, "align": "center", "num_format": "General"})
        self.input_amount_text = add({**unlocked, "align": "center", "num_format": "@"})


#: What may be typed into each kind of input: (validation, the rule in the error message)
_RULES = {
    spec.COUNT: ({"validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_COUNT},
                 "填写件数：0 或正整数（没有的填 0）"),
    spec.SIGNED: ({"validate": "integer", "criteria": "between", "minimum": -MAX_COUNT, "maximum": MAX_COUNT},
                  "填写整数：增加写正数，减少写负数（如 -2）"),
    spec.DECIMAL: ({"validate": "decimal", "criteria": ">=", "value": 0},
                   "填写金额（万元）：0 或正数，可有小数，如 12.5"),
    spec.TEXT: ({"validate": "length", "criteria": "<=", "value": 300}, "填写文字，按原样印出"),
    "year": ({"validate": "integer", "criteria": "between", "minimum": 2008, "maximum": 2100}, "填写四位数的年份，如 2023"),
    "date": ({"validate": "date", "criteria": "between", "minimum": dt.date(2008, 1, 1),
              "maximum": dt.date(2101, 12, 31)}, "填写日期，如 2024-01-20"),
    "text": ({"validate": "length", "criteria": "<=", "value": 300}, "最多 300 个字"),
    "list": ({"validate": "any"}, "格子的键，以顿号分隔"),
    "section": ({"validate": "list", "source": [s.name for s in layout.SECTIONS]}, "从列表中选择这一行属于哪一部分"),
    "style": ({"validate": "list", "source": list(layout.STYLES)},
              "从列表中选择：段落；小标题单独一行；小标题在段首。不选时：有小标题为“小标题单独一行”，否则为“段落”"),
}


def validation(kind: str, title: str = "", label: str = "") -> dict:
    """The data validation of an input of `kind`, its prompt naming the cell's official label."""
    rule, message = _RULES[kind]
    prompt = f"{label}：{message}" if label else message
    return {**rule, "input_title": _fit(title or "填写说明", 32), "input_message": _fit(prompt, 255),
            "error_title": "填写有误", "error_message": _fit(message, 255), "error_type": "stop"}


def _fit(text: str, limit: int) -> str:
    """Excel's limits on a validation's texts (in characters)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
