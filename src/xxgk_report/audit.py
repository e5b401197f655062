"""The county's review (审核): every unit's file read and checked, matched to the roster and
to last year's file, and compared with the other units.

    review = audit([Path("各单位")], roster=names, previous=Path("上年"), jobs=2)
    review.units       # one `Unit` per roster name and per file: 通过 / 退回 / 缺报 / 无法读取
    review.passed      # True when every unit passed

Each file is read and checked in a worker process (`pool.run_tasks`: a time limit per file,
a memory limit, a crashed reader is that file's 无法读取 and nothing else's). What needs
every unit at once runs here: the roster, duplicates, the year and format most units have,
identical tables and the same passage in two units' text (rules R1–R8).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import api, spec
from .batch import _agency, data_files
from .county import _suggest, name_key
from .errors import DataError, Problem, ReportError
from .files import zip_part
from .model import Report, load_report
from .pool import Lost, run_tasks
from .reader import READABLE, load_readers
from .rules import RULES

PASSED, RETURNED, MISSING, UNREADABLE = "通过", "退回", "缺报", "无法读取"
#: the longest one file may take (a PDF reads in under a second, a .doc through LibreOffice in a few)
TIMEOUT = 120.0
#: a passage shorter than this (characters, without punctuation) may rightly be shared:
#: 「本年度未收取信息处理费。」
SHARED_MIN = 30


@dataclass
class Read:
    """What a worker found in one file (plain data: it crosses a pipe)."""

    source: Path
    agency: str = ""
    year: int = 0
    format: int = 0
    coverage: str = ""
    unread: int = 0
    findings: list[Problem] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    #: section key → its paragraphs' text (headings and bodies)
    texts: dict = field(default_factory=dict)
    #: why the file could not be read at all
    reason: str = ""


@dataclass
class Unit:
    """One roster unit or one file: what was found and the conclusion."""

    name: str
    read: Optional[Read] = None
    findings: list[Problem] = field(default_factory=list)
    #: the roster name it was matched to ("" for a file outside the roster)
    listed: bool = True

    @property
    def source(self) -> Optional[Path]:
        return self.read.source if self.read else None

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def conclusion(self) -> str:
        if self.read is None:
            return MISSING
        if self.read.reason or self.read.unread:
            return UNREADABLE
        return RETURNED if self.errors else PASSED


@dataclass
class Review:
    units: list[Unit]
    year: int = 0
    #: the files under the folders that were not read, and why
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    #: what the county should know about its own inputs (a name twice on the roster)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(u.conclusion == PASSED for u in self.units)

    def count(self, conclusion: str) -> int:
        return sum(u.conclusion == conclusion for u in self.units)


def _read_one(task: tuple[Path, dict]) -> Read:
    """Read and check one file (in a worker): its findings, with last year's when found."""
    source, previous = task
    try:
        report = load_report(source)
    except DataError as exc:
        if all(p.rule in ("D1", "W2") and not p.path and not p.cell for p in exc.problems if p.is_error):  # the file
            first = next((p for p in exc.problems if p.is_error), None)
            return Read(source, _agency(source), reason=first.message if first else "无法读取")
        return Read(source, _agency(source), findings=sorted(exc.problems, key=lambda p: not p.is_error))
    last, unsure = _last_year_for(report, previous.get(name_key(report.agency), []))
    findings = sorted(api.check(report, last) + unsure, key=lambda p: not p.is_error)
    texts = {key: [p.heading + p.text for p in paragraphs] for key, paragraphs in report.narrative.items()}
    return Read(source, report.agency, report.year, report.format, report.coverage, len(report.unread),
                findings, dict(report.values), texts)


def _last_year_for(report: Report, found: list[Report | Path]) -> tuple[Optional[Report | Path], list[Problem]]:
    """Which of an agency's files in last year's folder the cross-year checks use: one of
    the year before, the one with most cells read. Several whose tables agree (a report's
    .docx and its .pdf) are one; several whose tables differ are none, with an R8 naming
    them. With none of the year before: a file that could not be read (its C4 says why: it
    may be that year's), else one of the latest year before (C3 says it is not last year's)."""
    reports = [r for r in found if isinstance(r, Report)]
    years = {r.year for r in reports}
    if report.year - 1 not in years and len(reports) < len(found):
        return next(p for p in found if not isinstance(p, Report)), []
    year = report.year - 1 if report.year - 1 in years else max(years, key=lambda y: (y < report.year, y), default=None)
    candidates = sorted((r for r in reports if r.year == year), key=lambda r: len(r.unread))
    if len(candidates) <= 1 or all(_agree(candidates[0], other) for other in candidates[1:]):
        return (candidates[0] if candidates else None), []
    names = "、".join(r.source.name for r in candidates if r.source)
    return None, [RULES["R8"].problem("", (), f"上年文件夹中有 {len(candidates)} 份“{report.agency}”的报告（{names}），"
                                      f"表格数字不同，不知道以哪一份为准，跨年核对（C1—C4、S4）未进行；请只保留正确的一份")]


