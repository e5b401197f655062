"""data/example-2022.yaml: the seed report, every key commented with its official label."""

import re

from xxgk_report import spec

from .conftest import EXAMPLE, read_yaml


def test_every_key_line_has_a_comment():
    for number, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), start=1):
        key = re.match(r"\s*(?:- )?([a-z_]+):", line)
        if key:
            assert "#" in line, f"line {number} has no comment: {line}"


def test_table_keys_are_commented_with_their_official_labels():
    text = EXAMPLE.read_text(encoding="utf-8")
    labels = spec.table_field_labels()
    for row in spec.APPLICATION_ROWS_2021:
        if row.computed:
            continue
        line = next(s for s in text.splitlines() if re.match(rf"\s*{row.path[-1]}:", s) and "natural" in s)
        assert row.labels[-1] in line, line
    assert "一、总体情况" in text and labels[("proactive", "fees")].split(" / ")[-1] in text


def test_example_is_complete():
    data = read_yaml(EXAMPLE)
    assert [b["title"] for b in data["overview"]] == ["主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障"]
    assert len(data["problems"]) == 6 and data["other_matters"] == ["本年度未收取信息处理费。"]
