"""The library's exceptions and the findings they carry. The CLI turns them into exit 1."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One finding about a data file: where it is, its official label, what is wrong."""

    path: str
    label: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}（{self.label}）" if self.label else self.path
        return f"{where}: {self.message}" if where else self.message


class ReportError(Exception):
    """Base class of every error the library raises on purpose."""


class DataError(ReportError):
    """The data file cannot be read or has errors; `problems` lists every one."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TemplateError(ReportError):
    """The template cannot be found, read or rendered."""


class OutputError(ReportError):
    """The report cannot be written where it was asked to go."""