def _agree(one: Report, other: Report) -> bool:
    """Whether two reports give the same number in every cell both could read."""
    unread = set(one.unread) | set(other.unread)
    return one.format == other.format and all(value == other.values.get(key) for key, value in one.values.items()
                                              if key not in unread)


def _lost(task: tuple[Path, dict], why: Lost) -> Read:
    reason = f"读取超过 {TIMEOUT:g} 秒，已停止" if why.timed_out else "读取这个文件的进程意外退出（内存超过上限或文件损坏）"
    return Read(task[0], _agency(task[0], here=True), reason=reason)


def _previous_files(folder: Optional[Path], jobs: int) -> tuple[dict[str, list[Report | Path]], list[Path]]:
    """Last year's files of each agency in `folder`, by `name_key`, each read once: its
    Report, or its path when only its agency could be read; the files whose agency could not."""
    if folder is None:
        return {}, []
    files = data_files([folder])
    reads = run_tasks(files, _last_year_file, jobs, TIMEOUT, lambda path, why: ("", None))
    found: dict[str, list[Report | Path]] = {}
    for path, (agency, report) in zip(files, reads, strict=True):
        if agency:
            found.setdefault(name_key(agency), []).append(report or path)
    return found, [path for path, (agency, _) in zip(files, reads, strict=True) if not agency]


def _without_last_year(reads: list[Read], last_year: dict[str, list], unknown: list[Path]) -> None:
    """R8 for each unit whose last year's file was not found (naming the files that could not be read)."""
    also = f"；上年文件夹中另有无法读取的文件：{'、'.join(p.name for p in unknown[:5])}" if unknown else ""
    for read in reads:
        if read.agency and not read.reason and name_key(read.agency) not in last_year:
            read.findings.append(RULES["R8"].problem("", (), f"上年文件夹中没有“{read.agency}”的报告，"
                                                     f"跨年核对（C1—C4、S4）未进行{also}"))


def _last_year_file(path: Path) -> tuple[str, Optional[Report]]:
    """(agency, report) of one of last year's files; (agency or "", None) when it cannot be read."""
    try:
        report = load_report(path)
    except DataError:
        return _agency(path), None
    return report.agency, report


def audit(folders: Iterable[Path], roster: Optional[list[str]] = None, previous: Optional[Path] = None,
          jobs: int = 1, on_done: Optional[Callable[[Read], None]] = None, skip: frozenset = frozenset(),
          year: Optional[int] = None) -> Review:
    """Review every data file and published report under `folders` (see the module);
    ReportError when there is nothing to review or the inputs contradict each other."""
    folders = list(folders)
    files, skipped = gather(folders, previous, skip)
    if not files:
        raise ReportError(f"没有找到任何报告或数据文件（{READABLE}）"
                          + (f"；另有 {len(skipped)} 个文件不能读取，如 {skipped[0][0]}（{skipped[0][1]}）" if skipped else ""))
    roster, notes = _roster(roster)
    load_readers(files)  # before the workers start: they inherit the readers
    last_year, unknown = _previous_files(previous, jobs)
    reads = run_tasks([(f, last_year) for f in files], _read_one, jobs, TIMEOUT, _lost, on_done)
    if previous is not None:
        _without_last_year(reads, last_year, unknown)
    for read in reads:
        if read.reason:
            read.findings.insert(0, RULES["R7"].problem("", (), f"无法读取：{read.reason}"))
    units = _match(reads, roster)
    common = _common_year(units, year)
    _compare(units, common)
    return Review(units, common[0] if common else 0, skipped, notes)


