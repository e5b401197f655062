"""Building many reports at once, in parallel: a county's 50–300 unit files in one command.

    pairs = find_data_files(["units/"], Path("out"))       # [(data file, output .docx)]
    results = build_many(pairs, jobs=2, on_done=tick)       # one BuildResult per file, in order

Every file goes through exactly the single-file path (`api.write_report`), so a batch
gives the same bytes as one report at a time. One bad file never stops the others. Workers
are forked after the default templates are compiled, so no worker compiles them again; a
custom template is compiled once per worker.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import api
from .errors import DataError, Problem, ReportError, TemplateError, count_errors
from .reader import SUFFIXES, read_data

OK, WARNINGS, ERRORS = "ok", "warnings", "errors"


@dataclass(frozen=True)
class BuildResult:
    """What became of one data file."""

    source: Path
    agency: str
    status: str  # OK | WARNINGS | ERRORS
    output: Optional[Path]
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    #: why nothing was written, when it is not the data (a template, the output folder)
    message: str = ""
    #: the web pages written beside the .docx
    extras: tuple[Path, ...] = ()

    @property
    def summary(self) -> str:
        """The result column of the results table."""
        if self.status == OK:
            return "正常"
        errors = count_errors(self.problems)
        if self.status == WARNINGS:
            return f"{len(self.problems)} 处警告"
        return f"{errors} 处错误" if errors else "失败"


#: files in a data folder that are not data files: the editor's schema (make-report schema)
NOT_DATA = ("*.schema.json",)


def find_data_files(arguments: Iterable[str | os.PathLike], out_dir: Path) -> list[tuple[Path, Path]]:
    """Every data file named or found under a named folder (recursively, sorted; `*.schema.json`
    skipped), with its output: out_dir/<stem>.docx, or out_dir/<path under the folder>.docx.
    When two files would get the same output (a.yaml in two folders), every output mirrors
    the path under the folders' common parent instead, so none is overwritten."""
    found: list[tuple[Path, Path]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for data in sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                               and not any(p.match(pattern) for pattern in NOT_DATA)):
                found.append((data, data.relative_to(path)))
        else:
            found.append((path, Path(path.name)))
    relative = [rel for _, rel in found]
    if len({r.with_suffix("") for r in relative}) < len(relative):
        common = Path(os.path.commonpath([str(p.resolve().parent) for p, _ in found]))
        relative = [p.resolve().relative_to(common) for p, _ in found]
    return [(source, out_dir / rel.with_suffix(".docx")) for (source, _), rel in zip(found, relative, strict=True)]


def build_one(source: Path, target: Path, template: Optional[str] = None, draft: bool = False,
              html: bool = False, html_fragment: bool = False) -> BuildResult:
    """Build one report, catching what goes wrong into the result."""
    try:
        return _build_one(source, target, template, draft, html, html_fragment)
    except Exception as exc:  # noqa: BLE001 (one file's surprise must not stop the others)
        return BuildResult(source, _agency(source), ERRORS, None, (),
                           f"处理时出现意外错误（{type(exc).__name__}: {exc}）；请把数据文件发给维护者")


def _build_one(source: Path, target: Path, template: Optional[str], draft: bool, html: bool,
               html_fragment: bool) -> BuildResult:
    try:
        report = api.load_report(source)
    except DataError as exc:
        return BuildResult(source, _agency(source), ERRORS, None, tuple(exc.problems))
    try:
        written, findings = api.write_report(report, target, template, draft=draft, html=html,
                                             html_fragment=html_fragment)
    except DataError as exc:
        return BuildResult(source, report.agency, ERRORS, None, tuple(exc.problems))
    except TemplateError as exc:
        return BuildResult(source, report.agency, ERRORS, None, tuple(exc.problems), str(exc))
    except ReportError as exc:
        return BuildResult(source, report.agency, ERRORS, None, (), str(exc))
    status = ERRORS if count_errors(findings) else (WARNINGS if findings else OK)
    return BuildResult(source, report.agency, status, target, tuple(findings), extras=tuple(written[1:]))


def _agency(source: Path) -> str:
    """The agency a data file names, for the results table, even when the file has errors."""
    try:
        data = read_data(source)
    except DataError:
        return ""
    agency = data.get("agency") if isinstance(data, dict) else None
    return agency.strip() if isinstance(agency, str) else ""


def _task(args: tuple) -> BuildResult:
    return build_one(*args)


def build_many(pairs: list[tuple[Path, Path]], template: Optional[str] = None, draft: bool = False,
               jobs: Optional[int] = None, on_done: Optional[Callable[[BuildResult], None]] = None,
               html: bool = False, html_fragment: bool = False) -> list[BuildResult]:
    """Build every (data file, output) pair over `jobs` processes (default: all cores);
    return the results in the order of `pairs`, calling `on_done` as each one finishes."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pairs) or 1))
    tasks = [(source, target, template, draft, html, html_fragment) for source, target in pairs]
    results: list[BuildResult] = []
    if jobs == 1:
        for task in tasks:
            results.append(_task(task))
            if on_done:
                on_done(results[-1])
        return results
    api.warm_up(template)
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for result in pool.map(_task, tasks, chunksize=max(1, min(16, len(tasks) // (jobs * 4)))):
            results.append(result)
            if on_done:
                on_done(result)
    return results
