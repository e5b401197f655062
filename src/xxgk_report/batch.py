"""Building many reports at once, in parallel: a county's 50–300 unit files in one command.

    pairs = find_data_files(["units/"], Path("out"))       # [(data file, output .docx)]
    results = build_many(pairs, jobs=2, on_done=tick)       # one BuildResult per file, in order

Every file goes through exactly the single-file path (`api.write_report`), so a batch
gives the same bytes as one report at a time. One bad file never stops the others: neither
one that hangs (its worker is killed after `timeout` seconds) nor one whose worker dies; each
is that file's failure (see `pool.py`). Workers are forked after the default templates are
compiled, so no worker compiles them again; a custom template is compiled once per worker.
Ctrl-C raises `pool.Interrupted` with the results finished so far.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import api
from .errors import DataError, OutputError, Problem, ReportError, TemplateError, count_errors
from .outputs import is_template, refuse_overwriting
from .pool import Interrupted, Lost, run_tasks
from .reader import REPORT_SUFFIXES, SUFFIXES, read_data

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


#: files in a data folder that are not data files: the editor's schema (make-report schema), and
#: the lock file Excel and WPS leave beside a workbook that is open (~$2023.xlsx)
NOT_DATA = ("*.schema.json", "~$*")


def find_data_files(arguments: Iterable[str | os.PathLike], out_dir: Path,
                    extras: tuple[str, ...] = ()) -> list[tuple[Path, Path]]:
    """Every data file (or published report: .docx, .doc, .wps, .pdf, .html, .mht; a .txt only
    when named) named or found under a named folder (recursively, sorted; `*.schema.json`,
    Excel's `~$` lock files, templates and the output folder's own files skipped), with its
    output: out_dir/<stem>.docx, or out_dir/<path under the folder>.docx.

    No two outputs collide, and no output is an input (OutputError, naming both, before
    anything is written). When two files would get the same output: a.yaml in two folders →
    every output mirrors the path under the folders' common parent; 某镇.yaml beside 某镇.json →
    某镇.yaml.docx and 某镇.json.docx. `extras` are the suffixes written beside each .docx
    (".html", ".fragment.html", ".pdf"): they may not collide either."""
    found = _scan(arguments, out_dir)
    relative = [rel.with_suffix(".docx") for _, rel in found]
    if _collisions(relative):
        common = Path(os.path.commonpath([str(p.resolve().parent) for p, _ in found]))
        relative = [p.resolve().relative_to(common).with_suffix(".docx") for p, _ in found]
    clashing = _collisions(relative)
    relative = [rel.with_name(f"{source.name}.docx") if i in clashing else rel
                for i, ((source, _), rel) in enumerate(zip(found, relative, strict=True))]
    for n, i in enumerate(sorted(_collisions(relative))[1:], start=2):  # Town.yaml, town.yaml
        relative[i] = relative[i].with_name(f"{relative[i].stem}（{n}）.docx")
    pairs = [(source, out_dir / rel) for (source, _), rel in zip(found, relative, strict=True)]
    _refuse_clashes(pairs, extras)
    return pairs


def data_files(arguments: Iterable[str | os.PathLike]) -> list[Path]:
    """Every data file or published report named or found under a named folder, as a batch
    finds them (for commands that read them without writing a report of each: sum, init)."""
    return [path for path, _ in _scan(arguments, None)]


def _scan(arguments: Iterable[str | os.PathLike], out_dir: Optional[Path]) -> list[tuple[Path, Path]]:
    """(file, its path under the folder named) for each file named or found."""
    found: list[tuple[Path, Path]] = []
    readable = set(SUFFIXES + REPORT_SUFFIXES) - {".txt"}
    outputs = out_dir.resolve() if out_dir is not None else None
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            # an output folder inside the input folder holds what an earlier run wrote, not units
            inner = outputs if outputs and outputs != path.resolve() and outputs.is_relative_to(path.resolve()) else None
            for data in sorted(p for p in path.rglob("*") if p.suffix.lower() in readable and p.is_file()
                               and not any(p.match(pattern) for pattern in NOT_DATA)
                               and not (inner and p.resolve().is_relative_to(inner)) and not is_template(p)):
                found.append((data, data.relative_to(path)))
        else:
            found.append((path, Path(path.name)))
    return found


def _collisions(outputs: list[Path]) -> set[int]:
    """Indexes of the outputs that another one would overwrite (names compared as the disk does)."""
    by_key: dict[str, list[int]] = {}
    for i, output in enumerate(outputs):
        by_key.setdefault(os.path.normcase(str(output)).casefold(), []).append(i)
    return {i for group in by_key.values() if len(group) > 1 for i in group}


def _refuse_clashes(pairs: list[tuple[Path, Path]], extras: tuple[str, ...]) -> None:
    """OutputError when two files would still write one output (with what is written beside
    each .docx), or an output would overwrite one of the batch's data files."""
    written = [(source, target.with_suffix(suffix)) for source, target in pairs for suffix in (".docx",) + extras]
    clashing = sorted(_collisions([output for _, output in written]))
    if clashing:
        (a, output), (b, _) = written[clashing[0]], written[clashing[1]]
        raise OutputError(f"{a} 和 {b} 都会写到 {output}，一个会覆盖另一个；请把其中一个改名，"
                          f"或放到不同的文件夹；未生成任何文件")
    refuse_overwriting([output for _, output in written], [(source, "数据文件") for source, _ in pairs])


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


