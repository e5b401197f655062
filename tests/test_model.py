"""Loading and validating data files: every problem named by key path and official label."""

from decimal import Decimal

import pytest

from xxgk_report.errors import DataError
from xxgk_report.formatting import chinese_number
from xxgk_report.model import build_report, load_report

from .conftest import EXAMPLE


def problems_of(data) -> list[str]:
    with pytest.raises(DataError) as info:
        build_report(data)
    return [str(p) for p in info.value.problems if p.severity == "错误"]


def test_example_loads_without_warnings():
    report = load_report(EXAMPLE)
    assert report.year == 2022 and report.format == 2021
    assert report.title == "遂宁市安居区某某镇人民政府2022年政府信息公开工作年度报告"
    assert report.warnings == ()


def test_left_out_cells_rows_and_tables_mean_zero():
    report = build_report({"year": 2022, "agency": "某镇人民政府", "applications": {"received": {"natural": 2}}})
    assert report.tables["applications"]["received"] == {"natural": 2, "business": 0, "research": 0, "nonprofit": 0,
                                                "legal": 0, "other": 0, "total": 2}
    assert report.tables["applications"]["withheld"]["state_secret"]["total"] == 0
    assert report.tables["reviews"]["litigation"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    assert report.tables["proactive"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_totals_are_computed(full):
    report = build_report(full)
    assert report.tables["applications"]["received"]["total"] == 104 + 103 + 102 + 101 + 100 + 110
    # （七）总计 / 自然人: every 三、本年度办理结果 row's natural column
    natural = [9, 1, 4, 7, 10, 2, 5, 8, 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 0, 3]
    assert report.tables["applications"]["total"]["natural"] == sum(natural)
    assert report.tables["applications"]["total"]["total"] == sum(
        sum(row.values()) for key, row in _result_rows(full["applications"]))
    assert report.tables["reviews"]["litigation_after_reconsideration"]["total"] == 9 + 10 + 11 + 12


def _result_rows(apps):
    for key in ("granted", "partially_granted"):
        yield key, apps[key]
    for group in ("withheld", "cannot_provide", "not_handled", "other_handling"):
        yield from apps[group].items()


@pytest.mark.parametrize("value, shown", [(-1, "-1"), ("3", "文字 “3”"), (Decimal("1.0"), "1.0"),
                                          (True, "true"), (None, "空值"), ([1], "列表")])
def test_bad_count_is_named_with_path_label_and_value(value, shown):
    found = problems_of({"year": 2022, "agency": "某镇",
                         "applications": {"withheld": {"state_secret": {"natural": value}}}})
    assert found == [f"错误 V1 applications.withheld.state_secret.natural「三、本年度办理结果（三）不予公开 1.属于国家秘密 / 自然人」："
                     f"应为非负整数，实际为 {shown}"]


def test_every_problem_is_reported_at_once():
    found = problems_of({"agency": "", "applicatons": {}, "reviews": {"litigation": {"upheld": -2}},
                         "proactive": {"licensing": "五"}})
    assert len(found) == 5
    assert any(p.startswith("错误 D1 year「报告年度」：缺少报告年度") for p in found)
    assert any(p.startswith("错误 D1 agency「机关全称」：不能为空") for p in found)
    assert "错误 D1 applicatons：未知的键 “applicatons”；是否应为 “applications”？" in found
    assert "错误 V1 reviews.litigation.upheld「行政诉讼 / 未经复议直接起诉 / 结果维持」：应为非负整数，实际为 -2" in found
    assert "错误 V1 proactive.licensing「第二十条第（五）项 行政许可 / 本年处理决定数量」：应为非负整数，实际为 文字 “五”" in found


def test_unknown_nested_key_suggests_the_right_one():
    found = problems_of({"year": 2022, "agency": "某镇", "applications": {"withheld": {"state_secrets": {}}}})
    assert found == ["错误 D1 applications.withheld.state_secrets「三、本年度办理结果（三）不予公开」：未知的键 “state_secrets”；是否应为 “state_secret”？"]


def test_unknown_key_without_close_match_lists_the_keys():
    found = problems_of({"year": 2022, "agency": "某镇", "reviews": {"xyz": {}}})
    assert found == ["错误 D1 reviews.xyz「四、政府信息公开行政复议、行政诉讼情况」：未知的键 “xyz”；可用的键：text、reconsideration、litigation、litigation_after_reconsideration"]


def test_missing_agency_is_named():
    found = problems_of({"year": 2022})
    assert found == ["错误 D1 agency「机关全称」：缺少机关全称，例如 agency: 某某县某某镇人民政府"]


def test_given_totals_are_kept_for_the_checks_and_never_printed():
    report = build_report({"year": 2022, "agency": "某镇", "applications": {
        "received": {"natural": 1, "business": 2, "total": 4},
        "granted": {"natural": 1},
        "total": {"natural": 5, "total": 1},
    }, "reviews": {"reconsideration": {"upheld": 3, "total": 0}}})
    assert report.given_totals == {
        "applications.received.total": 4,
        "applications.total.natural": 5,
        "applications.total.total": 1,
        "reviews.reconsideration.total": 0,
    }
    # the computed totals are what the report uses
    assert report.tables["applications"]["received"]["total"] == 3
    assert report.tables["applications"]["total"]["natural"] == 1
    assert report.tables["reviews"]["reconsideration"]["total"] == 3


def test_a_given_total_must_itself_be_a_count():
    found = problems_of({"year": 2022, "agency": "某镇", "reviews": {"litigation": {"upheld": 1, "total": "一"}}})
    assert found == ["错误 V1 reviews.litigation.total「行政诉讼 / 未经复议直接起诉 / 总计」：应为非负整数，实际为 文字 “一”"]


@pytest.mark.parametrize("fees, printed", [(Decimal("12.35"), "12.35"), ("12.50", "12.50"), (Decimal("12.50"), "12.50"),
                                           (Decimal("5949.088667"), "5949.088667"), (0, "0"), (120, "120")])
def test_fees_keep_their_digits(fees, printed):
    from xxgk_report.formatting import format_number
    report = build_report({"year": 2022, "agency": "某镇", "proactive": {"fees": fees}})
    assert format_number(report.tables["proactive"]["fees"]) == printed


@pytest.mark.parametrize("fees", [-1, "12万", True, Decimal("NaN")])
def test_bad_fees_are_refused(fees):
    found = problems_of({"year": 2022, "agency": "某镇", "proactive": {"fees": fees}})
    assert len(found) == 1 and found[0].startswith("错误 V2 proactive.fees「第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元）」：应为非负数")


def test_format_defaults_to_the_year():
    assert build_report({"year": 2020, "agency": "某镇"}).format == 2019
    assert build_report({"year": 2019, "agency": "某镇"}).format == 2019
    assert build_report({"year": 2021, "agency": "某镇"}).format == 2021


def test_2019_format_for_2021_on_is_an_error():
    found = problems_of({"year": 2022, "agency": "某镇", "format": 2019})
    assert found == ["错误 D1 format「年报格式」：2019 格式（国办公开办函〔2019〕60号）只用于 2019、2020 年度报告；"
                     "2022 年度报告应使用 2021 格式（国办公开办函〔2021〕30号），请改为 format: 2021 或删去 format"]


def test_2021_format_for_2020_is_a_warning():
    report = build_report({"year": 2020, "agency": "某镇", "format": 2021})
    assert report.format == 2021
    assert [(w.rule, w.path) for w in report.warnings] == [("F2", "format")]


def test_bad_format_value():
    found = problems_of({"year": 2022, "agency": "某镇", "format": "2021版"})
    assert found[0].startswith("错误 D1 format「年报格式」：应为 2021")


@pytest.mark.parametrize("title", ["（一）主动公开", "一、主动公开", "1.主动公开", "(2)主动公开", "1、主动公开"])
def test_title_with_its_own_number_is_refused(title):
    found = problems_of({"year": 2022, "agency": "某镇", "overview": [{"title": title}]})
    assert found == [f"错误 D1 overview[0].title「一、总体情况 / 第1项 / 标题」：标题 “{title}” 不应自带序号：（一）（二）等序号由工具按顺序自动生成，请删去"]


def test_title_may_start_with_a_year():
    report = build_report({"year": 2024, "agency": "某镇", "overview": [{"title": "2024年工作", "text": "略"}]})
    assert report.narrative["overview"][0].heading == "（一）2024年工作。"


def test_blocks_are_numbered_per_section(full):
    report = build_report(full)
    overview = report.narrative["overview"]
    assert [(p.kind, p.heading, p.text) for p in overview] == [
        ("heading", "（一）主动公开", ""), ("body", "", "全年主动公开政府信息120条。"), ("body", "", "其中规范性文件3件。"),
        ("runin", "（二）依申请公开。", "全年收到申请620件"),
        ("body", "", "这是一段没有标题的正文。"),
        ("heading", "（三）政府信息管理", ""),
        ("heading", "（四）政府信息公开平台建设", ""), ("body", "", "平台运行平稳。"),
        ("runin", "（五）监督保障。", "开展培训2次。"),
    ]
    assert [p.heading for p in report.narrative["problems"]] == ["", "（一）加强培训。", "（二）完善制度。"]


def test_wrapped_lines_are_joined_without_spaces_between_chinese():
    report = build_report({"year": 2022, "agency": "某镇", "preamble": ["第一行\n  第二行\n", "using the\nPDF viewer\n"]})
    assert [p.text for p in report.narrative["preamble"]] == ["第一行第二行", "using the PDF viewer"]


def test_xml_forbidden_characters_are_removed_with_a_warning():
    report = build_report({"year": 2022, "agency": "某镇", "problems": ["问题\x0b一\x1f。"]})
    assert report.narrative["problems"][0].text == "问题一。"
    assert [str(w) for w in report.warnings] == [
        "警告 T2 problems[0]「五、存在的主要问题及改进情况 / 第1项」：已删除控制字符 U+000B、U+001F（常见于从 Word/Excel 粘贴的文字）"]


def test_block_with_text_and_paragraphs_is_refused():
    found = problems_of({"year": 2022, "agency": "某镇", "problems": [{"title": "甲", "text": "乙", "paragraphs": ["丙"]}]})
    assert found == ["错误 D1 problems[0]「五、存在的主要问题及改进情况 / 第1项」：标题块只能有 text（标题后接正文）或 paragraphs（标题下分段）之一"]


def test_unknown_block_key_is_refused():
    found = problems_of({"year": 2022, "agency": "某镇", "problems": [{"title": "甲", "txt": "乙"}]})
    assert found == ["错误 D1 problems[0].txt「五、存在的主要问题及改进情况 / 第1项」：未知的键 “txt”；是否应为 “text”？"]


def test_date_as_string_or_yaml_date(write_data):
    assert str(build_report({"year": 2022, "agency": "某镇", "date": "2023-01-16"}).date) == "2023-01-16"
    assert str(load_report(write_data("year: 2022\nagency: 某镇\ndate: 2023-01-16\n")).date) == "2023-01-16"
    assert problems_of({"year": 2022, "agency": "某镇", "date": "2023年1月16日"}) == [
        "错误 D1 date「成文日期」：应为日期，写作 2023-01-16，实际为 文字 “2023年1月16日”"]






@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"),
                                     (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
                                     (111, "一百一十一"), (120, "一百二十"), (1000, "一千"), (1001, "一千零一"),
                                     (1010, "一千零一十"), (10000, "一万"), (10001, "一万零一"), (100000, "十万"),
                                     (123456, "十二万三千四百五十六")])
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_a_section_of_many_titled_blocks_is_numbered_to_the_end():
    blocks = [{"title": f"第{i}项工作", "text": "正文。"} for i in range(1, 121)]
    report = build_report({"year": 2022, "agency": "某镇", "problems": blocks})
    headings = [p.heading for p in report.narrative["problems"]]
    assert headings[98:101] == ["（九十九）第99项工作。", "（一百）第100项工作。", "（一百零一）第101项工作。"]
    assert headings[-1] == "（一百二十）第120项工作。" and not any("十十" in h for h in headings)





@pytest.mark.parametrize("agency", ["   ", "\x01", "\u3000"])
def test_blank_required_text_is_refused(agency):
    found = problems_of({"year": 2022, "agency": agency})
    assert found == ["错误 D1 agency「机关全称」：不能为空"]


def test_blank_title_is_refused():
    found = problems_of({"year": 2022, "agency": "某镇", "overview": [{"title": "  ", "text": "x"}]})
    assert found == ["错误 D1 overview[0].title「一、总体情况 / 第1项 / 标题」：不能为空"]


def test_folded_yaml_lines_join_chinese_without_spaces(write_data):
    text = "year: 2022\nagency: 某镇\npreamble:\n  - 根据规定，\n    现将报告如下。\n  - >\n    第一行\n    第二行 PDF\n    文件\n"
    paragraphs = load_report(write_data(text)).narrative["preamble"]
    assert [p.text for p in paragraphs] == ["根据规定，现将报告如下。", "第一行第二行 PDF 文件"]


def test_negative_zero_fee_prints_as_zero():
    from xxgk_report.formatting import format_number
    report = build_report({"year": 2022, "agency": "某镇", "proactive": {"fees": Decimal("-0.0")}})
    assert format_number(report.tables["proactive"]["fees"]) == "0.0"


@pytest.mark.parametrize("fees", [Decimal("1e999999999"), Decimal("1e-20")])
def test_absurd_fees_are_refused(fees):
    assert problems_of({"year": 2022, "agency": "某镇", "proactive": {"fees": fees}})


@pytest.mark.parametrize("date", ["20230116", "2023-W03-1", "2023-1-16"])
def test_date_strings_must_be_yyyy_mm_dd(date):
    assert problems_of({"year": 2022, "agency": "某镇", "date": date})[0].startswith("错误 D1 date「成文日期」：应为日期")


def test_2019_values_of_each_kind():
    report = build_report({"year": 2020, "agency": "某镇", "proactive": {
        "licensing": {"previous_items": 3, "change": -2},
        "procurement": {"items": 1, "amount": 25.6},  # a float from a caller's dict is text as written
        "fees": {"change": 0}}})
    assert report.tables["proactive"]["licensing"] == {"previous_items": 3, "change": -2, "decisions": 0}
    assert report.tables["proactive"]["procurement"] == {"items": 1, "amount": "25.6"}
    assert report.tables["proactive"]["other_services"] == {"previous_items": 0, "change": 0, "decisions": 0}


@pytest.mark.parametrize("written", ["−3", "－3"])
def test_a_minus_sign_copied_from_a_pdf_is_named(written):
    found = problems_of({"year": 2020, "agency": "某镇", "proactive": {"licensing": {"change": written}}})
    assert found == [f"错误 V1 proactive.licensing.change「第二十条第（五）项 行政许可 / 本年增/减」：应为整数（减少写负数，"
                     f"如 -2），实际为 文字 “{written}”；其中的负号不是半角减号（从 PDF 或 Word 复制来的？），请改为 -3"]


def test_2019_keys_in_a_2021_year_say_which_format_they_are():
    found = problems_of({"year": 2021, "agency": "某镇", "proactive": {"procurement": {"items": 1}}})
    assert found[0] == ("错误 D1 format「年报格式」：二、主动公开政府信息情况 用了 2019 格式的键（items、procurement），"
                        "而 2021 年度默认 2021 格式；请按 2021 格式改写这张表，或写明 format: 2019")


@pytest.mark.parametrize("title, heading", [
    ("提升质量水平", "（一）提升质量水平。"),          # a run-in heading ends with 。
    ("为什么要公开？", "（一）为什么要公开？"),        # …unless it ends a question,
    ("坚持三个原则！", "（一）坚持三个原则！"),        # an exclamation,
    ("具体做法如下：", "（一）具体做法如下："),        # or a colon
    ("已经写了句号。", "（一）已经写了句号。"),        # and never twice
])
def test_a_run_in_heading_gets_a_full_stop_unless_it_ends_with_its_own(title, heading):
    report = build_report({"year": 2022, "agency": "某镇", "problems": [{"title": title, "text": "正文。"}]})
    (paragraph,) = report.narrative["problems"]
    assert (paragraph.kind, paragraph.heading, paragraph.text) == ("runin", heading, "正文。")
