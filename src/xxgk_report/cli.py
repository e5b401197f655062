"""The `make-report` command: a thin layer over `xxgk_report.api`."""

from __future__ import annotations

import functools
import sys

import click

from . import __version__, api
from .errors import ERROR, DataError, Problem, ReportError

EPILOG = """\b
示例 Examples:
  make-report data/example-2022.yaml              # → out/example-2022.docx
  make-report 2022.yaml -o 报告/2022.docx --template default
  make-report build 2022.json
"""


class _DefaultCommandGroup(click.Group):
    """A group where `make-report DATA …` means `make-report build DATA …`."""

    default_command = "build"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(f"{problem.severity}：{problem}", err=True)


def _reporting_errors(command):
    """Turn the library's errors into a Chinese message on stderr and exit code 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            errors = [p for p in exc.problems if p.severity == ERROR]
            click.echo(f"错误：数据文件 {exc.source} 有 {len(errors)} 处错误，未生成报告。", err=True)
            _print_problems(exc.problems)
        except ReportError as exc:
            click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    return wrapper


@click.group(cls=_DefaultCommandGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="make-report %(version)s")
def main() -> None:
    """生成政府信息公开工作年度报告（Word 文档）。

    Make the annual report on government information disclosure (政府信息公开工作年度报告)
    as an official .docx, from a YAML or JSON data file.
    """


@main.command(epilog=EPILOG)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="输出文件，默认 out/<数据文件名>.docx。Output .docx (default: out/<data stem>.docx).")
@click.option("--template", metavar="NAME|PATH",
              help="模板名称或 .docx 路径，优先于数据中的 template。Template variant or .docx path.")
@_reporting_errors
def build(data: str, output: str | None, template: str | None) -> None:
    """按数据文件生成报告。Render DATA (.yaml/.yml/.json) into a .docx report."""
    path, report = api.build_report_file(data, output, template)
    _print_problems(list(report.warnings))
    click.echo(str(path))
