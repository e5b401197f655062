"""The `make-report` command: a thin layer over `xxgk_report.api`."""

from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata
from pathlib import Path

import click

from . import __version__, api
from .errors import DataError, Problem, ReportError, TemplateError, count_errors
from .outputs import refuse_overwriting, require_suffix

EPILOG = """\b
示例 Examples:
  make-report data/example-2022.yaml              # → out/example-2022.docx
  make-report 2022.yaml -o 报告/2022.docx --template default
  make-report 2022.yaml --pdf --html              # 另生成 PDF 和网页
  make-report 2022.yaml --draft                   # 有错误也生成，每页标「草稿」
  make-report build 各单位/ -o 报告/ --jobs 2      # 批量生成
  make-report check 2022.yaml --previous 2021.yaml
  make-report init --from 2022.yaml -o 2023.yaml
"""

CHECK_EPILOG = """\b
示例 Examples:
  make-report check 2022.yaml
  make-report check 2022.yaml --previous 2021.yaml --strict
  make-report check 2022.yaml --format json > 2022-check.json
\b
退出码 Exit status: 0 没有错误（可有警告）；1 有错误（--strict 时警告也算）。
"""


class _DefaultCommandGroup(click.Group):
    """A group where `make-report DATA …` means `make-report build DATA …`."""

    default_command = "build"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


#: what a terminal would act on or hide: control characters (escape sequences), format
#: characters (zero-width, bidirectional overrides), line separators, lone surrogates
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def visible(text: object) -> str:
    """`text` for a terminal line: what it would act on or hide written as an escape (\\x1b)."""
    return _HIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       str(text))


def _say(text: object = "", err: bool = False) -> None:
    click.echo(visible(text), err=err)


def _print_problems(problems: list[Problem], err: bool = True) -> None:
    for problem in problems:
        _say(problem, err=err)


def _counts(problems: list[Problem]) -> str:
    errors = count_errors(problems)
    return f"{errors} 处错误、{len(problems) - errors} 处警告"


