"""The library's findings and exceptions. The CLI turns the exceptions into exit 1.

Every finding names the rule it comes from (a stable id such as ``A1``, see `rules.py`), the
key path in the data file, the official labels of the cells involved, what is wrong, the
numbers on each side, and what to change.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One finding about a data file."""

    path: str
    labels: tuple[str, ...]
    message: str
    severity: str = ERROR
    rule: str = "D1"
    #: the numbers the finding compares, by name (for `--format json`)
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: where a workbook holds it: 「表三!E14」 (a finding about a .xlsx data file)
    cell: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        """The finding as one line: 「错误 A1 path「label」「label」：message」."""
        where = (self.cell or self.path) + "".join(f"「{label}」" for label in self.labels)
        head = f"{self.severity} {self.rule}"
        return f"{head} {where}：{self.message}" if where else f"{head} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready object (see README, 「检查结果的 JSON 格式」)."""
        return {
            "severity": "error" if self.is_error else "warning",
            "rule": self.rule,
            "path": self.path,
            "labels": list(self.labels),
            "message": self.message,
            "values": {key: _json_value(value) for key, value in self.values.items()},
            **({"cell": self.cell} if self.cell else {}),
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else format(value, "f")
    return value


def count_errors(problems) -> int:
    return sum(1 for p in problems if p.is_error)


class ReportError(Exception):
    """Base class of every error the library raises on purpose."""


class DataError(ReportError):
    """The data file cannot be read, or has errors; `problems` lists every finding
    (errors and warnings)."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TemplateError(ReportError):
    """The template cannot be found, read or rendered; `problems` lists what the template
    check found (empty when the message says it all)."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        self.problems = tuple(problems)
        super().__init__(message)


class OutputError(ReportError):
    """The report cannot be written where it was asked to go."""


_OS_REASONS = {
    errno.ENOSPC: "磁盘已满", errno.EFBIG: "文件超过了系统对单个文件大小的限制", errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中的某一级不是文件夹", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
    errno.ENOENT: "文件或文件夹不存在", errno.EROFS: "磁盘是只读的", errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "已经存在", errno.EBUSY: "文件正被占用", errno.EMFILE: "打开的文件太多",
    errno.EIO: "读写出错（磁盘或网络故障？）", errno.EXDEV: "不能跨磁盘移动",
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Chinese (its own text is English)."""
    return _OS_REASONS.get(exc.errno, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
