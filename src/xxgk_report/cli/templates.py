"""`make-report templates` and `make-report template check`."""

from __future__ import annotations

import sys

import click

from .base import main, print_problems, reporting_errors, say

@main.command("templates")
def list_templates() -> None:
    """列出自带的模板及其说明。List the shipped template variants."""
    from ..variants import variants  # only zip reads: no docxtpl import for a listing
    shown = variants()
    width = max(len(v.name) for v in shown)
    for variant in shown:
        click.echo(f"{variant.name.ljust(width)}  {variant.description}")


TEMPLATE_EPILOG = """\b
示例 Examples:
  make-report template check 我的模板.docx
  make-report template check letterhead
  make-report template check 2019模板.docx --format 2019
"""


@main.group("template")
def template_group() -> None:
    """模板相关命令。Template commands."""


@template_group.command("check", epilog=TEMPLATE_EPILOG)
@click.argument("template", metavar="PATH|NAME")
@click.option("--format", "fmt", type=click.Choice(["2021", "2019"]),
              help="按此格式检查（默认：按模板中的字段判断）。Check against this format.")
@reporting_errors
def template_check(template: str, fmt: str | None) -> None:
    """检查模板能否使用：XML、标签、字段、标题、三张表格。Check a template before using it.

    在 Word/WPS 中改过的模板（红头、字体、页边距、联系方式等），用之前先检查；
    生成报告时也会先做同样的检查。退出码：0 可用；1 有问题。
    """
    from ..template_check import inspect_template
    from ..variants import template_path
    path = template_path(template)
    info = inspect_template(path, int(fmt) if fmt else None)
    print_problems(list(info.problems), err=False)
    what = f"{info.format} 格式" if info.format else "格式无法判断"
    if info.errors:
        say(f"{template}（{what}）：{len(info.errors)} 处问题，不能使用。")
        sys.exit(1)
    say(f"{template}（{what}）：可以使用。")