def _reporting_errors(command):
    """Turn the library's errors into a Chinese message on stderr and exit code 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DataError as exc:
            problems = exc.problems
            _say(f"错误：数据文件 {exc.source} 有 {count_errors(problems)} 处错误，未生成报告。", err=True)
            _print_problems(problems)
            if all(p.rule[0] in "AB" for p in problems if p.is_error):
                click.echo("提示：改正后重新生成；需要先印发征求意见稿时，可加 --draft 生成每页标有「草稿」的文档。",
                           err=True)
        except TemplateError as exc:
            _say(f"错误：{exc}", err=True)
            _print_problems(list(exc.problems))
        except ReportError as exc:
            _say(f"错误：{exc}", err=True)
        except KeyboardInterrupt:
            click.echo("已中断：没有写入未完成的文件。", err=True)
            sys.exit(130)
        sys.exit(1)
    return wrapper


_previous_option = click.option(
    "--previous", metavar="LAST_YEAR_DATA", type=click.Path(exists=True, dir_okay=False),
    help="上年度的数据文件，用于跨年核对（上年结转、现行有效件数、雷同）。"
         "Last year's data file, for the cross-year checks.")


@click.group(cls=_DefaultCommandGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, message="make-report %(version)s")
def main() -> None:
    """生成并检查政府信息公开工作年度报告（Word 文档）。

    Make the annual report on government information disclosure (政府信息公开工作年度报告)
    as an official .docx, from a YAML or JSON data file, and check its numbers.
    """


@main.command(epilog=EPILOG)
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(),
              help="输出文件，默认 out/<数据文件名>.docx；多个文件或文件夹时为输出文件夹（默认 out/）。"
                   "Output .docx, or the output folder for several files or folders.")
@click.option("--template", metavar="NAME|PATH",
              help="模板名称或 .docx 路径，优先于数据中的 template。Template variant or .docx path.")
@_previous_option
@click.option("--draft", is_flag=True,
              help="有错误也生成，每页页眉标「草稿」，文前列出全部问题。"
                   "Render despite errors, as a draft marked 「草稿」 on every page.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="多个文件时并行的进程数，默认为 CPU 核数。Parallel workers for several files (default: all cores).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, metavar="SECONDS",
              help="批量生成时每个文件的处理时限（秒），超时的文件记为失败。"
                   "Time limit per file of a batch, in seconds.")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。Also write a PDF (needs LibreOffice).")
@click.option("--html", is_flag=True, help="同时生成网页 <名称>.html。Also write a web page.")
@click.option("--html-fragment", is_flag=True,
              help="同时生成可粘贴到网站编辑器的网页片段 <名称>.fragment.html。Also write an HTML fragment for a CMS.")
@_reporting_errors
def build(data: tuple[str, ...], output: str | None, template: str | None, previous: str | None, draft: bool,
          jobs: int | None, timeout: float, pdf: bool, html: bool, html_fragment: bool) -> None:
    """检查数据并生成报告。Check DATA (.yaml/.yml/.json) and render it into a .docx report.

    先做与 `make-report check` 相同的检查：有错误则不生成（除非 --draft），警告照常打印。
    给出多个文件或文件夹时批量生成（文件夹中的数据文件逐个查找），显示进度，最后列出每个文件的结果；
    一个文件出错不影响其他文件，有文件出错时退出码为 1。
    """
    if pdf:
        from .pdf import soffice
        soffice()  # before any work: say at once when LibreOffice is missing
    if len(data) == 1 and not Path(data[0]).is_dir():
        report = api.load_report(data[0])
        target = api.resolve_output(data[0], output)
        written, findings = api.write_report(report, target, template, previous=previous, draft=draft,
                                             html=html, html_fragment=html_fragment, pdf=pdf)
        if draft:
            _say(f"草稿：数据文件 {data[0]} 有 {_counts(findings)}，已生成草稿（每页页眉标有「草稿」）。", err=True)
        _print_problems(findings)
        for path in written:
            _say(path)
        return
    if previous:
        raise click.UsageError("--previous 只能用于单个数据文件。--previous needs a single data file.")
    _build_batch(data, Path(output) if output else api.DEFAULT_OUTPUT_DIR, template, draft, jobs,
                 pdf=pdf, html=html, html_fragment=html_fragment, timeout=timeout)


def _build_batch(data: tuple[str, ...], out_dir: Path, template: str | None, draft: bool, jobs: int | None,
                 pdf: bool = False, html: bool = False, html_fragment: bool = False, timeout: float = 300) -> None:
    from . import batch
    extras = tuple(suffix for asked, suffix in ((html, ".html"), (html_fragment, ".fragment.html"), (pdf, ".pdf"))
                   if asked)
    pairs = batch.find_data_files(data, out_dir, extras)
    if not pairs:
        raise click.UsageError("没有找到数据文件（.yaml、.yml、.json）。No data files found.")
    options = {"html": html, "html_fragment": html_fragment, "timeout": timeout}
    terminal = _progress_stream()
    try:
        if terminal is not None:
            with click.progressbar(length=len(pairs), label="生成报告", file=terminal, show_pos=True) as bar:
                results = batch.build_many(pairs, template, draft, jobs, on_done=lambda _: bar.update(1), **options)
        else:
            results = batch.build_many(pairs, template, draft, jobs, **options)
    except batch.Interrupted as stopped:
        _report_interrupted(stopped)
    _print_results(results)
    pdf_failures = []
    if pdf:
        from .pdf import pdfs_beside
        made, pdf_failures = pdfs_beside([r.output for r in results if r.output is not None])
        click.echo(f"PDF：{len(made)} 个（LibreOffice）" + (f"，{len(pdf_failures)} 个没有生成。" if pdf_failures else "。"))
    failed = [r for r in results if r.status == batch.ERRORS]
    for result in failed:
        click.echo("", err=True)
        _say(f"{result.source}：", err=True)
        if result.message:
            _say(f"错误：{result.message}", err=True)
        _print_problems([p for p in result.problems if p.is_error])
    for message in pdf_failures:
        _say(f"错误：{message}", err=True)
    if failed or pdf_failures:
        sys.exit(1)


def _report_interrupted(stopped) -> None:
    """Ctrl-C during a batch: say what was finished and which files were written; exit 130."""
    finished = stopped.finished
    click.echo(f"已中断：已完成 {len(finished)} 个文件，未完成 {stopped.total - len(finished)} 个。", err=True)
    for result in finished:
        for path in ([result.output] if result.output else []) + list(result.extras):
            _say(f"已生成：{path}", err=True)
    sys.exit(130)


def _progress_stream():
    """Where a progress bar goes: stderr when it is a terminal, else nowhere (logs, pipes)."""
    return sys.stderr if sys.stderr.isatty() else None


def _columns(text: str) -> int:
    """Terminal columns `text` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns."""
    return text + " " * max(0, width - _columns(text))


def _print_results(results) -> None:
    from .batch import ERRORS, OK, WARNINGS
    rows = [("文件", "机关", "结果", "输出")] + [
        (str(r.source), r.agency or "—", r.summary,
         (str(r.output) + (f"（另有 {len(r.extras)} 个网页）" if r.extras else "")) if r.output else "—")
        for r in results]
    rows = [tuple(visible(text) for text in row) for row in rows]
    widths = [max(_columns(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(_cell(text, width) for text, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    counts = {status: sum(1 for r in results if r.status == status) for status in (OK, WARNINGS, ERRORS)}
    click.echo(f"共 {len(results)} 个：正常 {counts[OK]}，有警告 {counts[WARNINGS]}，有错误 {counts[ERRORS]}。")


@main.command(epilog=CHECK_EPILOG)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_previous_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text：每个问题一行；json：问题对象的列表（见 README）。One line per finding, or a JSON list.")
@click.option("--strict", is_flag=True, help="有警告也以退出码 1 结束。Exit 1 on warnings too.")
def check(data: str, previous: str | None, output_format: str, strict: bool) -> None:
    """检查数据文件的勾稽关系和常见问题，不生成报告。Check DATA without rendering.

    错误（如 一+二 ≠ （七）总计+四）必须改正；警告（如正文与表格不一致）请逐条核实。
    """
    findings = api.check(data, previous)
    if output_format == "json":
        objects = [{"file": data, **p.as_dict()} for p in findings]
        text = json.dumps(objects, ensure_ascii=False, indent=2)  # lone surrogates as JSON escapes
        click.echo(re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text))
    else:
        _print_problems(findings, err=False)
        _say(f"{data}：{_counts(findings)}。" if findings else f"{data}：未发现问题。")
    failed = count_errors(findings) > 0 or (strict and findings)
    sys.exit(1 if failed else 0)


@main.command("templates")
def list_templates() -> None:
    """列出自带的模板及其说明。List the shipped template variants."""
    from .variants import variants  # only zip reads: no docxtpl import for a listing
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
@_reporting_errors
def template_check(template: str, fmt: str | None) -> None:
    """检查模板能否使用：XML、标签、字段、标题、三张表格。Check a template before using it.

    在 Word/WPS 中改过的模板（红头、字体、页边距、联系方式等），用之前先检查；
    生成报告时也会先做同样的检查。退出码：0 可用；1 有问题。
    """
    from .template_check import inspect_template
    from .variants import template_path
    path = template_path(template)
    info = inspect_template(path, int(fmt) if fmt else None)
    _print_problems(list(info.problems), err=False)
    what = f"{info.format} 格式" if info.format else "格式无法判断"
    if info.errors:
        _say(f"{template}（{what}）：{len(info.errors)} 处问题，不能使用。")
        sys.exit(1)
    _say(f"{template}（{what}）：可以使用。")


INIT_EPILOG = """\b
示例 Examples:
  make-report init --year 2023 --agency 某某县某某镇人民政府 -o 2023.yaml
  make-report init --from 2022.yaml -o 2023.yaml          # 年度为上年加一，沿用机关名称等
