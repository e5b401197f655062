"""How the report writes numbers in words: the Chinese numerals of its headings （一）（二）….

    chinese_number(1)    → 一        chinese_number(10)   → 十
    chinese_number(15)   → 十五      chinese_number(100)  → 一百
    chinese_number(101)  → 一百零一  chinese_number(110)  → 一百一十
    chinese_number(10001) → 一万零一
"""

from __future__ import annotations

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
