"""The data file's commands: `check`, `init`, `schema`, `sum`, `extract`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import api
from ..errors import DataError, ReportError, count_errors
from ..outputs import refuse_overwriting
from .base import (
    _HIDDEN_IN_JSON,
    checked_agency,
    counts,
    main,
    previous_option,
    print_problems,
    refuse_overwrite,
    reporting_errors,
    say,
)

CHECK_EPILOG = """\b
示例 Examples:
  make-report check 2022.yaml
  make-report check 2022.yaml --previous 2021.yaml --strict
  make-report check 2022.yaml --format json > 2022-check.json
\b
退出码 Exit status: 0 没有错误（可有警告）；1 有错误（--strict 时警告也算）。
"""


@main.command(epilog=CHECK_EPILOG)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@previous_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text：每个问题一行；json：问题对象的列表（见 README）。One line per finding, or a JSON list.")
@click.option("--strict", is_flag=True, help="有警告也以退出码 1 结束。Exit 1 on warnings too.")
@reporting_errors
def check(data: str, previous: str | None, output_format: str, strict: bool) -> None:
    """检查数据文件（或已公布的报告）的勾稽关系和常见问题，不生成报告。Check DATA without rendering.

    错误（如 一+二 ≠ （七）总计+四）必须改正；警告（如正文与表格不一致）请逐条核实。
    """
    try:
        report = api.load(data)
    except DataError as exc:
        report, findings = None, sorted(exc.problems, key=lambda p: not p.is_error)
    else:
        findings = api.check(report, previous)
    if output_format == "json":
        objects = [{"file": data, **p.as_dict()} for p in findings]
        text = json.dumps(objects, ensure_ascii=False, indent=2)  # what a terminal would act on, escaped
        click.echo(_HIDDEN_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    else:
        print_problems(findings, err=False)
        read = f"从报告{report.coverage}；" if report is not None and report.coverage else ""
        say(f"{data}：{read}{counts(findings)}。" if findings else f"{data}：{read}未发现问题。")
    failed = count_errors(findings) > 0 or (strict and findings)
    sys.exit(1 if failed else 0)


INIT_EPILOG = """\b
示例 Examples:
  make-report init --year 2023 --agency 某某县某某镇人民政府 -o 2023.yaml
  make-report init --year 2023 --agency 某某县某某镇人民政府 -o 2023.xlsx   # 填报表（Excel、WPS）
  make-report init --from 2022.yaml -o 2023.xlsx          # 年度为上年加一，沿用机关名称等
  make-report init --year 2023 --roster 单位名单.txt -o 各单位/            # 每个单位一个填报表
  make-report init --roster 单位名单.txt --from 上年/ -o 各单位/           # 各单位沿用自己的上年数据
