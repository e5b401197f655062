"""Reading data files: YAML and JSON, with line numbers for what cannot be read."""

from decimal import Decimal

import pytest
import yaml

from xxgk_report.errors import DataError
from xxgk_report.model import load_report


def test_unquoted_yaml_decimal_keeps_trailing_zero(write_data):
    path = write_data("year: 2022\nagency: 某镇\nproactive:\n  fees: 12.50\n")
    assert load_report(path).proactive["fees"] == Decimal("12.50")


def test_malformed_yaml_names_the_line(write_data):
    path = write_data("year: 2022\nagency: 某镇\napplications:\n  received: {natural: 1\n  granted: {}\n")
    with pytest.raises(DataError) as info:
        load_report(path)
    (problem,) = info.value.problems
    assert problem.message.startswith("第 5 行") and "YAML 语法错误" in problem.message


def test_duplicate_keys_are_refused(write_data):
    path = write_data("year: 2022\nagency: 某镇\nyear: 2023\n")
    with pytest.raises(DataError) as info:
        load_report(path)
    assert "键 “year” 重复出现（第 1 行已有）" in info.value.problems[0].message
    assert info.value.problems[0].message.startswith("第 3 行")


def test_json_is_read_like_yaml(write_data):
    path = write_data('{"year": 2022, "agency": "某镇", "proactive": {"fees": 1.50}}', "report.json")
    assert load_report(path).proactive["fees"] == Decimal("1.50")
    bad = write_data('{"year": 2022,\n "agency": }', "bad.json")
    with pytest.raises(DataError) as info:
        load_report(bad)
    assert info.value.problems[0].message.startswith("第 2 行第 12 列：JSON 语法错误")


def test_other_suffixes_are_refused(write_data):
    with pytest.raises(DataError) as info:
        load_report(write_data("year: 2022", "report.txt"))
    assert "不支持的文件类型 “.txt”" in str(info.value)


def test_top_level_must_be_a_mapping(write_data):
    with pytest.raises(DataError) as info:
        load_report(write_data("- 1\n- 2\n"))
    assert "应为映射" in str(info.value)


@pytest.mark.parametrize("text, message", [
    ("year: 2022\nagency: 某镇\ndate: 2023-02-29\n", "第 3 行第 7 列：YAML 语法错误（日期 “2023-02-29” 不存在）"),
    ("year: 2022\nagency: 某镇\n? [a, b]\n: 1\n", "第 3 行第 3 列：YAML 语法错误（键不能是列表或映射）"),
    ("year: 2022\nagency: 某镇\nproactive: {fees: !!float abc}\n", "YAML 内容无法读取"),
    # too deep to read: libyaml says where, pure-Python PyYAML runs out of recursion
    ("year: 2022\nagency: 某镇\n" + "x: " + "[" * 5000 + "\n",
     "第 3 行第 1003 列：YAML 语法错误" if yaml.__with_libyaml__ else "YAML"),
])
def test_unreadable_yaml_values_give_a_message_not_a_traceback(write_data, text, message):
    with pytest.raises(DataError) as info:
        load_report(write_data(text))
    assert info.value.problems[0].message.startswith(message)


def test_json_duplicate_keys_are_refused(write_data):
    with pytest.raises(DataError) as info:
        load_report(write_data('{"year": 2022, "agency": "某镇", "year": 2023}', "r.json"))
    assert info.value.problems[0].message == "JSON 内容无法读取（键 “year” 重复出现）"


def test_yaml_merge_keys_work(write_data):
    text = "year: 2022\nagency: 某镇\napplications:\n  received: &r {natural: 2}\n  granted: {<<: *r, business: 1}\n"
    assert load_report(write_data(text)).applications["granted"]["total"] == 3


@pytest.mark.parametrize("written", ["010", "0x1F", "1:30", "0o7"])
def test_counts_only_in_decimal(write_data, written):
    with pytest.raises(DataError) as info:
        load_report(write_data(f"year: 2022\nagency: 某镇\nproactive:\n  licensing: {written}\n"))
    assert info.value.problems[0].message.endswith(f"应为非负整数，实际为 文字 “{written}”")