def gather(folders: list[Path], previous: Optional[Path], skip: frozenset) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read, each once, and every other file under the folders with why it is
    not read. Last year's folder (when it is inside an input folder), review workbooks, and
    links that lead out of their folder are not this year's units."""
    last = previous.resolve() if previous else None
    if last and any(Path(f).resolve() == last for f in folders):
        raise ReportError(f"--previous {previous} 就是本年的文件夹；请给出上年各单位的文件所在的文件夹")
    files, seen, skipped = [], set(skip), []
    for folder in folders:
        root = Path(folder).resolve() if Path(folder).is_dir() else None
        for path in data_files([folder]):
            real = path.resolve()
            if last is not None and real.is_relative_to(last):
                continue  # last year's files, in a folder inside this year's
            why = _not_a_unit(path, real, root)
            if why:
                skipped.append((path, why))
            elif real not in seen:
                seen.add(real)
                files.append(path)
        if root is not None:
            taken = seen | {p.resolve() for p, _ in skipped}
            skipped += [(p, _why_not(p)) for p in sorted(Path(folder).rglob("*"))
                        if not p.is_dir() and p.resolve() not in taken and not p.name.startswith("~$")
                        and not p.match("*.schema.json")
                        and not (last and p.resolve().is_relative_to(last))]
    return files, skipped


def _not_a_unit(path: Path, real: Path, root: Optional[Path]) -> str:
    if root is not None and not real.is_relative_to(root):
        return "链接到文件夹以外的文件，未读取"
    if is_review(path):
        return "审核表（make-report audit 写出），不是单位的文件"
    return ""


def is_review(path: Path) -> bool:
    """Whether `path` is a review workbook this command wrote (its sheets 汇总 and 问题清单)."""
    book = zip_part(path, "xl/workbook.xml", ".xlsx")
    return "问题清单".encode() in book and "汇总".encode() in book


_OTHER_KINDS = {".xls": "旧版 Excel 工作簿，请另存为 .xlsx 填报表", ".et": "WPS 表格文件，请另存为 .xlsx 填报表",
                ".odt": "OpenDocument 文档，请另存为 .docx", ".rtf": "RTF 文档，请另存为 .docx",
                ".txt": "文件夹中的文字文件不当作报告；要读它，请在命令行中单独给出"}


def _why_not(path: Path) -> str:
    if not path.is_file():
        return "不是普通文件（管道、设备或失效的链接），未读取"
    if path.suffix.lower() == ".docx":
        return "模板（含 {{ }} 标签），不是报告"
    return _OTHER_KINDS.get(path.suffix.lower(), "不是报告或数据文件的格式，未读取")


def _roster(names: Optional[list[str]]) -> tuple[Optional[list[str]], list[str]]:
    """The roster without repeated names (each repeat noted); ReportError when it is empty."""
    if names is None:
        return None, []
    if not names:
        raise ReportError("单位名单为空（只有空行或以 # 开头的说明）；请每行写一个机关全称")
    kept: dict[str, str] = {}
    notes = []
    for name in names:
        if name_key(name) in kept:
            notes.append(f"单位名单中“{name}”出现了不止一次，只算一个单位")
        kept.setdefault(name_key(name), name)
    return list(kept.values()), list(dict.fromkeys(notes))


def _common_year(units: list[Unit], year: Optional[int]) -> Optional[tuple[int, int]]:
    """(year, format) the review is of: `year` when given, else what most units have (on a
    tie, the latest year)."""
    readable = [u.read for u in units if u.read and u.read.year and not u.read.reason]
    counts = Counter((r.year, r.format) for r in readable if year is None or r.year == year)
    if not counts:
        return (year, 2021 if year >= spec.FIRST_YEAR_2021_FORMAT else 2019) if year else None
    return max(counts, key=lambda k: (counts[k], k[0]))


def _match(reads: list[Read], roster: Optional[list[str]]) -> list[Unit]:
    """A unit per roster name (in roster order) and per file outside it; two files of one unit named."""
    by_key: dict[str, list[Read]] = defaultdict(list)
    for read in reads:
        by_key[name_key(read.agency) if read.agency else f"\0{read.source}"].append(read)
    names = roster if roster is not None else []
    listed = {name_key(name) for name in names}
    missing = [name for name in names if name_key(name) not in by_key]
    units = []
    for name in names:
        found = by_key.get(name_key(name), [])
        units += [Unit(name, read) for read in found] or [Unit(name, None, [RULES["R1"].problem(
            "", (), f"名单中的“{name}”没有交来报告或数据文件")])]
    for key, found in by_key.items():
        if key not in listed:
            units += [Unit(read.agency or read.source.name, read, listed=roster is None) for read in found]
    for unit in units:
        if unit.read is None:
            continue
        unit.findings = list(unit.read.findings)
        if not unit.listed and unit.read.agency:
            unit.findings.append(RULES["R2"].problem("agency", (), f"“{unit.name}”不在单位名单中"
                                                     f"{_suggest(unit.name, missing)}；请核对机关名称或名单"))
        twins = [r for r in by_key[name_key(unit.read.agency)] if r is not unit.read] if unit.read.agency else []
        if twins:
            unit.findings.append(RULES["R3"].problem("agency", (), f"“{unit.name}”还有另一份文件："
                                                     + "、".join(str(r.source) for r in twins) + "；请确认以哪一份为准"))
    return units