"""


@main.command(epilog=INIT_EPILOG)
@click.option("--year", type=click.IntRange(2008, 2100), help="报告年度（用 --from 时默认为上年加一）。Report year.")
@click.option("--agency", help="机关全称（用 --from 时默认沿用）。Agency's full name.")
@click.option("--from", "previous", metavar="LAST_YEAR", type=click.Path(exists=True),
              help="上年度的数据文件（.yaml/.json/.xlsx）或已公布的报告（.docx/.pdf/.html…）：沿用机关名称、模板，上年结转、现行有效件数，并附上年的“五”供对照；"
                   "用 --roster 时为各单位上年数据文件所在的文件夹。Last year's data file (or folder, with --roster).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="单位名单（每行一个机关全称）：为每个单位生成一个填报表，写到 -o 指定的文件夹。One file per unit.")
@click.option("-o", "--output", type=click.Path(),
              help="新数据文件，按后缀生成 .yaml、.json 或 .xlsx 填报表，默认 <年度>.yaml；用 --roster 时为文件夹。"
                   "Output data file (its suffix chooses the kind), or folder with --roster.")
@click.option("--template", metavar="NAME|PATH", help="写入数据文件的模板。The template the file names.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@reporting_errors
def init(year: int | None, agency: str | None, previous: str | None, roster: str | None, output: str | None,
         template: str | None, force: bool) -> None:
    """生成新年度的数据文件：YAML（每个键都有注释）、JSON 或 Excel 填报表。Write a new data file to fill in."""
    if roster:
        _init_roster(year, agency, previous, roster, output, template, force)
        return
    from ..dataout import DATA_SUFFIXES, new_file_bytes
    from ..datafile import new_data
    agency = checked_agency(agency)
    if previous and Path(previous).is_dir():
        raise click.UsageError("--from 应为上年的数据文件；文件夹只在用 --roster 时使用。--from must be a file.")
    last = api.load_report(previous) if previous else None
    if last is not None and last.coverage:
        say(f"{previous}：从报告{last.coverage}", err=True)
        print_problems([w for w in last.warnings if w.rule == "X1"])
    year = year or (last.year + 1 if last else None)
    if year is None:
        raise click.UsageError("请用 --year 给出报告年度，或用 --from 给出上年的数据文件。Give --year or --from.")
    if not (agency or last):
        raise click.UsageError("请用 --agency 给出机关全称，或用 --from 给出上年的数据文件。Give --agency or --from.")
    target = Path(output or f"{year}.yaml")
    refuse_overwrite(target, force, [(Path(previous), "上年数据文件")] if previous else [], DATA_SUFFIXES)
    new = new_data(year, agency, last, template, output_dir=target.parent)
    api.write_atomic(target, new_file_bytes(new, target))
    say(target)
    say(f"已生成 {target}：填写各部分正文和表格数字后，运行 make-report {target}", err=True)


def _init_roster(year: int | None, agency: str | None, previous: str | None, roster: str, output: str | None,
                 template: str | None, force: bool) -> None:
    """`init --roster`: one workbook per unit, into the folder -o names, all or none."""
    from .. import county
    from ..dataout import roster_plan
    from ..outputs import Staged
    if agency:
        raise click.UsageError("用 --roster 时各单位的名称取自名单，不能再用 --agency。Do not give --agency with --roster.")
    if not output:
        raise click.UsageError("请用 -o 给出写入各单位填报表的文件夹。Give -o FOLDER.")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise click.UsageError(f"{folder} 不是文件夹；用 --roster 时 -o 应为文件夹。-o must be a folder.")
    last_year = _last_year(Path(previous)) if previous else None
    year = year or (max(r.year for r in last_year.values()) + 1 if last_year else None)
    if year is None:
        raise click.UsageError("请用 --year 给出报告年度。Give --year.")
    names = county.read_roster(Path(roster))
    if not names:
        raise ReportError(f"单位名单 {roster} 中没有单位（每行一个机关全称）；未生成任何文件")
    plan = roster_plan(names, year, folder, ".xlsx", last_year, template)
    inputs = [(Path(roster), "单位名单")] + [(r.source, "上年数据文件") for r in (last_year or {}).values() if r.source]
    refuse_overwriting(list(plan.files), inputs)  # even with --force: last year's files stay
    existing = [path for path in plan.files if path.exists()]
    if existing and not force:
        raise ReportError(f"{folder} 中已有 {len(existing)} 个同名文件（如 {existing[0].name}），未生成任何文件；要覆盖请加 --force")
    folder.mkdir(parents=True, exist_ok=True)
    with Staged() as out:
        for path, blob in plan.files.items():
            out.add(path, blob)
        out.commit()
    for agency_name in plan.without_last_year:
        say(f"提示：{agency_name} 在 {previous} 中没有上年的数据文件，已生成空白的填报表", err=True)
    say(f"已在 {folder} 中为 {len(plan.files)} 个单位生成填报表。", err=True)


def _last_year(folder: Path) -> dict:
    """Last year's report of each unit in `folder`, by `county.name_key` of its agency; a file
    that cannot be read is said and skipped."""
    from .. import batch, county
    if not folder.is_dir():
        raise click.UsageError("用 --roster 时 --from 应为各单位上年数据文件所在的文件夹。--from must be a folder.")
    reports = {}
    for source in batch.data_files([folder]):
        try:
            report = api.load_report(source)
        except DataError as exc:
            say(f"提示：{source} 有 {count_errors(exc.problems)} 处错误，未沿用其上年数据", err=True)
            continue
        twin = reports.get(county.name_key(report.agency))
        if twin is not None:
            raise ReportError(f"{twin.source} 和 {source} 都是 {report.agency} 的上年数据，不知道该沿用哪一个；"
                              "请删去或移走其中一个，未生成任何文件")
        reports[county.name_key(report.agency)] = report
    return reports


CONVERT_EPILOG = """\b
示例 Examples:
  make-report convert 2023.xlsx -o 2023.yaml     # 填报表 → YAML
  make-report convert 2023.yaml -o 2023.xlsx     # YAML → 填报表（内容完整，可继续填写）
