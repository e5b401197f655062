"""Shared table assertions: every cell of a rendered report's three tables, with its span,
against the spec's layout and values computed here from the data file (not by the library)."""

from __future__ import annotations

from xxgk_report import spec

from . import docx_reader as dr


def _dig(data: dict, path) -> dict:
    for key in path:
        data = (data or {}).get(key, {})
    return data or {}


def _result_rows(apps: dict) -> list[dict]:
    """The 三、本年度办理结果 rows of a data file's applications, read from the data
    (a group of items, or, as 2019's （六）其他处理, a single row)."""
    rows = [apps.get("granted", {}), apps.get("partially_granted", {})]
    for group in ("withheld", "cannot_provide", "not_handled", "other_handling"):
        value = apps.get(group, {}) or {}
        if value and all(isinstance(v, dict) for v in value.values()):
            rows += list(value.values())
        else:
            rows.append(value)
    return rows


def expected_value(data: dict, field: tuple[str, ...]) -> str:
    """What a value cell must show, computed from the data file."""
    section, *path = field
    if section == "applications":
        *row_path, column = path
        rows = _result_rows(data["applications"]) if row_path == ["total"] else [_dig(data["applications"], row_path)]
        if column == "total":
            return str(sum(sum(v for k, v in row.items() if k != "total") for row in rows))
        return str(sum(row.get(column, 0) for row in rows))
    if section == "reviews":
        group = _dig(data.get("reviews", {}), path[:1])
        return str(sum(v for k, v in group.items() if k != "total") if path[1] == "total" else group.get(path[1], 0))
    proactive = data.get("proactive", {})
    value = _dig(proactive, path[:1]).get(path[1], 0) if len(path) == 2 else proactive.get(path[0], 0)
    return str(value)


def assert_tables_match(blob: bytes, data: dict, fmt: spec.FormatSpec = spec.FORMAT_2021_SPEC) -> None:
    read = dr.tables(blob)
    assert len(read) == 3
    for table, found in zip(fmt.tables(), read, strict=True):
        assert found.problems == [], table.key
        assert found.grid == list(table.widths) and found.width == sum(table.widths) <= 8845
        assert found.header_rows == table.header_rows
        expected = sorted(
            (c.row, c.col, c.rowspan, c.colspan, c.text if c.field is None else expected_value(data, c.field))
            for c in table.cells)
        assert sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in found.cells) == expected, table.key
