"""Writing data files in the kind their name asks for: YAML, JSON or a fill-in workbook.

    new_file_bytes(new, Path("2023.xlsx"))       # make-report init -o 2023.xlsx
    converted_bytes(report, Path("2023.yaml"))   # make-report convert 2023.xlsx -o 2023.yaml
    plan = roster_plan(names, 2023, Path("各单位"), last_year)   # make-report init --roster

Every kind reads back to the same report: a workbook is a data file like the others.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .datafile import NewData, json_text, new_data, report_data, write_data_file
from .errors import OutputError
from .model import Report
from .yamltext import comment, dump

#: what a data file may be written as
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def new_file_bytes(new: NewData, target: Path) -> bytes:
    """A new data file, as `target`'s suffix asks: commented YAML, JSON, or a workbook (last
    year's 五 beside this year's, the notes beside their rows)."""
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from .workbook.write import workbook_bytes  # noqa: PLC0415 (XlsxWriter only for a workbook)
        return workbook_bytes(new.data(), new.fmt, new.tables.notes, new.reminder)
    if suffix == ".json":
        return json_text(new.data()).encode("utf-8")
    return write_data_file(new.year, new.agency, new.fmt, new.tables, template=new.template,
                           problems_reminder=new.reminder).encode("utf-8")


def converted_bytes(report: Report, target: Path) -> bytes:
    """A report's data as the data file `target` names, which reads back to the same report."""
    data = report_data(report)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        from .workbook.write import workbook_bytes  # noqa: PLC0415
        return workbook_bytes(data, report.spec)
    if suffix == ".json":
        return json_text(data).encode("utf-8")
    source = report.source.name if report.source else "数据"
    return (comment(f"# {report.agency}{report.year}年度报告的数据文件（make-report convert 由 {source} 转换）。") +
            "\n\n" + dump(data)).encode("utf-8")


# ---------------------------------------------------------------------------
# One new file per unit of a roster


@dataclass
class RosterPlan:
    """The files `init --roster` writes, and what to say about the units."""

    files: dict[Path, bytes] = field(default_factory=dict)
    #: units with no file of last year (when last year's folder was given)
    without_last_year: list[str] = field(default_factory=list)


_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
#: names Windows keeps for devices, whatever follows a dot: CON, NUL, COM1, LPT1.镇 …
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
#: the longest file name written, in UTF-8 bytes (systems allow 255, with room for a suffix
#: and the temporary name a file is first written under)
_NAME_BYTES = 150


def file_name(agency: str) -> str:
    """A unit's name as a file name on every system: characters Windows refuses replaced by
    「_」, invisible ones (zero-width, right-to-left marks) removed, no leading or trailing dots
    and spaces, a device name (CON, NUL…) prefixed with 「_」, at most 150 bytes (a longer one
    cut, with 8 characters of its hash so that two names cut alike stay apart)."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", agency) if unicodedata.category(ch) != "Cf")
    name = _NOT_IN_NAMES.sub("_", name).strip(" .")
    if len(name.encode("utf-8")) > _NAME_BYTES:  # cut, and told apart from another name cut alike
        tag = "_" + hashlib.sha1(agency.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        while len((name + tag).encode("utf-8")) > _NAME_BYTES:
            name = name[:-1]
        name = name.rstrip(" .") + tag
    name = name or "_"
    return f"_{name}" if _RESERVED.match(name) else name


def roster_plan(names: list[str], year: int, folder: Path, suffix: str = ".xlsx",
                last_year: Optional[dict[str, Report]] = None, template: Optional[str] = None) -> RosterPlan:
    """A new data file for every unit of `names`, named after the unit, carrying over from the
    unit's own report of last year (`last_year`, by `county.name_key`) when there is one.
    OutputError when two units would get one file name."""
    from .county import name_key  # noqa: PLC0415 (county imports the checks)
    plan, taken = RosterPlan(), {}
    for agency in names:
        target = folder / f"{file_name(agency)}{suffix}"
        key = target.name.casefold()
        if key in taken:
            raise OutputError(f"单位名单中的 “{taken[key]}” 和 “{agency}” 会写到同一个文件 {target.name}；"
                              "请修改名单，未生成任何文件")
        taken[key] = agency
        previous = (last_year or {}).get(name_key(agency))
        if last_year is not None and previous is None:
            plan.without_last_year.append(agency)
        new = new_data(year, agency, previous, template, output_dir=folder)
        new.agency = agency
        plan.files[target] = new_file_bytes(new, target)
    return plan
