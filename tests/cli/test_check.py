"""`make-report check` and the checks in `make-report build`: output, exit codes, --draft."""

from __future__ import annotations

import copy
import json

import pytest

from .. import docx_reader as dr
from ..conftest import EXAMPLE, FIXTURES, read_yaml

BASE = FIXTURES / "checks-2023.yaml"
LAST = FIXTURES / "checks-2022.yaml"


@pytest.fixture
def data_with(write_data):
    """Write the checks fixture with some changes; return its path."""
    def write(change, name="r.yaml"):
        data = copy.deepcopy(read_yaml(BASE))
        change(data)
        return write_data(data, name)
    return write


def b1_error(data):
    data["reviews"]["reconsideration"]["total"] = 2


def y3_warning(data):
    data["title"] = "某某县某某镇人民政府2022年政府信息公开工作年度报告"


B1_LINE = ("错误 B1 reviews.reconsideration.total「行政复议 / 总计」：数据中写的总计为 2，但 结果维持 1 + 结果纠正 0 + "
           "其他结果 0 + 尚未审结 0 = 1；请改为 1，或删去这个总计（总计会自动计算：数据文件中删去 total，填报表中清空这一格）")
Y3_LINE = ("警告 Y3 title「标题」：标题中的年份是 2022 年，报告年度是 2023 年；是否沿用了其他年度的报告？"
           "请改正标题或 year")


def test_clean_file_exit_0(run):
    result = run("check", EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout == f"{EXAMPLE}：未发现问题。\n"


def test_errors_exit_1_one_line_each(run, data_with):
    path = data_with(lambda d: (b1_error(d), y3_warning(d)))
    result = run("check", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [B1_LINE, Y3_LINE, f"{path}：1 处错误、1 处警告。"]


def test_warnings_alone_exit_0_unless_strict(run, data_with):
    path = data_with(y3_warning)
    assert run("check", path).exit_code == 0
    result = run("check", path, "--strict")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [Y3_LINE, f"{path}：0 处错误、1 处警告。"]
    assert run("check", BASE, "--strict").exit_code == 0


def test_json_format_is_a_list_of_documented_objects(run, data_with):
    path = data_with(lambda d: (b1_error(d), y3_warning(d)))
    result = run("check", path, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found == [
        {"file": str(path), "severity": "error", "rule": "B1", "path": "reviews.reconsideration.total",
         "labels": ["行政复议 / 总计"], "message": B1_LINE.split("：", 1)[1], "values": {"given": 2, "computed": 1}},
        {"file": str(path), "severity": "warning", "rule": "Y3", "path": "title", "labels": ["标题"],
         "message": Y3_LINE.split("：", 1)[1], "values": {"title_year": 2022, "year": 2023}},
    ]
    assert json.loads(run("check", BASE, "--format", "json").stdout) == []


def test_json_values_of_a_fee_are_numbers(run, data_with):
    found = json.loads(run("check", data_with(lambda d: d["proactive"].update(fees=25000)), "--format", "json").stdout)
    assert [(f["rule"], f["values"]) for f in found] == [("P2", {"fees": 25000})]


def test_unreadable_file_is_reported_by_check_too(run, write_data):
    path = write_data("year: 2022\nagency: 某镇\nreviews: {litigation: {upheld: -1}}\n")
    result = run("check", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "错误 V1 reviews.litigation.upheld「行政诉讼 / 未经复议直接起诉 / 结果维持」：应为非负整数，实际为 -1",
        f"{path}：1 处错误、0 处警告。"]


def test_previous_year(run, write_data):
    assert run("check", BASE, "--previous", LAST).exit_code == 0
    last = copy.deepcopy(read_yaml(LAST))
    last["applications"]["carried_forward"] = {"natural": 3}
    last["applications"]["granted"] = {}
    last["applications"]["received"] = {"natural": 4}
    last["applications"]["not_handled"] = {"repeated": {"natural": 1}}  # last year: 4 = 1 + 3
    result = run("check", BASE, "--previous", write_data(last, "last.yaml"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("警告 C1 applications.carried_over.natural「二、上年结转政府信息公开申请数量 / 自然人」"
                                                    "「2022年度报告 四、结转下年度继续办理 / 自然人」：本年 二、上年结转 为 1，但")


def test_previous_that_cannot_be_read_skips_the_cross_year_checks(run, write_data):
    bad = write_data("year: 2022\nagency: 某镇\nproactive: {licensing: -3}\n", "last.yaml")
    result = run("check", BASE, "--previous", bad)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"警告 C4 上年数据文件 {bad} 有 1 处错误，跨年核对未进行；第一处：错误 V1 proactive.licensing"
        "「第二十条第（五）项 行政许可 / 本年处理决定数量」：应为非负整数，实际为 -3",
        f"{BASE}：0 处错误、1 处警告。"]
    assert run("check", BASE, "--previous", bad, "--strict").exit_code == 1


def test_build_refuses_errors_and_writes_nothing(run, tmp_path, data_with):
    path = data_with(lambda d: (b1_error(d), y3_warning(d)))
    result = run(path, "-o", "r.docx")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"错误：数据文件 {path} 有 1 处错误，未生成报告。", B1_LINE, Y3_LINE,
        "提示：改正后重新生成；需要先印发征求意见稿时，可加 --draft 生成每页标有「草稿」的文档。"]
    assert not (tmp_path / "r.docx").exists()


def test_build_prints_warnings_and_writes(run, tmp_path, data_with):
    result = run(data_with(y3_warning), "-o", "r.docx")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [Y3_LINE]
    assert result.stdout == "r.docx\n"
    assert (tmp_path / "r.docx").is_file()


def test_build_draft(run, tmp_path, data_with):
    path = data_with(lambda d: (b1_error(d), y3_warning(d)))
    result = run(path, "--draft", "-o", "d.docx")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"草稿：数据文件 {path} 有 1 处错误、1 处警告，已生成草稿（每页页眉标有「草稿」）。", B1_LINE, Y3_LINE]
    paragraphs = dr.paragraphs((tmp_path / "d.docx").read_bytes())
    assert [p.text for p in paragraphs[:3]] == ["草稿：本稿有 1 处错误、1 处警告，改正后才能定稿印发。", B1_LINE, Y3_LINE]


def test_build_with_previous(run, tmp_path, write_data):
    last = copy.deepcopy(read_yaml(LAST))
    last["year"] = 2021
    result = run(BASE, "--previous", write_data(last, "last.yaml"), "-o", "r.docx")
    assert result.exit_code == 0
    assert result.stderr.startswith("警告 C3 year「报告年度」：上年数据文件的报告年度是 2021 年")


def test_check_help(run):
    result = run("check", "--help")
    assert result.exit_code == 0
    for words in ("--previous LAST_YEAR_DATA", "--format [text|json]", "--strict", "示例 Examples:", "退出码 Exit status"):
        assert words in result.stdout
    assert "--draft" in run("build", "--help").stdout