"""


@main.command(epilog=CONVERT_EPILOG)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="转换后的数据文件：.yaml、.json 或 .xlsx（按后缀）。Output data file.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@reporting_errors
def convert(data: str, output: str, force: bool) -> None:
    """在 YAML、JSON 和 Excel 填报表之间转换数据文件，内容不丢失。Convert a data file."""
    from ..dataout import DATA_SUFFIXES, converted_bytes
    target = Path(output)
    refuse_overwrite(target, force, [(Path(data), "要转换的数据文件")], DATA_SUFFIXES)
    report = api.load_report(data)
    print_problems(list(report.warnings))
    api.write_atomic(target, converted_bytes(report, target))
    say(target)


@main.command()
def schema() -> None:
    """打印数据文件的 JSON Schema（供编辑器补全和校验）。Print the data file's JSON Schema."""
    from ..schema import json_schema_text
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
@reporting_errors
def sum_command(data: tuple[str, ...], agency: str, year: int | None, roster: str | None, output: str | None,
                force: bool) -> None:
    """把各单位的表格数字逐格相加，生成全县（区）汇总报告的数据文件。Add up the units' tables.

    各单位的年度、格式必须一致；有错误的单位会被点名，改正后才能汇总。正文留待撰写。
    """
    from .. import batch, county
    agency = checked_agency(agency)
    paths = batch.data_files(data)
    names = county.read_roster(Path(roster)) if roster else None
    summary = county.sum_units(paths, agency, year, names)
    if not summary.ok:
        faulty = {p.path for p in summary.problems if p.is_error and p.path}
        what = f"{len(faulty)} 个单位的数据有问题，" if faulty else ""
        click.echo(f"错误：{what}无法汇总，未生成文件。", err=True)
        print_problems([p for p in summary.problems if p.is_error])
        sys.exit(1)
    target = Path(output or f"county-{summary.units[0].year}.yaml")
    units = [(u.source, "单位数据文件") for u in summary.units]  # a summary it skipped may be replaced
    refuse_overwrite(target, force, units + ([(Path(roster), "单位名单")] if roster else []))
    print_problems(summary.problems)
    api.write_atomic(target, summary.text.encode("utf-8"))
    say(target)
    say(f"已汇总 {len(summary.units)} 个单位；写好正文后运行 make-report {target}", err=True)


EXTRACT_EPILOG = """\b
示例 Examples:
  make-report extract 2022年报.docx -o 2022.yaml
  make-report extract 2022年报.pdf -o 2022.yaml        # 也读 .doc、.wps（需要 LibreOffice）
  make-report extract 网页.html --agency 某某县某某镇人民政府 && make-report check 网页.yaml
"""


@main.command(epilog=EXTRACT_EPILOG)
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="数据文件，默认 <报告文件名>.yaml。Output data file (default: <report stem>.yaml).")
@click.option("--agency", help="机关全称（报告中找不到时）。The agency, when the report does not say.")
@click.option("--year", type=click.IntRange(2008, 2100), help="报告年度（报告中找不到时）。The report year.")
@click.option("--force", is_flag=True, help="覆盖已有文件。Overwrite an existing file.")
@reporting_errors
def extract(report: str, output: str | None, agency: str | None, year: int | None, force: bool) -> None:
    """把已公布的年度报告（.pdf、.docx、.doc、.wps、网页 .html/.htm、单个文件网页 .mht/.mhtml 或其文字 .txt）读回成数据文件。Read a report back.

    按官方标签找出三张表格和六个部分；读不出的、按 0 读取的都逐条列出，不静默猜测。
    读回的文件可以用 make-report check 检查（已公布报告的审核），也可以作为新一年的起点。
    """
    from ..extract import data_file_text
    from ..extract import extract as read_report
    source = Path(report)
    try:
        result = read_report(source, checked_agency(agency), year)
    except DataError as exc:
        say(f"错误：无法读回 {source}：{'；'.join(p.message for p in exc.problems)}", err=True)
        sys.exit(1)
    target = Path(output or source.with_suffix(".yaml").name)
    refuse_overwrite(target, force, [(source, "读回的报告")])
    api.write_atomic(target, data_file_text(result, source).encode("utf-8"))
    print_problems(result.problems)
    say(target)
    say(f"已读回 {source}：{result.coverage}，{len(result.problems)} 处需要核对；运行 make-report check {target} 检查数字。",
               err=True)
