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
from .errors import DataError, Problem
from .model import load_report
from .pool import Lost, run_tasks
from .rules import RULES

PASSED, RETURNED, MISSING, UNREADABLE = "通过", "退回", "缺报", "无法读取"
#: the longest one file may take (a PDF through LibreOffice-free reading takes under a second)
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
        if all(p.rule == "D1" and not p.path for p in exc.problems if p.is_error):
            first = next((p for p in exc.problems if p.is_error), None)
            return Read(source, _agency(source), reason=first.message if first else "无法读取")
        return Read(source, _agency(source), findings=sorted(exc.problems, key=lambda p: not p.is_error))
    last = previous.get(name_key(report.agency))
    findings = api.check(report, last)
    texts = {key: [p.heading + p.text for p in paragraphs] for key, paragraphs in report.narrative.items()}
    return Read(source, report.agency, report.year, report.format, report.coverage, len(report.unread),
                findings, dict(report.values), texts)


def _lost(task: tuple[Path, dict], why: Lost) -> Read:
    reason = f"读取超过 {TIMEOUT:g} 秒，已停止" if why.timed_out else "读取这个文件的进程意外退出（内存超过上限或文件损坏）"
    return Read(task[0], _agency(task[0], here=True), reason=reason)


def _previous_files(folder: Optional[Path], jobs: int) -> tuple[dict[str, Path], list[Path]]:
    """Last year's file of each agency in `folder`, by `name_key`; the files whose agency
    could not be read."""
    if folder is None:
        return {}, []
    files = data_files([folder])
    reads = run_tasks([(f, {}) for f in files], _agency_of, jobs, TIMEOUT, lambda task, why: "")
    return ({name_key(agency): path for path, agency in zip(files, reads) if agency},
            [path for path, agency in zip(files, reads) if not agency])


def _without_last_year(reads: list[Read], last_year: dict[str, Path], unknown: list[Path]) -> None:
    """R8 for each unit whose last year's file was not found (naming the files that could not be read)."""
    also = f"；上年文件夹中另有无法读取的文件：{'、'.join(p.name for p in unknown[:5])}" if unknown else ""
    for read in reads:
        if read.agency and not read.reason and name_key(read.agency) not in last_year:
            read.findings.append(RULES["R8"].problem("", (), f"上年文件夹中没有“{read.agency}”的报告，"
                                                     f"跨年核对（C1—C4、S4）未进行{also}"))


def _agency_of(task: tuple[Path, dict]) -> str:
    try:
        return load_report(task[0]).agency
    except DataError:
        return _agency(task[0])


def audit(folders: Iterable[Path], roster: Optional[list[str]] = None, previous: Optional[Path] = None,
          jobs: int = 1, on_done: Optional[Callable[[Read], None]] = None, skip: frozenset = frozenset()) -> Review:
    """Review every data file and published report under `folders` (see the module)."""
    files = [f for f in data_files(folders) if f.resolve() not in skip]
    last_year, unknown = _previous_files(previous, jobs)
    reads = run_tasks([(f, last_year) for f in files], _read_one, jobs, TIMEOUT, _lost, on_done) if files else []
    if previous is not None:
        _without_last_year(reads, last_year, unknown)
    for read in reads:
        if read.reason:
            read.findings.insert(0, RULES["R7"].problem("", (), f"无法读取：{read.reason}"))
    units = _match(reads, roster)
    _compare(units)
    years = Counter(u.read.year for u in units if u.read and u.read.year)
    return Review(units, years.most_common(1)[0][0] if years else 0)


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


def _compare(units: list[Unit]) -> None:
    """Findings across units: the year and format most have, identical tables, shared passages."""
    readable = [u for u in units if u.read and u.read.year and not u.read.reason]
    common = Counter((u.read.year, u.read.format) for u in readable).most_common(1)
    if common:
        year, fmt = common[0][0]
        for unit in readable:
            if (unit.read.year, unit.read.format) != (year, fmt):
                unit.findings.append(RULES["R6"].problem("year", (), f"报告年度 {unit.read.year}、格式 {unit.read.format}，"
                                                         f"与其他单位（{year} 年度、{fmt} 格式）不同；是否交错了年份？"))
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