"""


def _refuse_overwrite(target: Path, force: bool, inputs: list[tuple[Path, str]]) -> None:
    """`init`, `sum` and `extract` write data files people edit: never over one unasked, never
    over one of their inputs, even when asked."""
    require_suffix(target, (".yaml", ".yml"), "（写出的是 YAML 数据文件）")
    refuse_overwriting([target], inputs)
    if target.exists() and not force:
        raise ReportError(f"文件 {target} 已存在，未覆盖；要覆盖请加 --force")


def _checked_agency(agency: str | None) -> str | None:
    """An agency name given on the command line: one line of readable text."""
    if agency is None:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in agency):
        raise click.UsageError("--agency 含有换行或无法识别的字符。--agency must be one line of text.")
    return agency.strip()


@main.command(epilog=INIT_EPILOG)
@click.option("--year", type=click.IntRange(2008, 2100), help="报告年度（用 --from 时默认为上年加一）。Report year.")
@click.option("--agency", help="机关全称（用 --from 时默认沿用）。Agency's full name.")
@click.option("--from", "previous", metavar="LAST_YEAR_DATA", type=click.Path(exists=True, dir_okay=False),
              help="上年度的数据文件：沿用机关名称、模板，上年结转、现行有效件数，并附上年的“五”供对照。"
                   "Last year's data file, to carry over what carries over.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="新数据文件，默认 <年度>.yaml。Output data file (default: <year>.yaml).")
@click.option("--template", metavar="NAME|PATH", help="写入数据文件的模板。The template the file names.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@_reporting_errors
def init(year: int | None, agency: str | None, previous: str | None, output: str | None, template: str | None,
         force: bool) -> None:
    """生成新年度的数据文件（每个键都有注释）。Write a new, commented data file to fill in."""
    from .datafile import new_data_file
    agency = _checked_agency(agency)
    last = api.load_report(previous) if previous else None
    year = year or (last.year + 1 if last else None)
    if year is None:
        raise click.UsageError("请用 --year 给出报告年度，或用 --from 给出上年的数据文件。Give --year or --from.")
    if not (agency or last):
        raise click.UsageError("请用 --agency 给出机关全称，或用 --from 给出上年的数据文件。Give --agency or --from.")
    target = Path(output or f"{year}.yaml")
    _refuse_overwrite(target, force, [(Path(previous), "上年数据文件")] if previous else [])
    api.write_atomic(target, new_data_file(year, agency, last, template, output_dir=target.parent).encode("utf-8"))
    _say(target)
    _say(f"已生成 {target}：填写各部分正文和表格数字后，运行 make-report {target}", err=True)


@main.command()
def schema() -> None:
    """打印数据文件的 JSON Schema（供编辑器补全和校验）。Print the data file's JSON Schema."""
    from .schema import json_schema_text
    click.echo(json_schema_text(), nl=False)


