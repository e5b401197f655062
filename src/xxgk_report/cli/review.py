"""`make-report audit`: the county's review of its units' reports, in one workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..outputs import Staged
from ..pool import Interrupted
from .base import main, refuse_overwrite, reporting_errors, say, visible
from .build import _cell, _columns, _progress_stream

AUDIT_EPILOG = """\b
示例 Examples:
  make-report audit 各单位/ --roster 单位名单.txt -o 审核-2023.xlsx
  make-report audit 各单位/ --roster 单位名单.txt --previous 2022各单位/ --notices 退回意见/ -o 审核-2023.xlsx
\b
文件夹中的 .yaml、.json、.xlsx 填报表和已公布的报告（.docx、.doc、.wps、.pdf、.html）都读；
结论：通过（没有错误）、退回（有错误）、缺报（名单中的单位没有文件）、无法读取（文件打不开或有格子未读出）。
退出码 Exit status: 0 每个单位都通过；1 有单位未通过。
"""


@main.command(epilog=AUDIT_EPILOG)
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="单位名单：每行一个机关全称，核对缺报、名单外和重复的文件。Unit names, one per line.")
@click.option("--previous", type=click.Path(exists=True, file_okay=False),
              help="上年各单位的文件所在的文件夹：按机关名称找到每个单位的上年报告，做跨年核对。Last year's folder.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="审核表（.xlsx），默认 审核-<年度>.xlsx。Review workbook.")
@click.option("--notices", type=click.Path(file_okay=False),
              help="为每个有问题的单位写一份退回意见（.txt）到这个文件夹。One notice per unit with findings.")
@click.option("--jobs", type=click.IntRange(1, 64), help="并行的进程数，默认为 CPU 核数。Worker processes.")
@click.option("--force", is_flag=True, help="覆盖已有的审核表。Overwrite an existing workbook.")
@reporting_errors
def audit(folders: tuple[str, ...], roster: str | None, previous: str | None, output: str | None,
          notices: str | None, jobs: int | None, force: bool) -> None:
    """审核各单位的年度报告：逐个检查，核对名单和上年，比较单位之间，写出审核表。Review a county's reports."""
    from ..county import read_roster
    from ..workbook.review import notices as notice_texts, review_bytes
    names = read_roster(Path(roster)) if roster else None
    skip = [output] if output else list(Path(".").glob("审核-*.xlsx"))  # the review itself is not a unit
    try:
        result = _reviewed(folders, names, previous, jobs, skip)
    except Interrupted as stopped:
        click.echo(f"已中断：已审核 {len(stopped.finished)} 个文件，未完成 {stopped.total - len(stopped.finished)} 个；"
                   "没有写出审核表和退回意见。", err=True)
        sys.exit(130)
    target = Path(output or f"审核-{result.year or '报告'}.xlsx")
    refuse_overwrite(target, force, [(Path(roster), "单位名单")] if roster else [], (".xlsx",))
    with Staged() as out:
        out.add(target, review_bytes(result))
        if notices:
            for name, text in notice_texts(result).items():
                out.add(Path(notices) / name, text.encode("utf-8"))
        out.commit()
    _print_units(result)
    say(target)
    sys.exit(0 if result.passed else 1)


def _reviewed(folders, names, previous, jobs, skip):
    """`api.audit` with a progress bar on a terminal."""
    terminal = _progress_stream()
    if terminal is None:
        return api.audit(folders, names, previous, jobs, skip=skip)
    from ..batch import data_files
    with click.progressbar(length=len(data_files(folders)), label="审核", file=terminal, show_pos=True) as bar:
        return api.audit(folders, names, previous, jobs, on_done=lambda _: bar.update(1), skip=skip)


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
