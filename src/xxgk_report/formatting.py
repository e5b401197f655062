"""How the report writes what is not text: numbers, dates, numerals, the title's lines. The
.docx, the web page and the checks' messages all write them through here.

    format_number(Decimal("12.50")) → "12.50"     format_date(date(2023, 1, 16)) → "2023年1月16日"
    title_lines("某镇人民政府2022年政府信息公开工作年度报告", "某镇人民政府") → two lines

Chinese numerals, for the headings （一）（二）…:

    chinese_number(1)    → 一        chinese_number(10)   → 十
    chinese_number(15)   → 十五      chinese_number(100)  → 一百
    chinese_number(101)  → 一百零一  chinese_number(110)  → 一百一十
    chinese_number(10001) → 一万零一
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

_DIGITS = "零一二三四五六七八九"
_PLACES = ("", "十", "百", "千")
_GROUPS = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """A number 1–9999 in numerals, with 零 for the zeros between its digits."""
    out, gap = "", False
    for place in (3, 2, 1, 0):
        digit = number // 10**place % 10
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + _DIGITS[digit] + _PLACES[place]
        gap = False
    return out


def chinese_number(number: int) -> str:
    """The Chinese numeral of a positive integer, as a heading numbers it (up to 10**16)."""
    if not 0 < number < 10**16:
        raise ValueError(f"no Chinese numeral for {number}")
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _group(group) + _GROUPS[index]
        gap = False
    return text[1:] if text.startswith("一十") else text


def format_number(value: Any) -> str:
    """Print a count or an amount in full: 12 → "12", Decimal("12.50") → "12.50"."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def format_date(date: Optional[dt.date]) -> str:
    """成文日期 in full without leading zeros: 2023-01-16 → 「2023年1月16日」."""
    return f"{date.year}年{date.month}月{date.day}日" if date else ""


#: Characters of 2号 type in one line of the 156 mm 版心.
TITLE_LINE_WIDTH = 20


def text_width(text: str) -> float:
    """Printed width in full-width characters (ASCII letters and digits count half)."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def title_lines(title: str, agency: str) -> list[str]:
    """Break a long title after the agency's name, so that no word is split across lines
    (「某某镇人民政府」 / 「2022年政府信息公开工作年度报告」)."""
    rest = title[len(agency):]
    if text_width(title) <= TITLE_LINE_WIDTH or not title.startswith(agency) or not agency or not rest:
        return [title]
    return [agency, rest]
