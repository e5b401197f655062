"""What the data model says about a data file: findings labelled with the official labels.

    c = Collector()
    c.add(("applications", "received", "natural"), "应为非负整数，实际为 -1", "V1")
    # → 错误 V1 applications.received.natural「一、本年新收政府信息公开申请数量 / 自然人」：…

`field_label` names any key path (a value, a row, a section, a paragraph) as the official
format does; `describe` shows a wrong value as the user wrote it, never as Python does.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any

from . import spec
from .errors import ERROR, Problem
from .reader import CellError, FormulaText, HugeNumber, NumberText
from .rules import RULES


#: the most findings listed about one data file (the rest are counted): a file of a million
#: unknown keys is not a million lines to read
MAX_PROBLEMS = 500


class Collector:
    """Collects problems, labelling each key path from the spec."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.given_totals: dict[str, int] = {}
        self.format = spec.FORMAT_2021  # set once the file's format is known: labels differ
        self.omitted = 0
        self.omitted_errors = 0
        #: where a workbook holds each key path (format_path → 「表三!E14」), for messages
        self.locations: dict[str, str] = {}

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def add(self, path: tuple, message: str, rule: str = "D1") -> None:
        if self.full:
            self.omitted += 1
            self.omitted_errors += RULES[rule].severity == ERROR
            return
        label = field_label(path, self.format)
        where = format_path(path)
        self.problems.append(RULES[rule].problem(where, (label,) if label else (), message,
                                                 cell=locate(self.locations, path) if self.locations else ""))

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def failed(self) -> bool:
        """Whether the file has an error, listed or not."""
        return bool(self.omitted_errors) or any(p.is_error for p in self.problems)

    def listed(self) -> list[Problem]:
        """Every problem listed, and a last one saying how many more there are."""
        more = [RULES["D1"].problem("", (), f"另有 {self.omitted} 处问题未列出（只列出前 {MAX_PROBLEMS} 处）")]
        return self.problems + (more if self.omitted else [])

    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)


def locate(locations: dict[str, str], path: tuple) -> str:
    """The workbook cell of a key path, or of its nearest parent that has one ("" if none)."""
    for end in range(len(path), 0, -1):
        cell = locations.get(format_path(path[:end]))
        if cell:
            return cell
    return ""


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


def describe(value: Any) -> str:
    """How a wrong value is shown in a message: as the user wrote it, never a Python repr."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, CellError):
        return f"错误值 {value[:20]}（请改为数字或文字）"
    if isinstance(value, FormulaText):
        return f"公式 “{value[:40]}”（请直接填写，不要用公式）"
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


def mapping(value: Any, path: tuple, allowed: dict[str, Any] | tuple[str, ...],
             c: Collector) -> dict:
    """Return `value` as a mapping (None means empty), reporting unknown keys."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(path, f"应为映射（键: 值），实际为{describe(value)}")
        return {}
    for key in value:
        if c.full:
            c.omitted += 1
            c.omitted_errors += 1  # an unknown key is an error
            continue
        if not isinstance(key, str):
            c.add(path, f"键应为文字，实际为{describe(key)}（如 ~ 或数字）；可用的键：{'、'.join(allowed)}")
        elif key not in allowed:
            c.add(path + (key,), _unknown_key_message(key, allowed))
    return value


def _unknown_key_message(key: Any, allowed) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    hint = f"；是否应为 “{close[0]}”？" if close else f"；可用的键：{'、'.join(allowed)}"
    return f"未知的键 “{key}”{hint}"