def _agency(source: Path, here: bool = False) -> str:
    """The agency a data file names, for the results table, even when the file has errors.
    `here` (in the main process, for a file that hung or killed its worker): a YAML or JSON
    file only, whose reading is bounded here; a workbook or a report is not read again."""
    if here and source.suffix.lower() not in (".yaml", ".yml", ".json"):
        return ""
    try:
        data = read_data(source)
    except DataError:
        return ""
    agency = data.get("agency") if isinstance(data, dict) else None
    return agency.strip() if isinstance(agency, str) else ""


def _task(args: tuple) -> BuildResult:
    return build_one(*args)


def _lost(args: tuple, why: Lost, timeout: float) -> BuildResult:
    """The result of a file whose worker ran out of time or died."""
    source = args[0]
    if why.timed_out:
        return BuildResult(source, _agency(source, here=True), ERRORS, None, (), f"处理超时（超过 {timeout:g} 秒），已停止这个文件")
    code = why.exitcode
    if code is not None and code < 0:
        try:
            how = f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            how = f"被信号 {-code} 终止"
    else:
        how = f"退出码 {code}"
    return BuildResult(source, _agency(source, here=True), ERRORS, None, (), f"处理这个文件的进程意外退出（{how}），其他文件不受影响")


#: the default time limit of one file in a batch (seconds)
TIMEOUT = 300.0


def build_many(pairs: list[tuple[Path, Path]], template: Optional[str] = None, draft: bool = False,
               jobs: Optional[int] = None, on_done: Optional[Callable[[BuildResult], None]] = None,
               html: bool = False, html_fragment: bool = False, timeout: float = TIMEOUT) -> list[BuildResult]:
    """Build every (data file, output) pair over `jobs` processes (default: all cores);
    return the results in the order of `pairs`, calling `on_done` as each one finishes.
    A file taking longer than `timeout` seconds, or whose worker dies, is a failed result (each
    file is built in a worker process, even with one job). Ctrl-C raises `Interrupted` with
    the results finished so far."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pairs) or 1))
    tasks = [(source, target, template, draft, html, html_fragment) for source, target in pairs]
    try:
        api.warm_up(template, [source for source, _ in pairs])
    except KeyboardInterrupt:
        raise Interrupted([], len(tasks)) from None
    return run_tasks(tasks, _task, jobs, timeout, lambda args, why: _lost(args, why, timeout), on_done)
