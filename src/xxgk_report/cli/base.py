"""What every command shares: the group, Chinese messages for errors (the library's and
click's), output with escapes made visible, and the checks of what a command writes."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from pathlib import Path

import click

from .. import __version__
from ..errors import DataError, Problem, ReportError, TemplateError, count_errors
from ..outputs import refuse_overwriting, require_suffix


EPILOG = """\b
示例 Examples:
  make-report data/example-2022.yaml              # → out/example-2022.docx
  make-report 2022.yaml -o 报告/2022.docx --template default
  make-report 2022.yaml --pdf --html              # 另生成 PDF 和网页
  make-report 2022.yaml --draft                   # 有错误也生成，每页标「草稿」
  make-report build 各单位/ -o 报告/ --jobs 2      # 批量生成
  make-report check 2022.yaml --previous 2021.yaml
  make-report init --from 2022.yaml -o 2023.yaml
  make-report check 某镇2022年报.pdf                 # 已公布的报告（.pdf .docx .doc .wps .html .mht）也能检查
  make-report audit 各单位/ --roster 单位名单.txt      # 全县审核
"""


class DefaultCommandGroup(click.Group):
    """A group where `make-report DATA …` means `make-report build DATA …`."""

    default_command = "build"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        """Click's main, but Ctrl-C at any moment is 「已中断」 and exit 130 (click says
        "Aborted!" and exits 1)."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("已中断。", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            click.echo(f"错误：{visible(_chinese(exc))}", err=True)
            command = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "make-report"
            click.echo(f"（{command} --help 查看用法和示例）", err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


_CLICK_WORDS = (
    (r"(?:File|Path|Directory) '(.*)' does not exist\.", "文件或文件夹不存在：{0}"),
    (r"(?:File|Path) '(.*)' is a directory\.", "{0} 是文件夹，这里应为文件"),
    (r"'?(.*?)'? is not in the range (.*)\.", "{0} 超出了范围（{1}）"),
    (r"'(.*)' is not one of (.*)\.", "“{0}”应为其中之一：{1}"),
    (r"'(.*)' is not a valid integer\.", "“{0}”不是整数"),
    (r"'(.*)' is not a valid float( range)?\.", "“{0}”不是数字"),
)


def _chinese(exc: click.ClickException) -> str:
    """A click error in Chinese (ours are bilingual already)."""
    message = exc.format_message()
    if isinstance(exc, click.exceptions.NoSuchOption):
        return f"没有选项 {exc.option_name}" + (f"；是否应为 {'、'.join(exc.possibilities)}？" if exc.possibilities else "")
    if isinstance(exc, click.exceptions.MissingParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        return f"缺少参数 {name}".rstrip()
    if isinstance(exc, click.exceptions.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        said = next((said.format(*m.groups()) for pattern, said in _CLICK_WORDS
                     for m in [re.search(pattern, exc.message)] if m), exc.message)
        return f"参数 {name} 不对：{said}" if name else said
    if message.startswith("No such command"):
        return f"没有这个命令：{message.split(chr(39))[1] if chr(39) in message else message}（make-report --help 列出全部命令）"
    if message.startswith("Got unexpected extra argument"):
        return f"多余的参数：{message.split('(', 1)[-1].rstrip(')')}"
    return message


#: what a terminal would act on or hide: control characters (escape sequences), format
#: characters (zero-width, bidirectional overrides), line separators, lone surrogates
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
#: the same, but for JSON text, whose strings have the C0 controls escaped already (and whose
#: newlines are its own)
_HIDDEN_IN_JSON = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def visible(text: object) -> str:
    """`text` for a terminal line: what it would act on or hide written as an escape (\\x1b)."""
    return _HIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       str(text))


def say(text: object = "", err: bool = False) -> None:
    click.echo(visible(text), err=err)


def print_problems(problems: list[Problem], err: bool = True) -> None:
    for problem in problems:
        say(problem, err=err)


def counts(problems: list[Problem]) -> str:
    errors = count_errors(problems)
    return f"{errors} 处错误、{len(problems) - errors} 处警告"


def reporting_errors(command):
    """Turn the library's errors into a Chinese message on stderr and exit code 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            problems = exc.problems
            say(f"错误：数据文件 {exc.source} 有 {count_errors(problems)} 处错误，未生成报告。", err=True)
            print_problems(problems)
            if all(p.rule[0] in "AB" for p in problems if p.is_error):
                click.echo("提示：改正后重新生成；需要先印发征求意见稿时，可加 --draft 生成每页标有「草稿」的文档。",
                           err=True)
        except TemplateError as exc:
            say(f"错误：{exc}", err=True)
            print_problems(list(exc.problems))
        except ReportError as exc:
            say(f"错误：{exc}", err=True)
        except KeyboardInterrupt:
            click.echo("已中断：没有写入未完成的文件。", err=True)
            sys.exit(130)
        sys.exit(1)
    return wrapper


previous_option = click.option(
    "--previous", metavar="LAST_YEAR_DATA", type=click.Path(exists=True, dir_okay=False),
    help="上年度的数据文件，用于跨年核对（上年结转、现行有效件数、雷同）。"
         "Last year's data file, for the cross-year checks.")


@click.group(cls=DefaultCommandGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="make-report %(version)s")
def main() -> None:
    """生成并检查政府信息公开工作年度报告（Word 文档）。

    Make the annual report on government information disclosure (政府信息公开工作年度报告)
    as an official .docx, from a YAML or JSON data file, and check its numbers.
    """


def refuse_overwrite(target: Path, force: bool, inputs: list[tuple[Path, str]],
                     suffixes: tuple[str, ...] = (".yaml", ".yml")) -> None:
    """`init`, `sum`, `extract` and `convert` write data files people edit: never over one
    unasked, never over one of their inputs, even when asked."""
    kinds = {(".yaml", ".yml"): "YAML 数据文件", (".xlsx",): "审核表（.xlsx 工作簿）"}.get(
        suffixes, "数据文件（.yaml、.json 或 .xlsx 填报表）")
    require_suffix(target, suffixes, f"（写出的是{kinds}）")
    refuse_overwriting([target], inputs)
    if target.exists() and not force:
        raise ReportError(f"文件 {target} 已存在，未覆盖；要覆盖请加 --force")


def checked_agency(agency: str | None) -> str | None:
    """An agency name given on the command line: one line of readable text."""
    if agency is None:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in agency):
        raise click.UsageError("--agency 含有换行或无法识别的字符。--agency must be one line of text.")
    return agency.strip()


