"""`make-report DATA` / `make-report build DATA`: exit codes, messages, files written."""

from __future__ import annotations

import os

import pytest

from .. import docx_reader as dr
from ..conftest import EXAMPLE, FULL


def test_default_output_is_out_stem_docx(run, tmp_path):
    result = run(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == os.path.join("out", "example-2022.docx")
    blob = (tmp_path / "out" / "example-2022.docx").read_bytes()
    assert dr.tables(blob)[1].at(0, 3).text == "申请人情况"


def test_build_subcommand_means_the_same(run, tmp_path):
    assert run("build", FULL, "-o", "a.docx").exit_code == 0
    assert run(FULL, "-o", "b.docx").exit_code == 0
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_output_file_gets_the_usual_mode(run, tmp_path):
    old = os.umask(0o022)
    try:
        run(FULL, "-o", "r.docx")
    finally:
        os.umask(old)
    assert (tmp_path / "r.docx").stat().st_mode & 0o777 == 0o644


def test_template_option_by_name_and_path(run, tmp_path):
    from xxgk_report.variants import template_path
    assert run(FULL, "-o", "a.docx", "--template", "default").exit_code == 0
    assert run(FULL, "-o", "b.docx", "--template", template_path("default")).exit_code == 0
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_unknown_template_name_is_refused(run, tmp_path):
    result = run(FULL, "-o", "a.docx", "--template", "fancy")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("错误：没有名为 “fancy” 的模板；可用的模板：default、format-2019、letterhead"
                                     "（make-report templates 列出说明），或给出 .docx 文件路径")
    assert not (tmp_path / "a.docx").exists()


def test_template_path_in_data_is_relative_to_the_data_file(run, tmp_path, write_data):
    from xxgk_report.variants import template_path
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.docx").write_bytes(template_path("default").read_bytes())
    data = write_data(FULL.read_text(encoding="utf-8") + "\ntemplate: mine.docx\n", "sub/r.yaml")
    result = run(data, "-o", "r.docx")
    assert result.exit_code == 0, result.stderr
    missing = write_data(FULL.read_text(encoding="utf-8") + "\ntemplate: none.docx\n", "sub/s.yaml")
    result = run(missing, "-o", "s.docx")
    assert result.exit_code == 1 and "找不到模板文件" in result.stderr and "none.docx" in result.stderr


BAD_FILES = {
    "unknown key": ("year: 2022\nagency: 某镇\nreviw: {}\n",
                    "错误 D1 reviw：未知的键 “reviw”；是否应为 “reviews”？"),
    "negative": ("year: 2022\nagency: 某镇\napplications:\n  received: {natural: -1}\n",
                 "错误 V1 applications.received.natural「一、本年新收政府信息公开申请数量 / 自然人」：应为非负整数，实际为 -1"),
    "quoted": ("year: 2022\nagency: 某镇\nreviews:\n  litigation: {upheld: \"3\"}\n",
               "错误 V1 reviews.litigation.upheld「行政诉讼 / 未经复议直接起诉 / 结果维持」：应为非负整数，实际为 文字 “3”"),
    "fractional": ("year: 2022\nagency: 某镇\nproactive:\n  licensing: 1.0\n",
                   "错误 V1 proactive.licensing「第二十条第（五）项 行政许可 / 本年处理决定数量」：应为非负整数，实际为 1.0"),
    "boolean": ("year: 2022\nagency: 某镇\nproactive:\n  rules: {issued: yes}\n",
                "错误 V1 proactive.rules.issued「第二十条第（一）项 规章 / 本年制发件数」：应为非负整数，实际为 true"),
    "missing year": ("agency: 某镇\n", "错误 D1 year「报告年度」：缺少报告年度，例如 year: 2022"),
    "missing agency": ("year: 2022\n", "错误 D1 agency「机关全称」：缺少机关全称，例如 agency: 某某县某某镇人民政府"),
    "malformed": ("year: 2022\nagency: [某镇\n", "错误 D1 第 3 行第 1 列：YAML 语法错误"),
    "total mismatch": ("year: 2022\nagency: 某镇\nreviews:\n  reconsideration: {upheld: 1, total: 2}\n",
                       "错误 B1 reviews.reconsideration.total「行政复议 / 总计」：数据中写的总计为 2，但 结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 1；请改为 1，或删去这个总计（总计会自动计算：数据文件中删去 total，填报表中清空这一格）"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_exit_1_names_the_field_and_writes_nothing(run, tmp_path, write_data, case):
    text, message = BAD_FILES[case]
    result = run(write_data(text, "bad.yaml"))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("错误：数据文件 ") and lines[0].endswith("处错误，未生成报告。")
    assert any(line.startswith(message) for line in lines[1:]), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_existing_output_is_not_touched_when_data_is_bad(run, tmp_path, write_data):
    (tmp_path / "r.docx").write_bytes(b"old")
    result = run(write_data("year: 2022\n", "bad.yaml"), "-o", "r.docx")
    assert result.exit_code == 1
    assert (tmp_path / "r.docx").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "r.docx"]


def test_missing_data_file_is_a_usage_error_in_chinese(run):
    result = run("nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["错误：参数 'DATA...' 不对：文件或文件夹不存在：nope.yaml",
                                          "（make-report build --help 查看用法和示例）"]


@pytest.mark.parametrize("args, message", [
    (("check", "--format", "xml", "x"), "错误：参数 '--format' 不对：“xml”应为其中之一：'text', 'json'"),
    (("init", "--year", "1900"), "错误：参数 '--year' 不对：1900 超出了范围（2008<=x<=2100）"),
    (("build", "--nope"), "错误：没有选项 --nope"),
    (("check",), "错误：缺少参数 'DATA'"),
])
def test_every_usage_error_is_in_chinese(run, args, message):
    result = run(*args)
    assert result.exit_code == 2 and result.stderr.splitlines()[0] == message


def test_warnings_are_printed_and_the_report_written(run, tmp_path, write_data):
    result = run(write_data("year: 2022\nagency: 某镇\nproblems: [\"问题\\x0b。\"]\n", "w.yaml"), "-o", "w.docx")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "警告 T2 problems[0]「五、存在的主要问题及改进情况 / 第1项」：已删除控制字符 U+000B（常见于从 Word/Excel 粘贴的文字）",
        "警告 S2 other_matters「六、其他需要报告的事项」：没有提到信息处理费；2021 年度起，六应说明按《政府信息公开信息处理费管理办法》"
        "收取信息处理费的情况，没有收取的写“本年度未收取信息处理费。”",
        "警告 S3 overview「一、总体情况」：缺少主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障方面的内容；"
        "总体情况应分述主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面（每个方面一个小标题：- title: … text: …）",
    ]
    assert (tmp_path / "w.docx").exists()


def test_help_is_bilingual_with_examples(run):
    assert "Usage: make-report" in run().output
    for args in (["--help"], ["build", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "示例 Examples:" in result.stdout
        assert "make-report data/example-2022.yaml" in result.stdout
    assert "生成并检查政府信息公开工作年度报告" in run("--help").stdout
    assert "-o, --output" in run("build", "--help").stdout