def _compare(units: list[Unit], common: Optional[tuple[int, int]]) -> None:
    """Findings across units: the year and format of the review, identical tables, shared passages."""
    readable = [u for u in units if u.read and u.read.year and not u.read.reason]
    if common:
        year, fmt = common
        for unit in readable:
            if (unit.read.year, unit.read.format) != (year, fmt):
                unit.findings.append(RULES["R6"].problem("year", (), f"报告年度 {unit.read.year}、格式 {unit.read.format}，"
                                                         f"与本次审核的（{year} 年度、{fmt} 格式）不同；是否交错了年份？"))
    _identical_tables(readable)
    _shared_passages(readable)


def _identical_tables(units: list[Unit]) -> None:
    groups: dict[tuple, list[Unit]] = defaultdict(list)
    for unit in units:
        if any(v not in (0, "", None) for v in unit.read.values.values()):
            groups[tuple(sorted((k, str(v)) for k, v in unit.read.values.items()))].append(unit)
    for same in groups.values():
        for unit in same:
            others = _some(list(dict.fromkeys(f"“{u.name}”" for u in same if _key(u) != _key(unit))))
            if not others:  # two files of one unit (R3) are alike, not copied
                continue
            unit.findings.append(RULES["R5"].problem("", (), f"三张表格的全部数字与 {others} 完全相同；是否照抄了其他单位的表格？"))


_NOT_TEXT = re.compile(r"[\s\W_]+")


def _plain(text: str, names: re.Pattern) -> str:
    """A passage as compared: NFKC, every unit's name taken out (a copied passage keeps the
    other unit's name or gets its own), no spaces or punctuation."""
    return _NOT_TEXT.sub("", names.sub("", unicodedata.normalize("NFKC", text)))


def _shared_passages(units: list[Unit]) -> None:
    """The same paragraph (SHARED_MIN characters or more) in two units' narrative: 雷同."""
    names = sorted({unicodedata.normalize("NFKC", n) for u in units for n in (u.name, u.read.agency) if n},
                   key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names)) or "(?!)")
    seen: dict[str, list[tuple[Unit, str, str]]] = defaultdict(list)
    for unit in units:
        for key, texts in unit.read.texts.items():
            if key == "preamble":  # the official opening sentences are the same in every report
                continue
            for text in texts:
                plain = _plain(text, pattern)
                if len(plain) >= SHARED_MIN:
                    seen[plain].append((unit, key, text))
    for places in seen.values():
        owners = {_key(unit): f"“{unit.name}”的「{_section(key)}」" for unit, key, _ in reversed(places)}
        if len(owners) < 2:
            continue
        for unit, key, text in places:
            others = [where for owner, where in itertools.islice(owners.items(), 4) if owner != _key(unit)][:3]
            others = "、".join(others) + (f" 等 {len(owners) - 1} 个单位" if len(owners) > 4 else "")
            unit.findings.append(RULES["R4"].problem(key, (_section(key),), f"这一段与 {others} 相同（雷同）："
                                                     f"「{text[:40]}{'…' if len(text) > 40 else ''}」"))


def _key(unit: Unit) -> str:
    """Which unit a file is of: two files of one unit are compared with other units only."""
    return name_key(unit.read.agency) if unit.read and unit.read.agency else f"\0{id(unit)}"


def _some(names: list[str], shown: int = 3) -> str:
    """At most `shown` names, and how many more: a passage 200 units share is one line, not 200 names."""
    more = f" 等 {len(names)} 个" if len(names) > shown else ""
    return "、".join(names[:shown]) + more


def _section(key: str) -> str:
    return dict(spec.SECTIONS).get(key.split(".")[0], key)