SUM_EPILOG = """\b
示例 Examples:
  make-report sum 各单位/ --agency 某某县人民政府 --year 2022 --roster 单位名单.txt -o county-2022.yaml
  make-report county-2022.yaml        # 写好正文后生成全县报告
"""


@main.command("sum", epilog=SUM_EPILOG)
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--agency", required=True, help="汇总报告的机关全称。Agency of the summary report.")
@click.option("--year", type=click.IntRange(2008, 2100), help="报告年度（各单位必须一致）。Report year.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="单位名单：每行一个机关全称，核对缺报和多报。Unit names, one per line.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="汇总数据文件，默认 county-<年度>.yaml。Output data file.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@_reporting_errors
def sum_command(data: tuple[str, ...], agency: str, year: int | None, roster: str | None, output: str | None,
                force: bool) -> None:
    """把各单位的表格数字逐格相加，生成全县（区）汇总报告的数据文件。Add up the units' tables.

    各单位的年度、格式必须一致；有错误的单位会被点名，改正后才能汇总。正文留待撰写。
    """
    from . import batch, county
    agency = _checked_agency(agency)
    paths = [source for source, _ in batch.find_data_files(data, Path("."))]
    names = county.read_roster(Path(roster)) if roster else None
    summary = county.sum_units(paths, agency, year, names)
    if not summary.ok:
        faulty = {p.path for p in summary.problems if p.is_error and p.path}
        what = f"{len(faulty)} 个单位的数据有问题，" if faulty else ""
        click.echo(f"错误：{what}无法汇总，未生成文件。", err=True)
        _print_problems([p for p in summary.problems if p.is_error])
        sys.exit(1)
    target = Path(output or f"county-{summary.units[0].year}.yaml")
    units = [(u.source, "单位数据文件") for u in summary.units]  # a summary it skipped may be replaced
    _refuse_overwrite(target, force, units + ([(Path(roster), "单位名单")] if roster else []))
    _print_problems(summary.problems)
    api.write_atomic(target, summary.text.encode("utf-8"))
    _say(target)
    _say(f"已汇总 {len(summary.units)} 个单位；写好正文后运行 make-report {target}", err=True)


EXTRACT_EPILOG = """\b
示例 Examples:
  make-report extract 2022年报.docx -o 2022.yaml
  make-report extract 网页.html --agency 某某县某某镇人民政府 && make-report check 网页.yaml
"""


@main.command(epilog=EXTRACT_EPILOG)
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="数据文件，默认 <报告文件名>.yaml。Output data file (default: <report stem>.yaml).")
@click.option("--agency", help="机关全称（报告中找不到时）。The agency, when the report does not say.")
@click.option("--year", type=click.IntRange(2008, 2100), help="报告年度（报告中找不到时）。The report year.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@_reporting_errors
def extract(report: str, output: str | None, agency: str | None, year: int | None, force: bool) -> None:
    """把已有的年度报告（.docx、网页 .html/.htm 或其文字 .txt）读回成数据文件。Read a report back.

    按官方标签找出三张表格和六个部分；读不出的、按 0 读取的都逐条列出，不静默猜测。
    读回的文件可以用 make-report check 检查（已公布报告的审核），也可以作为新一年的起点。
    """
    from .extract import data_file_text
    from .extract import extract as read_report
    source = Path(report)
    try:
        result = read_report(source, _checked_agency(agency), year)
    except DataError as exc:
        _say(f"错误：无法读回 {source}：{'；'.join(p.message for p in exc.problems)}", err=True)
        sys.exit(1)
    target = Path(output or source.with_suffix(".yaml").name)
    _refuse_overwrite(target, force, [(source, "读回的报告")])
    api.write_atomic(target, data_file_text(result, source).encode("utf-8"))
    _print_problems(result.problems)
    _say(target)
    _say(f"已读回 {source}：{len(result.problems)} 处需要核对；运行 make-report check {target} 检查数字。",
               err=True)
