"""A new data file to fill in, as commented YAML text: `make-report init` (and `sum`, which
writes the county's). Every key is written with its official label, read from the spec.

    new_data_file(2023, "某镇人民政府")        # make-report init
    new_data_file(2023, previous=last_year)  # … carrying over what carries over
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from . import spec
from .model import Kind, Report
from .schema import SCHEMA_FILE
from .values import Value
from .variants import DEFAULT_FOR_FORMAT, is_path
from .yamltext import comment, scalar

# ---------------------------------------------------------------------------
# A new data file

def _flow(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in row.items()) + "}"


def _format_for(year: int) -> int:
    return spec.FORMAT_2019 if year < spec.FIRST_YEAR_2021_FORMAT else spec.FORMAT_2021


@dataclass
class Tables:
    """The numbers a new data file starts with (every value a data file gives, by key), and
    notes to write beside their rows (by the row's key path)."""

    values: dict[str, Value]
    notes: dict[tuple[str, ...], str] = field(default_factory=dict)


def zero_tables(fmt: spec.FormatSpec) -> Tables:
    """Every value of `fmt` that a data file gives, at 0."""
    return Tables({f.key: 0 for f in fmt.fields if not f.computed})


def _carried_template(previous: Report, fmt: spec.FormatSpec, output_dir: Optional[Path]) -> Optional[str]:
    """Last year's `template:`, as the new file must write it: a path made relative to the new
    file's folder; a variant of the other format dropped (the format's default is used)."""
    name = previous.template
    if name is None:
        return None
    if not is_path(name):
        return name if DEFAULT_FOR_FORMAT.get(previous.format) != name or previous.format == fmt.year else None
    path = Path(name).expanduser()
    if not path.is_absolute() and previous.source is not None:
        path = previous.source.parent / path
    if output_dir is None:
        return str(path)
    return os.path.relpath(path.resolve(), output_dir.resolve())


#: what 六 says when no 信息处理费 was charged (a new data file's one sentence of 六)
NO_FEES = "本年度未收取信息处理费。"


def default_narrative(year: int) -> dict[str, list]:
    """The narrative a new data file starts with: the opening sentence, the five 总体情况 topics
    as titled blocks to fill, an empty 五, 六's sentence on 信息处理费."""
    return {
        "preamble": [f"根据《中华人民共和国政府信息公开条例》，现将{year}年度政府信息公开工作情况报告如下。"],
        "overview": [{"title": topic, "paragraphs": [""]} for topic, _ in spec.OVERVIEW_TOPICS],
        "problems": [""],
        "other_matters": [NO_FEES],
    }


@dataclass
class NewData:
    """What a new data file starts with, whatever it is written as (YAML or a workbook)."""

    year: int
    agency: str
    fmt: spec.FormatSpec
    tables: Tables
    template: Optional[str] = None
    #: last year's 五, to remind whoever writes this year's (never printed)
    reminder: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The new file's content as a data mapping: what its YAML loads to."""
        head = {"year": self.year, "agency": self.agency, "format": self.fmt.year}
        if self.template:
            head["template"] = self.template
        narrative = default_narrative(self.year)
        tables = {key: {"text": [], **table} for key, table in spec.nest(self.tables.values).items()}
        return {**head, **{key: narrative.get(key) or tables.get(key) for key in _BODY_KEYS}}


#: the keys of a data file after its head, in the order of the report
_BODY_KEYS = ("preamble", "overview", "proactive", "applications", "reviews", "problems", "other_matters")


def new_data(year: int, agency: Optional[str] = None, previous: Optional[Report] = None,
             template: Optional[str] = None, output_dir: Optional[Path] = None) -> NewData:
    """What a new data file for `year` holds: zeros in the tables, and from `previous` (last
    year's report) the agency, the template, 上年结转 (= last year's 结转下年度), 现行有效件数,
    and last year's 五 as a reminder."""
    agency = agency or (previous.agency if previous else "")
    fmt = spec.FORMATS[_format_for(year)]
    template = template or (_carried_template(previous, fmt, output_dir) if previous else None)
    new = NewData(year, agency, fmt, zero_tables(fmt), template)
    if previous is not None:
        _carry_over(previous, fmt, new.tables)
        _not_carried(previous, new.tables)
        if previous.narrative["problems"]:
            new.reminder = [f"上年（{previous.year}年度）报告的 五，供撰写整改情况时对照（不会印出）："]
            new.reminder += [f"- {p.heading}{p.text}" for p in previous.narrative["problems"]]
    return new


def new_data_file(year: int, agency: Optional[str] = None, previous: Optional[Report] = None,
                  template: Optional[str] = None, output_dir: Optional[Path] = None) -> str:
    """A complete data file for `year` as commented YAML text (see `new_data`): every key,
    each with its official label, last year's 五 as a comment. It loads and renders as written
    (with warnings for the empty paragraphs)."""
    new = new_data(year, agency, previous, template, output_dir)
    return write_data_file(year, new.agency, new.fmt, new.tables, template=new.template,
                           problems_reminder=new.reminder)


def _not_carried(previous: Report, tables: Tables) -> None:
    """Say so beside each row whose carried number last year's report (read back) did not give:
    it was not read, so it is not carried over as if it were 0."""
    for key in previous.unread:
        path = tuple(key.split("."))
        if path[:2] == ("applications", "carried_forward"):
            tables.notes[("applications", "carried_over")] = f"上年报告中 {key} 等格子未读出，不能沿用，请对照上年报告填写"
        elif path[0] == "proactive" and path[-1] in ("in_force", "previous_items", "change"):
            tables.notes[path[:2]] = f"上年报告中 {key} 未读出，不能沿用，请对照上年报告填写"


def _carry_over(previous: Report, fmt: spec.FormatSpec, tables: Tables) -> None:
    """Last year's numbers that start this year: 上年结转 (= last year's 结转下年度, and 结转下年度
    too for now, so that the table balances), 现行有效件数, 2019's 上一年项目数量."""
    values, last = tables.values, previous.values
    carried = {key: last[f"applications.carried_forward.{key}"] for key in spec.APPLICANT_KEYS}
    for key, count in carried.items():
        values[f"applications.carried_over.{key}"] = count
    forward = fmt.row(("applications", "carried_forward"))
    tables.notes[("applications", "carried_over")] = f"取自{previous.year}年度报告的 {forward.labels[-1]}"
    if any(carried.values()):
        for key, count in carried.items():
            values[f"applications.carried_forward.{key}"] = count
        tables.notes[forward.path] = "暂与上年结转相同，使表格平衡；办结后请改为实际结转数"
    same = previous.format == fmt.year
    for row in fmt.rows("proactive"):
        base = ".".join(row.path)
        if f"{base}.previous_items" in values and same:
            values[f"{base}.previous_items"] = last[f"{base}.previous_items"] + last[f"{base}.change"]
            tables.notes[row.path] = "上一年项目数量 = 上年的上一年项目数量 + 本年增/减"
        if f"{base}.in_force" in values:
            if same:
                values[f"{base}.in_force"] = last[f"{base}.in_force"]
            tables.notes[row.path] = ("现行有效件数取自上年，本年制发、废止后请相应增减" if same
                                      else f"上年为 {previous.format} 格式，没有现行有效件数，请填写")


def write_data_file(year: int, agency: str, fmt: spec.FormatSpec, tables: Tables, template: Optional[str] = None,
                    header: tuple[str, ...] = (), problems_reminder: list[str] = (),
                    made_by: str = "make-report init") -> str:
    """A data file as commented YAML text: the given table numbers, the narrative to write."""
    labels, narrative = spec.TOP_LEVEL_LABELS, default_narrative(year)
    out = [
        comment(f"# {agency}{year}年{spec.REPORT_NAME}的数据文件（{made_by} 生成）。"),
        "# 填写各部分正文和表格数字（未填的表格为 0），然后运行：make-report 本文件。",
        f"# 编辑器补全与校验：make-report schema > {SCHEMA_FILE}，再去掉下一行开头的 “# ”。",
        f"# # yaml-language-server: $schema={SCHEMA_FILE}",
        *(comment(f"# {line}") for line in header),
        "",
        f"year: {year}  # {labels['year']}",
        f"agency: {scalar(agency)}  # {labels['agency']}",
        f"format: {fmt.year}  # {labels['format']}：{fmt.notice}",
        (f"template: {scalar(template)}  # {labels['template']}" if template else
         f"# template: default  # {labels['template']}（make-report templates 列出可用的模板）"),
        f"# title: {scalar(agency + str(year) + '年' + spec.REPORT_NAME)}  # {labels['title']}（不写时即为此）",
        f"# date: {year + 1}-01-20  # {labels['date']}（落款）：填写后报告末尾有机关名称和日期",
        f"# contact: {{name: 张三, phone: \"0825-1234567\"}}  # {labels['contact']}："
        + "、".join(spec.CONTACT_LABELS.values()) + "（不印出，供汇总单位联系）",
        "",
        f"preamble:  # {labels['preamble']}（一、之前）",
        f"  - {narrative['preamble'][0]}",
        "",
        f"overview:  # {labels['overview']}：以下五个方面各写一段或几段",
    ]
    for block in narrative["overview"]:
        out += [f"  - title: {block['title']}", "    paragraphs:", '      - ""']
    out += ["", f"proactive:  # {labels['proactive']}", "  text: []  # 表格前的说明文字（可不写）"]
    out += _proactive_lines(fmt, tables)
    out += ["", f"applications:  # {labels['applications']}", "  text: []"]
    out += _application_lines(fmt, tables)
    out += ["", f"reviews:  # {labels['reviews']}", "  text: []"]
    out += [f"  {row.path[-1]}: {_flow(row, tables)}  # {row.label}（{spec.REVIEW_PARTS_LABEL}；总计自动计算）"
            for row in fmt.rows("reviews")]
    out += ["", f"problems:  # {labels['problems']}：存在的主要问题、改进措施，以及上年问题的整改情况", '  - ""']
    out += [comment(f"  # {line}") for line in problems_reminder]
    out += ["", f"other_matters:  # {labels['other_matters']}",
            f"  - {NO_FEES}  # 如收取了信息处理费，改为：本年度收取信息处理费 N 元。", ""]
    return "\n".join(out)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return scalar(value)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _flow(row: spec.FieldRow, tables: Tables) -> str:
    """A row's values, as a one-line mapping: {natural: 1, business: 0, …}."""
    return "{" + ", ".join(f"{f.path[-1]}: {_value(tables.values[f.key])}" for f in row.fields if not f.computed) + "}"


def _note(row: spec.FieldRow, tables: Tables, before: str, after: str = "") -> str:
    note = tables.notes.get(row.path)
    return f"{before}{note}{after}" if note else ""


def _proactive_lines(fmt: spec.FormatSpec, tables: Tables) -> list[str]:
    lines = []
    for row in fmt.rows("proactive"):
        written = _value(tables.values[row.fields[0].key]) if row.single else _flow(row, tables)
        names = "/".join(f.column_label for f in row.fields)
        lines.append(f"  {row.path[-1]}: {written}  " + comment(f"# {row.label} {names}" + _note(row, tables, "；")))
    return lines


def _application_lines(fmt: spec.FormatSpec, tables: Tables) -> list[str]:
    lines, group = [], None
    for row in fmt.rows("applications"):
        if row.computed:
            lines.append(f"  # total: {{…}}  # {''.join(row.labels)}：各列自动计算，不必填写")
            group = None
            continue
        if len(row.path) == 3 and row.path[1] != group:
            group = row.path[1]
            lines.append(f"  {group}:  # {''.join(row.labels[:2])}")
        elif len(row.path) == 2:
            group = None
        indent = "    " if len(row.path) == 3 else "  "
        lines.append(f"{indent}{row.path[-1]}: {_flow(row, tables)}  "
                     + comment(f"# {row.labels[-1]}" + _note(row, tables, "（", "）")))
    return lines


# ---------------------------------------------------------------------------
# A report as a data mapping: what `convert` writes


def report_data(report: Report) -> dict[str, Any]:
    """The data mapping of a report, which reads back to the same report: the head, the
    narrative as blocks, every value a data file gives (totals only where the file wrote one)."""
    data: dict[str, Any] = {"year": report.year, "agency": report.agency, "format": report.format}
    optional = {"template": report.template, "date": report.date, "contact": dict(report.contact),
                "title": report.title if report.title != f"{report.agency}{report.year}年{spec.REPORT_NAME}" else None,
                "unread": list(report.unread)}
    data.update((key, optional[key]) for key in ("template", "title", "date", "contact", "unread") if optional[key])
    given = {f.key: report.values[f.key] for f in report.spec.fields if not f.computed}
    given.update(report.given_totals)
    tables = spec.nest({f.key: given[f.key] for f in report.spec.fields if f.key in given})
    for key_path, _ in spec.NARRATIVE_FIELDS:
        blocks = narrative_blocks(report.narrative[".".join(key_path)], key_path)
        if len(key_path) == 1:
            data[key_path[0]] = blocks
        else:
            data[key_path[0]] = {"text": blocks, **tables[key_path[0]]}
    return {key: data[key] for key in (*[k for k in data if k not in _BODY_KEYS], *_BODY_KEYS)}


def narrative_blocks(paragraphs, key_path: tuple[str, ...]) -> list[Any]:
    """A section's paragraphs as the blocks a data file writes: a text, {title, text} (a run-in
    heading) or {title, paragraphs}; each block where the paragraph's key path puts it."""
    blocks: dict[int, Any] = {}
    for paragraph in paragraphs:
        index, rest = paragraph.path[len(key_path)], paragraph.path[len(key_path) + 1:]
        if paragraph.kind is Kind.RUNIN:
            blocks[index] = {"title": paragraph.title, "text": paragraph.text}
        elif paragraph.kind is Kind.HEADING:
            blocks[index] = {"title": paragraph.title, "paragraphs": []}
        elif rest:
            blocks[index]["paragraphs"].append(paragraph.text)
        else:
            blocks[index] = paragraph.text
    return list(blocks.values())


def json_text(data: dict[str, Any]) -> str:
    """A data mapping as JSON text: amounts as text keeping their digits ("12.50"), dates as
    "YYYY-MM-DD"."""
    def plain(value: Any) -> str:
        if isinstance(value, (Decimal, dt.date)):
            return format(value, "f") if isinstance(value, Decimal) else value.isoformat()
        raise TypeError(type(value).__name__)
    return json.dumps(data, ensure_ascii=False, indent=2, default=plain) + "\n"
