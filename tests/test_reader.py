"""Reading data files: YAML and JSON, with line numbers for what cannot be read."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from xxgk_report import files
from xxgk_report.errors import DataError
from xxgk_report.model import load_report

from .conftest import within


def test_unquoted_yaml_decimal_keeps_trailing_zero(write_data):
    path = write_data("year: 2022\nagency: 某镇\nproactive:\n  fees: 12.50\n")
    assert load_report(path).tables["proactive"]["fees"] == Decimal("12.50")


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
    assert load_report(path).tables["proactive"]["fees"] == Decimal("1.50")
    bad = write_data('{"year": 2022,\n "agency": }', "bad.json")
    with pytest.raises(DataError) as info:
        load_report(bad)
    assert info.value.problems[0].message.startswith("第 2 行第 12 列：JSON 语法错误")


def test_other_suffixes_are_refused(write_data):
    with pytest.raises(DataError) as info:
        load_report(write_data("year: 2022", "report.ini"))
    assert "不支持的文件类型 “.ini”" in str(info.value)
    with pytest.raises(DataError) as info:  # a .txt is read as a report's text: this is none
        load_report(write_data("year: 2022", "report.txt"))
    assert "这不像一份政府信息公开工作年度报告" in str(info.value)


def test_top_level_must_be_a_mapping(write_data):
    with pytest.raises(DataError) as info:
        load_report(write_data("- 1\n- 2\n"))
    assert "应为映射" in str(info.value)


@pytest.mark.parametrize("text, message", [
    ("year: 2022\nagency: 某镇\ndate: 2023-02-29\n", "第 3 行第 7 列：YAML 语法错误（日期 “2023-02-29” 不存在）"),
    ("year: 2022\nagency: 某镇\n? [a, b]\n: 1\n", "第 3 行第 3 列：YAML 语法错误（键不能是列表或映射）"),
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
    assert load_report(write_data(text)).tables["applications"]["granted"]["total"] == 3


@pytest.mark.parametrize("text", [
    "year: 2022\nagency: 某镇\napplications:\n  granted: {<<: {natural: 2}, business: 1}\n",  # no alias
    "year: 2022\nagency: 某镇\napplications:\n  granted: &g {<<: {natural: 2}, business: 1}\n",  # an anchor
])
def test_a_merge_key_written_in_place_works_with_and_without_anchors(write_data, text):
    assert load_report(write_data(text)).tables["applications"]["granted"]["total"] == 3


@pytest.mark.parametrize("anchor", ["", "&a "])
def test_a_duplicate_key_names_the_line_of_the_first_with_and_without_anchors(write_data, anchor):
    path = write_data(f"year: 2022\nagency: 某镇\nproactive: {anchor}\n  licensing: 1\n  penalties: 2\n  licensing: 3\n")
    (problem,) = _problems(path)
    assert problem.message.startswith("第 6 行") and "键 “licensing” 重复出现（第 4 行已有）" in problem.message


def test_a_plain_scalar_reads_the_same_every_time_it_is_seen(write_data):
    # the tags of plain scalars are remembered between files: a value seen before reads the same
    text = "year: 2022\nagency: 某镇\nproactive:\n  licensing: {}\n  penalties: 1\n"
    for written, expected in [("010", "“010”（这种写法不能作为数字读取）"), ("yes", "true"), ("'7'", "文字 “7”")]:
        for _ in range(2):
            (problem,) = _problems(write_data(text.format(written)))
            assert problem.message.endswith(f"应为非负整数，实际为 {expected}"), problem.message
    assert load_report(write_data(text.format("7"))).tables["proactive"]["licensing"] == 7


@pytest.mark.parametrize("written", ["010", "0x1F", "1:30", "0o7", "1_000", "1e3", "1.0e+3", ".inf"])
def test_counts_only_in_decimal(write_data, written):
    with pytest.raises(DataError) as info:
        load_report(write_data(f"year: 2022\nagency: 某镇\nproactive:\n  licensing: {written}\n"))
    shown = f"文字 “{written}”" if written in ("0o7", "1e3") else f"“{written}”（这种写法不能作为数字读取）"
    assert info.value.problems[0].message.endswith(f"应为非负整数，实际为 {shown}")


# --- hostile and careless input: bounded, and a Chinese message naming the field ---------------


def _problems(path):
    with within(20), pytest.raises(DataError) as info:
        load_report(path)
    return info.value.problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_a_fifo_named_like_a_data_file_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    (problem,) = _problems(fifo)
    assert problem.message == f"数据文件 {fifo} 是管道或设备文件，不是普通文件，未读取"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="POSIX device")
def test_a_device_named_like_a_data_file_is_refused(tmp_path):
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "是管道或设备文件，不是普通文件" in _problems(link)[0].message


def test_a_data_file_over_the_limit_is_refused_after_reading_the_limit(write_data):
    path = write_data("year: 2022\nagency: 某镇\n# " + "x" * files.MAX_DATA_FILE + "\n")
    assert _problems(path)[0].message == f"数据文件 {path} 超过 10.0 MB，未读取（这么大的文件不会是年度报告的数据文件）"


def test_aliases_that_expand_beyond_the_limit_are_refused_before_building(write_data):
    # 3 MB of text, 64 aliases of it in each of 16 rows: 3 GB once expanded
    text = "year: 2022\nagency: 某镇\nx: &a " + "y" * (3 * 2**20) + "\nproblems:\n"
    text += "".join("  - [" + ", ".join(["*a"] * 64) + "]\n" for _ in range(16))
    (problem,) = _problems(write_data(text))
    assert problem.message.startswith("YAML 的锚点和别名（& 与 *）展开后超过 20 MB，未读取")


def test_a_billion_laughs_is_refused(write_data):
    lines = ["year: 2022", "agency: 某镇", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (problem,) = _problems(write_data("\n".join(lines) + "\n"))
    assert "展开后超过 20 MB" in problem.message


def test_an_alias_inside_itself_is_refused(write_data):
    (problem,) = _problems(write_data("year: 2022\nagency: 某镇\nproblems: &p [a, *p]\n"))
    assert "YAML 的别名引用了包含它自己的内容" in problem.message or "YAML 语法错误" in problem.message


def test_raw_control_characters_in_yaml_are_removed_with_the_field_named(write_data):
    report = load_report(write_data("year: 2022\nagency: 某\x07镇\nproblems:\n  - 问题\x1b[31m一\x80。\n"))
    assert report.agency == "某镇" and report.narrative["problems"][0].text == "问题[31m一。"
    assert [str(w) for w in report.warnings] == [
        "警告 T2 agency「机关全称」：已删除控制字符 U+0007（常见于从 Word/Excel 粘贴的文字）",
        "警告 T2 problems[0]「五、存在的主要问题及改进情况 / 第1项」：已删除控制字符 U+001B、U+0080（常见于从 Word/Excel 粘贴的文字）"]


def test_control_characters_in_a_comment_are_harmless(write_data):
    assert load_report(write_data("year: 2022  # \x07\nagency: 某镇\n")).agency == "某镇"


@pytest.mark.parametrize("text, suffix", [
    ("year: 2022\nagency: 某镇\nproactive: {licensing: " + "9" * 5000 + "}\n", "report.yaml"),
    ('{"year": 2022, "agency": "某镇", "proactive": {"licensing": ' + "9" * 5000 + "}}", "report.json"),
])
def test_integers_of_thousands_of_digits_name_the_field(write_data, text, suffix):
    (problem,) = _problems(write_data(text, suffix))
    assert str(problem) == ("错误 V1 proactive.licensing「第二十条第（五）项 行政许可 / 本年处理决定数量」："
                            "数字过大：计数最多 12 位，请核对")


@pytest.mark.parametrize("text, message", [
    ("year: 2022\nagency: 某镇\nproblems: !!set {a, b}\n", "错误 D1 problems「五、存在的主要问题及改进情况」：应为段落列表，实际为集合（!!set）"),
    ("year: 2022\nagency: 某镇\n~: 1\n", "错误 D1 键应为文字，实际为空值（如 ~ 或数字）；可用的键："),
    ("year: 2022\nagency: 某镇\nproblems: [!!binary aGk=]\n", "错误 D1 problems[0]「五、存在的主要问题及改进情况 / 第1项」：应为文字，实际为 二进制数据（!!binary）"),
])
def test_odd_yaml_types_are_described_in_chinese_never_as_python(write_data, text, message):
    (problem,) = _problems(write_data(text))
    assert str(problem).startswith(message)
    assert "{" not in str(problem) and "None" not in str(problem) and "b'" not in str(problem)


@pytest.mark.parametrize("written", ['"1e3"', '"١٢"', '"１２.５"', '"12_000"', '"+5"', '" 12"', "1e3", "12_000.5",
                                     '"NaN"', ".nan"])
def test_fees_take_one_notation_the_schema_takes_too(write_data, written):
    import jsonschema

    from xxgk_report.schema import json_schema
    path = write_data(f"year: 2022\nagency: 某镇\nproactive:\n  fees: {written}\n")
    (problem,) = _problems(path)
    assert problem.rule == "V2" and problem.path == "proactive.fees"
    assert problem.message.startswith("应为非负数，只写数字和小数点")
    value = yaml.safe_load(path.read_text(encoding="utf-8"))["proactive"]["fees"]
    if isinstance(value, str):  # a string the schema sees as we do
        assert not jsonschema.Draft7Validator(json_schema()).is_valid({"year": 2022, "agency": "某镇",
                                                                       "proactive": {"fees": value}})


@pytest.mark.parametrize("written, printed", [("12.50", "12.50"), ('"12.50"', "12.50"), ("12", "12"), ('"0.5"', "0.5")])
def test_fees_written_plainly_are_kept_as_written(write_data, written, printed):
    report = load_report(write_data(f"year: 2022\nagency: 某镇\nproactive:\n  fees: {written}\n"))
    assert format(report.tables["proactive"]["fees"], "f") == printed


def test_json_nan_and_infinity_are_refused_by_name(write_data):
    path = write_data('{"year": 2022, "agency": "某镇", "proactive": {"fees": NaN, "licensing": Infinity}}', "r.json")
    assert sorted(str(p) for p in _problems(path)) == [
        "错误 V1 proactive.licensing「第二十条第（五）项 行政许可 / 本年处理决定数量」：应为非负整数，实际为 “Infinity”（这种写法不能作为数字读取）",
        "错误 V2 proactive.fees「第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元）」：应为非负数，只写数字和小数点"
        "（单位：万元，如 12.5 或 \"12.50\"；整数部分最多 13 位、小数最多 12 位），实际为 “NaN”（这种写法不能作为数字读取）"]


def test_a_nine_megabyte_paragraph_is_a_data_error_naming_the_field(write_data):
    path = write_data('{"year": 2022, "agency": "某镇", "problems": ["' + "问" * 3_000_000 + '"]}', "r.json")
    (problem,) = _problems(path)
    assert str(problem) == ("错误 D1 problems[0]「五、存在的主要问题及改进情况 / 第1项」：文字过长：3000000 个字符，"
                            "最多 20000 个；请检查是否粘贴了整篇文档或重复的内容")
