"""`make-report audit`: the county's review of its units' reports, in one workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..errors import ReportError
from ..outputs import Staged
from ..pool import Interrupted
from .base import main, refuse_overwrite, reporting_errors, say, visible
from .build import _cell, _columns, _progress_stream

AUDIT_EPILOG = """\b
示例 Examples:
  make-report audit 各单位/ --roster 单位名单.txt -o 审核-2023.xlsx
  make-report audit 各单位/ --roster 单位名单.txt --year 2023          # 写出 审核.xlsx
  make-report audit 各单位/ --roster 单位名单.txt --previous 2022各单位/ --notices 退回意见/ -o 审核-2023.xlsx
\b
文件夹中的 .yaml、.json、.xlsx 填报表和已公布的报告（.docx、.doc、.wps、.pdf、网页 .html、.mht）都读；
结论：通过（没有错误）、退回（有错误）、缺报（名单中的单位没有文件）、无法读取（文件打不开或有格子未读出）。
退出码 Exit status: 0 每个单位都通过；1 有单位未通过。
"""


@main.command(epilog=AUDIT_EPILOG)
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="单位名单：每行一个机关全称，核对缺报、名单外和重复的文件。Unit names, one per line.")
@click.option("--previous", type=click.Path(exists=True),
              help="上年各单位的文件所在的文件夹：按机关名称找到每个单位的上年报告，做跨年核对。Last year's folder.")
@click.option("--year", type=click.IntRange(2008, 2100), help="审核的报告年度，默认为多数单位的年度。Report year.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="审核.xlsx", show_default=True,
              help="审核表（.xlsx）。Review workbook.")
@click.option("--notices", type=click.Path(),
              help="为每个有问题的单位写一份退回意见（.txt）到这个文件夹。One notice per unit with findings.")
@click.option("--jobs", type=click.IntRange(1, 64), help="并行的进程数，默认为 CPU 核数。Worker processes.")
@click.option("--force", is_flag=True, help="覆盖已有的审核表和退回意见。Overwrite an earlier review.")
@reporting_errors
def audit(folders: tuple[str, ...], roster: str | None, previous: str | None, year: int | None, output: str,
          notices: str | None, jobs: int | None, force: bool) -> None:
    """审核各单位的年度报告：逐个检查，核对名单和上年，比较单位之间，写出审核表。Review a county's reports."""
    from ..county import read_roster
    from ..workbook.review import notices as notice_texts, review_bytes
    target, folder = Path(output), Path(notices) if notices else None
    old_notices = _outputs_checked(target, folder, folders, roster, previous, force)  # before any reading
    names = read_roster(Path(roster)) if roster else None
    try:
        result = _reviewed(folders, names, previous, jobs, [target], year)
    except Interrupted as stopped:
        click.echo(f"已中断：已审核 {len(stopped.finished)} 个文件，未完成 {stopped.total - len(stopped.finished)} 个；"
                   "没有写出审核表和退回意见。", err=True)
        sys.exit(130)
    with Staged() as out:
        out.add(target, review_bytes(result))
        for name, text in (notice_texts(result).items() if folder else ()):  # noqa: B007
            out.add(folder / name, text.encode("utf-8"))
        out.commit()
    written = notice_texts(result) if folder else {}
    for stale in old_notices:  # last run's notices of units that have none now
        if stale.name not in written:
            stale.unlink(missing_ok=True)
    _print_units(result)
    for note in result.notes:
        say(f"提示：{note}", err=True)
    if result.skipped:
        say(f"提示：另有 {len(result.skipped)} 个文件未读取（见审核表「缺报」），如 {result.skipped[0][0]}：{result.skipped[0][1]}",
            err=True)
    say(target)
    sys.exit(0 if result.passed else 1)


NOTICE_SUFFIX = "-退回意见.txt"


def _outputs_checked(target: Path, folder: Path | None, folders: tuple[str, ...], roster: str | None,
                     previous: str | None, force: bool) -> list[Path]:
    """Refuse, before reading anything, an output that is an input or exists (without --force),
    and a notices folder that is a file or holds other files; the notices an earlier run left."""
    from ..batch import data_files
    if previous and not Path(previous).is_dir():
        raise ReportError(f"--previous {previous} 是一个文件；请给出上年各单位的文件所在的文件夹")
    inputs = [(path, "单位的文件") for path in data_files(folders)]
    inputs += [(Path(roster), "单位名单")] if roster else []
    inputs += [(path, "上年的文件") for path in data_files([previous])] if previous else []
    refuse_overwrite(target, force, inputs, (".xlsx",))
    if folder is None:
        return []
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"--notices {folder} 是一个文件，不是文件夹；请另选一个文件夹")
    others = [p for p in folder.iterdir() if not p.name.endswith(NOTICE_SUFFIX)] if folder.is_dir() else []
    if others:
        raise ReportError(f"--notices {folder} 中已有其他文件（如 {others[0].name}）；请给出一个空的或只有退回意见的文件夹")
    old = sorted(folder.glob(f"*{NOTICE_SUFFIX}")) if folder.is_dir() else []
    if old and not force:
        raise ReportError(f"--notices {folder} 中已有 {len(old)} 份退回意见（如 {old[0].name}），未覆盖；要重新生成请加 --force")
    return old


def _reviewed(folders, names, previous, jobs, skip, year):
    """`api.audit` with a progress bar on a terminal."""
    terminal = _progress_stream()
    if terminal is None:
        return api.audit(folders, names, previous, jobs, skip=skip, year=year)
    from ..batch import data_files
    with click.progressbar(length=len(data_files(folders)), label="审核", file=terminal, show_pos=True) as bar:
        return api.audit(folders, names, previous, jobs, on_done=lambda _: bar.update(1), skip=skip, year=year)


def _print_units(result) -> None:
    rows = [("单位", "文件", "读出格数", "错误", "警告", "结论")] + [
        (u.name, str(u.source or "—"), u.read.coverage if u.read else "—", str(u.errors), str(u.warnings), u.conclusion)
        for u in result.units]
    rows = [tuple(visible(text) for text in row) for row in rows]
    widths = [max(_columns(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join(_cell(text, width) for text, width in zip(row[:5], widths, strict=True)) + "  " + row[5])
    counts = "，".join(f"{c} {result.count(c)}" for c in ("通过", "退回", "缺报", "无法读取"))
    click.echo(f"共 {len(result.units)} 个单位：{counts}。")
