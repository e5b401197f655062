"""The data file itself: its JSON Schema (for editors) and a new, commented file to fill in.

    json_schema()                            # make-report schema
    new_data_file(2023, "某镇人民政府")        # make-report init, as YAML text
    new_data_file(2023, previous=last_year)  # … carrying over what carries over

Both are read from the spec, like everything else: every key, every official label.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional


from . import spec
from .model import AMOUNT_PATTERN, Report
from .variants import DEFAULT_FOR_FORMAT, is_path
from .yamltext import comment, scalar

# ---------------------------------------------------------------------------
# JSON Schema

_COUNT = {"type": "integer", "minimum": 0, "maximum": 10**12 - 1}
_KINDS = {
    spec.COUNT: _COUNT,
    spec.SIGNED: {"type": "integer", "minimum": -(10**12 - 1), "maximum": 10**12 - 1},
    spec.DECIMAL: {"oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": f"^{AMOUNT_PATTERN}$"}]},
    spec.TEXT: {"type": ["string", "number"]},
}
_TEXT = {"type": "string"}


def _block() -> dict:
    return {"oneOf": [
        {"type": "string", "description": "一段正文"},
        {"type": "object", "description": "段首标题：（一）标题。正文", "additionalProperties": False,
         "required": ["title", "text"], "properties": {"title": _TEXT, "text": _TEXT}},
        {"type": "object", "description": "标题段，下接各段", "additionalProperties": False,
         "required": ["title"], "properties": {"title": _TEXT, "paragraphs": {
             "oneOf": [_TEXT, {"type": "array", "items": _TEXT}]}}},
    ]}


def _section(label: str) -> dict:
    """A narrative section: text, a list of blocks, or left empty (null)."""
    return {"description": label, "oneOf": [_TEXT, {"type": "null"},
                                            {"type": "array", "items": {"oneOf": [_block(), {"type": "null"}]}}]}


def _object(properties: dict, description: str = "") -> dict:
    """A table, group or row: a mapping of the given keys, or left empty (null: all 0)."""
    schema = {"type": ["object", "null"], "additionalProperties": False, "properties": properties}
    return {**schema, "description": description} if description else schema


def _applicant_row(label: str) -> dict:
    return _object({c.key: {**_COUNT, "description": " / ".join(c.labels)} for c in spec.APPLICANT_COLUMNS}, label)


def _proactive(fmt: spec.FormatSpec) -> dict:
    properties: dict[str, Any] = {"text": _section("说明文字")}
    for block in fmt.proactive:
        for key, label in block.rows:
            title = f"{block.title} {label}"
            if len(block.fields) == 1 and not block.fields[0].key:
                field = block.fields[0]
                properties[key] = {**_KINDS[field.kind], "description": f"{title} / {field.label}"}
            else:
                properties[key] = _object({f.key: {**_KINDS[f.kind], "description": f.label} for f in block.fields}, title)
    return _object(properties, spec.TOP_LEVEL_LABELS["proactive"])


def _applications(fmt: spec.FormatSpec) -> dict:
    properties: dict[str, Any] = {"text": _section("说明文字")}
    for row in fmt.application_rows:
        label = "".join(row.labels)
        if len(row.path) == 1:
            properties[row.path[0]] = _applicant_row(label)
        else:
            group = properties.setdefault(row.path[0], _object({}, "".join(row.labels[:2])))
            group["properties"][row.path[1]] = _applicant_row(row.labels[-1])
    return _object(properties, spec.TOP_LEVEL_LABELS["applications"])


def _reviews() -> dict:
    properties: dict[str, Any] = {"text": _section("说明文字")}
    for group in spec.REVIEW_GROUPS:
        properties[group.key] = _object({k: {**_COUNT, "description": label} for k, label in spec.REVIEW_RESULTS},
                                        " / ".join(group.labels))
    return _object(properties, spec.TOP_LEVEL_LABELS["reviews"])


def json_schema() -> dict:
    """The JSON Schema (draft-07) of a data file: every key with its official label as its
    description; the 二 and 三 tables of the format the file uses (2019 for the years before
    2021 unless `format` says otherwise)."""
    labels = spec.TOP_LEVEL_LABELS
    first_2021 = spec.FIRST_YEAR_2021_FORMAT
    is_2019 = {"anyOf": [
        {"required": ["format"], "properties": {"format": {"const": spec.FORMAT_2019}}},
        {"not": {"required": ["format"]}, "properties": {"year": {"maximum": first_2021 - 1}}},
    ]}

    def tables(fmt: spec.FormatSpec) -> dict:
        return {"properties": {"proactive": _proactive(fmt), "applications": _applications(fmt)}}

    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"{spec.REPORT_NAME}数据文件（make-report）",
        "type": "object",
        "additionalProperties": False,
        "required": ["year", "agency"],
        "properties": {
            "year": {"type": "integer", "minimum": 2008, "maximum": 2100, "description": labels["year"]},
            "agency": {"type": "string", "minLength": 1, "description": labels["agency"]},
            "format": {"enum": sorted(spec.FORMATS), "description": labels["format"]},
            "template": {"type": "string", "description": labels["template"] + "：模板名称或 .docx 路径"},
            "title": {"type": "string", "description": labels["title"]},
            "date": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                     "description": labels["date"]},
            **{key[0]: _section(label) for key, label in spec.NARRATIVE_FIELDS if len(key) == 1},
            "proactive": {"type": ["object", "null"], "description": labels["proactive"]},
            "applications": {"type": ["object", "null"], "description": labels["applications"]},
            "reviews": _reviews(),
        },
        "if": is_2019,
        "then": tables(spec.FORMAT_2019_SPEC),
        "else": tables(spec.FORMAT_2021_SPEC),
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# A new data file

SCHEMA_FILE = "xxgk-report.schema.json"


def _flow(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in row.items()) + "}"


def _format_for(year: int) -> int:
    return spec.FORMAT_2019 if year < spec.FIRST_YEAR_2021_FORMAT else spec.FORMAT_2021


@dataclass
class Tables:
    """The numbers a new data file starts with, and notes to write beside them."""

    #: 二: row key → value, or field key → value
    proactive: dict[str, Any]
    #: 三: row path → applicant column → count
    applications: dict[tuple[str, ...], dict[str, int]]
    #: 四: group → result → count
    reviews: dict[str, dict[str, int]]
    #: key path → a note written in the row's comment
    notes: dict[tuple[str, ...], str] = field(default_factory=dict)


def zero_tables(fmt: spec.FormatSpec) -> Tables:
    """Every table cell of `fmt` at 0."""
    proactive: dict[str, Any] = {}
    for block in fmt.proactive:
        for key, _ in block.rows:
            single = len(block.fields) == 1 and not block.fields[0].key
            proactive[key] = 0 if single else {f.key: 0 for f in block.fields}
    applications = {row.path: dict.fromkeys(spec.APPLICANT_KEYS, 0) for row in fmt.application_rows if not row.computed}
    reviews = {group.key: dict.fromkeys(spec.REVIEW_KEYS, 0) for group in spec.REVIEW_GROUPS}
    return Tables(proactive, applications, reviews)


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


def new_data_file(year: int, agency: Optional[str] = None, previous: Optional[Report] = None,
                  template: Optional[str] = None, output_dir: Optional[Path] = None) -> str:
    """A complete data file for `year` as commented YAML text: every key, each with its
    official label; zeros in the tables; the five 总体情况 topics as titled blocks to fill;
    六 with the 信息处理费 sentence. From `previous` (last year's report) it carries the
    agency, the template, 上年结转 (= last year's 结转下年度), 现行有效件数, and last year's
    五 as a commented reminder. It loads and renders as written (with warnings for the
    empty paragraphs)."""
    agency = agency or (previous.agency if previous else "")
    fmt = spec.FORMATS[_format_for(year)]
    template = template or (_carried_template(previous, fmt, output_dir) if previous else None)
    tables = zero_tables(fmt)
    reminder: list[str] = []
    if previous is not None:
        carried = {key: previous.applications["carried_forward"][key] for key in spec.APPLICANT_KEYS}
        tables.applications[("carried_over",)] = dict(carried)
        carried_forward = next(r for r in fmt.application_rows if r.path == ("carried_forward",)).labels[-1]
        tables.notes[("applications", "carried_over")] = f"取自{previous.year}年度报告的 {carried_forward}"
        if any(carried.values()):
            tables.applications[("carried_forward",)] = dict(carried)
            tables.notes[("applications", "carried_forward")] = "暂与上年结转相同，使表格平衡；办结后请改为实际结转数"
        for key, value in tables.proactive.items():
            if isinstance(value, dict) and "previous_items" in value and previous.format == fmt.year:
                last = previous.proactive[key]
                value["previous_items"] = last["previous_items"] + last["change"]
                tables.notes[("proactive", key)] = "上一年项目数量 = 上年的上一年项目数量 + 本年增/减"
            if isinstance(value, dict) and "in_force" in value:
                if previous.format == fmt.year:
                    value["in_force"] = previous.proactive[key]["in_force"]
                    tables.notes[("proactive", key)] = "现行有效件数取自上年，本年制发、废止后请相应增减"
                else:
                    tables.notes[("proactive", key)] = f"上年为 {previous.format} 格式，没有现行有效件数，请填写"
        if previous.narrative["problems"]:
            reminder = [f"上年（{previous.year}年度）报告的 五，供撰写整改情况时对照（不会印出）："]
            reminder += [f"- {p.heading}{p.text}" for p in previous.narrative["problems"]]
    return write_data_file(year, agency, fmt, tables, template=template, problems_reminder=reminder)


def write_data_file(year: int, agency: str, fmt: spec.FormatSpec, tables: Tables, template: Optional[str] = None,
                    header: tuple[str, ...] = (), problems_reminder: list[str] = (),
                    made_by: str = "make-report init") -> str:
    """A data file as commented YAML text: the given table numbers, the narrative to write."""
    labels = spec.TOP_LEVEL_LABELS
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
        "",
        f"preamble:  # {labels['preamble']}（一、之前）",
        f"  - 根据《中华人民共和国政府信息公开条例》，现将{year}年度政府信息公开工作情况报告如下。",
        "",
        f"overview:  # {labels['overview']}：以下五个方面各写一段或几段",
    ]
    for topic, _ in spec.OVERVIEW_TOPICS:
        out += [f"  - title: {topic}", "    paragraphs:", '      - ""']
    out += ["", f"proactive:  # {labels['proactive']}", "  text: []  # 表格前的说明文字（可不写）"]
    out += _proactive_lines(fmt, tables)
    out += ["", f"applications:  # {labels['applications']}", "  text: []"]
    out += _application_lines(fmt, tables)
    out += ["", f"reviews:  # {labels['reviews']}", "  text: []"]
    for group in spec.REVIEW_GROUPS:
        out.append(f"  {group.key}: {_flow(tables.reviews[group.key])}  # {' / '.join(group.labels)}"
                   f"（{spec.REVIEW_PARTS_LABEL}；总计自动计算）")
    out += ["", f"problems:  # {labels['problems']}：存在的主要问题、改进措施，以及上年问题的整改情况", '  - ""']
    out += [comment(f"  # {line}") for line in problems_reminder]
    out += ["", f"other_matters:  # {labels['other_matters']}",
            "  - 本年度未收取信息处理费。  # 如收取了信息处理费，改为：本年度收取信息处理费 N 元。", ""]
    return "\n".join(out)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return scalar(value)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _proactive_lines(fmt: spec.FormatSpec, tables: Tables) -> list[str]:
    lines = []
    for block in fmt.proactive:
        for key, label in block.rows:
            names = "/".join(f.label for f in block.fields)
            note = tables.notes.get(("proactive", key))
            value = tables.proactive[key]
            written = _value(value) if not isinstance(value, dict) else \
                "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
            lines.append(f"  {key}: {written}  " + comment(f"# {block.title} {label} {names}" + (f"；{note}" if note else "")))
    return lines


def _application_lines(fmt: spec.FormatSpec, tables: Tables) -> list[str]:
    lines, group = [], None
    for row in fmt.application_rows:
        if row.computed:
            lines.append(f"  # total: {{…}}  # {''.join(row.labels)}：各列自动计算，不必填写")
            group = None
            continue
        if len(row.path) == 2 and row.path[0] != group:
            group = row.path[0]
            lines.append(f"  {group}:  # {''.join(row.labels[:2])}")
        elif len(row.path) == 1:
            group = None
        indent = "    " if len(row.path) == 2 else "  "
        note = tables.notes.get(("applications",) + row.path)
        lines.append(f"{indent}{row.path[-1]}: {_flow(tables.applications[row.path])}  "
                     + comment(f"# {row.labels[-1]}" + (f"（{note}）" if note else "")))
    return lines
