"""The data file's JSON Schema, for editors: `make-report schema`. A loop over the spec's
value fields, every key described by its official label.
"""

from __future__ import annotations

import json
from typing import Any

from . import spec
from .values import AMOUNT_PATTERN

#: the name `init` suggests for the schema file, beside the data files
SCHEMA_FILE = "xxgk-report.schema.json"

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


def _leaf(field: spec.ValueField, description: str) -> dict:
    return {**_KINDS[field.kind], "description": description}


def _table(fmt: spec.FormatSpec, table: str) -> dict:
    """A table's mapping: its rows (and groups of rows) as the data tree nests them, each value
    described by its official label, as the official format names rows and columns."""
    properties: dict[str, Any] = {"text": _section("说明文字")}
    for row in fmt.rows(table):
        if row.single:
            properties[row.path[1]] = _leaf(row.fields[0], row.fields[0].label)
            continue
        columns = {f.path[-1]: _leaf(f, _column_description(f)) for f in row.fields}
        if len(row.path) > 2:  # a row of a group: 三、本年度办理结果（三）不予公开 / 1.属于国家秘密
            group = properties.setdefault(row.path[1], _object({}, "".join(row.labels[:2])))
            group["properties"][row.path[2]] = _object(columns, row.labels[-1])
        else:
            properties[row.path[1]] = _object(columns, _row_description(row))
    return _object(properties, spec.TOP_LEVEL_LABELS[table])


def _row_description(row: spec.FieldRow) -> str:
    return {"proactive": row.label, "applications": "".join(row.labels)}.get(row.path[0], row.label)


def _column_description(field: spec.ValueField) -> str:
    return field.column_label if field.table != "applications" else " / ".join(field.column_labels)


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
        return {"properties": {"proactive": _table(fmt, "proactive"), "applications": _table(fmt, "applications")}}

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
            "contact": {"type": ["object", "null"], "additionalProperties": False,
                        "description": labels["contact"] + "（不印出，供汇总单位联系）",
                        "properties": {key: {"type": "string", "description": label}
                                       for key, label in spec.CONTACT_LABELS.items()}},
            "unread": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                       "description": labels["unread"] + "（make-report extract 写出：读回时未读出的格子，核对时不当作 0）"},
            **{key[0]: _section(label) for key, label in spec.NARRATIVE_FIELDS if len(key) == 1},
            "proactive": {"type": ["object", "null"], "description": labels["proactive"]},
            "applications": {"type": ["object", "null"], "description": labels["applications"]},
            "reviews": _table(spec.FORMAT_2021_SPEC, "reviews"),
        },
        "if": is_2019,
        "then": tables(spec.FORMAT_2019_SPEC),
        "else": tables(spec.FORMAT_2021_SPEC),
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
