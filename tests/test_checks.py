"""Every rule of the checks: a data file that triggers it, and one that passes it.

The base fixture (tests/data/checks-2023.yaml) passes every rule with no finding at all;
each test changes one thing and asserts the rule id, the key path and the numbers.
"""

from __future__ import annotations

import copy
import dataclasses
import signal
import threading
from decimal import Decimal

import pytest

from xxgk_report import api
from xxgk_report.checks import agency_kind, check_report, similarity
from xxgk_report.errors import ERROR, WARNING
from xxgk_report.model import Report, build_report
from xxgk_report import rules as rules_module
from xxgk_report.rules import RULES

from .conftest import EXAMPLE, FIXTURES, read_yaml

BASE = read_yaml(FIXTURES / "checks-2023.yaml")
LAST = read_yaml(FIXTURES / "checks-2022.yaml")


@pytest.fixture
def base() -> dict:
    return copy.deepcopy(BASE)


@pytest.fixture
def last() -> dict:
    return copy.deepcopy(LAST)


def only(findings, rule=None):
    """The one finding (of `rule`) there must be."""
    chosen = [f for f in findings if rule is None or f.rule == rule]
    assert len(chosen) == 1, [str(f) for f in findings]
    return chosen[0]


def say(data: dict, section: str, text: str) -> dict:
    """Put `text` as the only paragraph of a section."""
    data[section] = [text]
    return data


def test_base_fixtures_pass_every_rule(base, last):
    assert api.check(base) == []
    assert api.check(last) == []
    assert api.check(base, previous=last) == []


def test_example_passes_with_no_finding():
    assert api.check(EXAMPLE) == []


def test_every_rule_has_an_id_a_severity_and_a_title():
    declared = [rule.id for rule in rules_module._RULES]  # a second rule with an id would replace the first
    assert len(declared) == len(set(declared)) == len(RULES)
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule.severity in (ERROR, WARNING) and rule.title
    errors = {r for r, rule in RULES.items() if rule.severity == ERROR}
    assert errors == {"D1", "V1", "V2", "W2", "X2", "A1", "A2", "A3", "B1", "U1", "R1", "R3", "R6", "R7", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8",
                      "M9", "M10", "M11"}


# ---------------------------------------------------------------------------
# Errors: 勾稽关系


def test_a1_each_column_in_balance(base):
    base["applications"]["received"]["natural"] = 7  # 7 + 1 ≠ 5 + 1
    findings = [f for f in api.check(base) if f.rule == "A1"]
    assert len(findings) == 2  # the 自然人 column and the 总计 column
    natural, total = findings
    assert natural.severity == ERROR
    assert natural.path == "applications.{received,carried_over,total,carried_forward}.natural"
    assert natural.labels == ("一、本年新收政府信息公开申请数量 / 自然人", "二、上年结转政府信息公开申请数量 / 自然人",
                              "三、本年度办理结果（七）总计 / 自然人", "四、结转下年度继续办理 / 自然人")
    assert natural.message.startswith("一、本年新收 7 + 二、上年结转 1 = 8，不等于 （七）总计 5 + 四、结转下年度继续办理 1 = 6（相差 2）；")
    assert natural.values == {"received": 7, "carried_over": 1, "total": 5, "carried_forward": 1, "left": 8, "right": 6}
    assert total.path.endswith(".total") and "= 9，不等于 （七）总计 6 + 四、结转下年度继续办理 1 = 7（相差 2）" in total.message


def test_a1_names_a_legal_person_column_by_both_labels(base):
    base["applications"]["carried_forward"]["legal"] = 2
    finding = api.check(base)[0]
    assert finding.rule == "A1" and finding.path.endswith(".legal")
    assert "请核对“法人或其他组织 / 法律服务机构”一列" in finding.message
    assert finding.values["right"] == 2 and finding.values["left"] == 0


def test_a2_given_result_total(base):
    base["applications"]["total"] = {"natural": 4, "business": 1, "total": 6}
    finding = only(api.check(base))
    assert (finding.rule, finding.path, finding.labels) == (
        "A2", "applications.total.natural", ("三、本年度办理结果（七）总计 / 自然人",))
    assert finding.message == ("数据中写的总计为 4，但 三、本年度办理结果各项之和 = 5；"
                               "请改为 5，或删去这个总计（总计会自动计算：数据文件中删去 total，填报表中清空这一格）")
    assert finding.values == {"given": 4, "computed": 5}


def test_a3_given_row_total(base):
    base["applications"]["received"]["total"] = 5
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("A3", "applications.received.total")
    assert finding.message.startswith("数据中写的总计为 5，但 自然人 5 + 商业企业 1 + 科研机构 0 + 社会公益组织 0 + "
                                      "法律服务机构 0 + 其他 0 = 6；请改为 6")


def test_a3_in_a_group_row(base):
    base["applications"]["cannot_provide"]["not_held"]["total"] = 3
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("A3", "applications.cannot_provide.not_held.total")
    assert finding.labels == ("三、本年度办理结果（四）无法提供 1.本机关不掌握相关政府信息 / 总计",)


def test_b1_review_total(base):
    base["reviews"]["litigation_after_reconsideration"] = {"upheld": 2, "pending": 1, "total": 0}
    findings = api.check(base)
    finding = only(findings, "B1")
    assert finding.path == "reviews.litigation_after_reconsideration.total"
    assert finding.labels == ("行政诉讼 / 复议后起诉 / 总计",)
    assert finding.message == ("数据中写的总计为 0，但 结果维持 2 + 结果纠正 0 + 其他结果 0 + 尚未审结 1 = 3；"
                               "请改为 3，或删去这个总计（总计会自动计算：数据文件中删去 total，填报表中清空这一格）")
    assert only(findings, "N8").severity == WARNING  # 「均获维持」 while 1 case is pending


def test_blank_total_is_an_error(base):
    base["reviews"]["reconsideration"]["total"] = None  # a blank 总计 cell copied from a published report
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("V1", "reviews.reconsideration.total")
    assert finding.message.startswith("总计为空")


def test_given_totals_that_agree_pass(base):
    base["applications"]["received"]["total"] = 6
    base["applications"]["total"] = {"natural": 5, "business": 1, "total": 6}
    base["reviews"]["reconsideration"]["total"] = 1
    assert api.check(base) == []


@pytest.mark.parametrize("value, rule, message", [
    (-1, "V1", "应为非负整数，实际为 -1"),
    (10**12, "V1", "数字过大：计数最多 12 位，请核对"),
    pytest.param(10**5000, "V1", "数字过大：计数最多 12 位，请核对", id="5001-digits"),
    ("3", "V1", "应为非负整数，实际为 文字 “3”"),
    (Decimal("1.0"), "V1", "应为非负整数，实际为 1.0"),
])
def test_v1_counts_are_non_negative_integers(base, value, rule, message):
    base["applications"]["granted"]["natural"] = value
    finding = only(api.check(base))
    assert (finding.rule, finding.path, finding.message) == (rule, "applications.granted.natural", message)


def test_v2_fee_is_a_non_negative_amount(base):
    base["proactive"]["fees"] = "三万"
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("V2", "proactive.fees")


# ---------------------------------------------------------------------------
# Warnings: across years


def test_c1_carried_over_against_last_years_carried_forward(base, last):
    last["applications"]["carried_forward"] = {"natural": 2}
    last["applications"]["granted"] = {}  # keep last year's own table in balance
    finding = only(api.check(base, previous=last))
    assert (finding.rule, finding.severity, finding.path) == ("C1", WARNING, "applications.carried_over.natural")
    assert finding.labels == ("二、上年结转政府信息公开申请数量 / 自然人", "2022年度报告 四、结转下年度继续办理 / 自然人")
    assert finding.message.startswith("本年 二、上年结转 为 1，但2022年度报告 四、结转下年度继续办理 / 自然人 为 2；")
    assert finding.values == {"carried_over": 1, "previous_carried_forward": 2}


def test_c2_in_force_continuity(base, last):
    last["proactive"]["normative_documents"]["in_force"] = 4  # 4 + 2 − 1 = 5, not 6
    finding = only(api.check(base, previous=last))
    assert (finding.rule, finding.path) == ("C2", "proactive.normative_documents.in_force")
    assert finding.message.startswith("现行有效件数为 6，按上年现行有效 4 + 本年制发 2 − 本年废止 1 应为 5；")
    assert finding.values["expected"] == 5


@pytest.mark.parametrize("change, first", [
    ({"format": "2021版"}, "错误 D1 format「年报格式」：应为 2021"),
    ({"proactive": {"licensing": -1}}, "错误 V1 proactive.licensing"),
])
def test_c4_previous_that_cannot_be_used_is_a_warning_and_this_year_is_still_checked(base, last, change, first):
    last.update(change)
    base["title"] = "某某县某某镇人民政府2021年政府信息公开工作年度报告"
    findings = api.check(base, previous=last)
    assert [f.rule for f in findings] == ["Y3", "C4"]
    c4 = findings[1]
    assert c4.severity == WARNING and c4.path == "" and c4.values == {"previous_errors": 1}
    assert c4.message.startswith(f"上年数据文件 （数据） 有 1 处错误，跨年核对未进行；第一处：{first}")


def test_c3_previous_must_be_the_year_before(base, last):
    last["year"] = 2021
    last["applications"]["carried_forward"] = {}  # would be a C1 finding for the right year
    finding = only(api.check(base, previous=last))
    assert (finding.rule, finding.path) == ("C3", "year")
    assert "上年数据文件的报告年度是 2021 年，本报告是 2023 年，应为 2022 年" in finding.message


def test_s4_copied_section(base, last):
    last["problems"] = copy.deepcopy(base["problems"])
    finding = only(api.check(base, previous=last))
    assert (finding.rule, finding.path, finding.labels) == ("S4", "problems", ("五、存在的主要问题及改进情况",))
    assert finding.message.startswith("与2022年度报告的同一部分相似度为 100%（雷同）")


def test_s4_nearly_the_same_is_named_with_its_similarity(base, last):
    text = base["problems"][0]
    last["problems"] = [text.replace("一是", "首先").replace("二是", "其次"), base["problems"][1]]
    finding = only(api.check(base, previous=last))
    percent = finding.values["similarity_percent"]
    assert finding.rule == "S4" and 80 <= percent < 100
    assert finding.message.startswith(f"与2022年度报告的同一部分相似度为 {percent}%（雷同）")


def test_s4_last_years_text_with_this_years_figures_is_the_same(base, last):
    last["problems"] = [p.replace("2023", "2022").replace("三是", "三是（共3项）") for p in base["problems"]]
    base["problems"] = [p.replace("三是", "三是（共5项）") for p in base["problems"]]
    assert only(api.check(base, previous=last)).values == {"similarity_percent": 100}


def test_s4_rewritten_text_passes(base, last):
    last["problems"] = ["上一年度的主要问题是栏目更新不及时、政策解读偏少、依申请公开答复不够规范。"
                        "为此，我们建立了栏目更新台账，每月通报一次；邀请科室负责人参加解读；"
                        "统一了答复书模板，并组织全体工作人员集中学习《条例》和典型案例。"]
    assert api.check(base, previous=last) == []
    assert similarity(base["problems"][0] + base["problems"][1], last["problems"][0]) < 0.3


def test_s4_short_sections_are_not_compared():
    assert similarity("本年度未收取信息处理费。", "本年度未收取信息处理费。") is None
    assert similarity("甲" * 100, "甲" * 100) == 1.0


# ---------------------------------------------------------------------------
# Warnings: the narrative against the tables

NARRATIVE = [
    # (sentence, rule, stated, table) against the base table: 新收 6, 上年结转 1, 予以公开 3,
    # 部分公开 1, （七）总计 6, 结转 1, 行政复议 1, 行政诉讼 1 (both 维持)
    ("2023年，本镇新收政府信息公开申请7件。", "N1", 7, 6),
    ("全年受理依申请公开 9 件。", "N1", 9, 6),
    ("本年度没有收到政府信息公开申请。", "N1", 0, 6),
    ("本年度新收申请九件。", "N1", 9, 6),
    ("本年度共收到各类政府信息公开申请9件次。", "N1", 9, 6),
    ("本年度政府信息公开申请总数为9件。", "N1", 9, 6),
    ("本年度收到政府信息公开申请1,006件。", "N1", 1006, 6),
    ("截至2024年1月20日，本年度共收到政府信息公开申请9件。", "N1", 9, 6),  # a date, not another year
    ("依据《条例》（2019年修订），全年受理申请9件。", "N1", 9, 6),
    ("与上年相比，本年度收到申请9件。", "N1", 9, 6),  # 上年 is in another clause
    ("上年结转申请2件。", "N2", 2, 1),
    ("予以公开4件。", "N3", 4, 3),
    ("予以公开和部分公开共5件。", "N3", 5, 4),
    ("予以公开或部分公开5件。", "N3", 5, 4),
    ("同意公开5件，部分公开1件。", "N3", 5, 3),
    ("已全部办结，办结７件。", "N4", 7, 6),
    ("结转下年度继续办理2件。", "N5", 2, 1),
    ("结转至下一年度办理的申请3件。", "N5", 3, 1),
    ("另有3件顺延至下一年度办理。", "N5", 3, 1),
    ("上年结转的1件已办结、结转下年度3件。", "N5", 3, 1),
    ("发生政府信息公开行政复议2起。", "N6", 2, 1),
    ("涉及政府信息公开的行政复议有5件。", "N6", 5, 1),
    ("全年未发生政府信息公开行政复议。", "N6", 0, 1),
    ("行政复议、行政诉讼共3件。", "N6", 3, 2),  # both together
    ("政府信息公开行政诉讼3件。", "N7", 3, 1),
    ("因政府信息公开被提起行政诉讼3起。", "N7", 3, 1),
    ("没有发生因政府信息公开引起的行政诉讼。", "N7", 0, 1),
]


@pytest.mark.parametrize("sentence, rule, stated, table", NARRATIVE)
def test_narrative_numbers_against_the_tables(base, sentence, rule, stated, table):
    finding = only(api.check(say(base, "other_matters", sentence + "本年度未收取信息处理费。")))
    assert (finding.rule, finding.severity, finding.path) == (rule, WARNING, "other_matters[0]")
    assert finding.labels[0] == "六、其他需要报告的事项 / 第1项"
    assert finding.values == {"text": stated, "table": table}
    assert f"为 {table}" in finding.message and finding.message.startswith("正文写“")


def test_none_of_both_kinds_is_two_findings(base):
    findings = api.check(say(base, "other_matters", "未发生因政府信息公开申请引起的行政复议、行政诉讼案件。信息处理费0元。"))
    assert [(f.rule, f.values) for f in findings] == [("N6", {"text": 0, "table": 1}), ("N7", {"text": 0, "table": 1})]


PASSING = [
    "本镇共收到申请7件（含上年结转1件）。",  # 收到 may count 上年结转 in
    "新收申请6件，予以公开3件，部分公开1件。",
    "予以公开及部分公开4件。",
    "不予以公开 0 件。",
    "2022年受理申请10件，本年增加。",  # another year
    "结转下年度1件；行政复议1件；行政诉讼1件。",
    "收到申请 6 件",  # spaces as published PDFs print them
    "收到申请６件",  # full-width digits
    "收到政府信息公开申请六件。",
    "行政复议案件较上年减少2件。",  # a change, not a count
    "本镇2023年度共受理政府信息公开申请6件，同比增加2件，均已按期答复。",
    # parts of a total are not the total
    "全年共收到政府信息公开申请6件，其中自然人申请5件，法人或其他组织申请1件。",
    "本年度收到自然人申请5件、法人或其他组织申请1件。",
    "本年度通过网络渠道受理申请4件，通过信函渠道受理申请2件。",
    "本年度收到行政复议申请1件，已依法答复。",
    "所有申请均在法定期限内答复，逾期答复0件。",
    "其中延期答复2件，均在延长期限内办结。",
    "在政务服务平台答复网民留言36件，办结率100%。",
    "全年办结政务热线工单150件。",
    "本年度共受理群众来信来访及政府信息公开申请12件。",
    "主动公开方面，按规定予以公开政策文件12件、人事信息8条。",
    "行政复议、行政诉讼共2件，均获维持。",
    # 「没有……」 about something else
    "全年未出现依申请公开超期答复的情况。",
    "全年未发生因政府信息公开被行政复议纠错的情况。",
    "依法依规做好行政复议应诉工作，未出现行政诉讼败诉情况。",
    "加强对可能引发行政复议、行政诉讼的申请件的研判。",
]


@pytest.mark.parametrize("sentence", PASSING)
def test_narrative_numbers_that_agree_pass(base, sentence):
    assert api.check(say(base, "other_matters", sentence + "本年度未收取信息处理费。")) == []


def test_narrative_in_headings_and_run_in_text_is_read(base):
    base["overview"][4]["text"] = "政府信息公开行政复议5件。"
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("N6", "overview[4]")
    assert finding.labels == ("一、总体情况 / 第5项", "行政复议 / 总计")


@pytest.mark.parametrize("words", ["均获维持", "均维持", "均为维持", "全部维持"])
def test_n8_phrasings(base, words):
    base["reviews"]["litigation"] = {"pending": 1}
    base["overview"][4]["text"] = f"政府信息公开行政复议1件，行政诉讼1件，{words}。"
    assert only(api.check(base)).rule == "N8"


def test_n8_all_upheld_while_cases_are_not(base):
    base["reviews"]["reconsideration"] = {"upheld": 1, "corrected": 1}
    base["reviews"]["litigation"] = {"upheld": 0, "pending": 1}
    base["overview"][4]["text"] = "政府信息公开行政复议2件，行政诉讼1件，均获维持。"
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("N8", "overview[4]")
    assert finding.message == ("正文写“均获维持”，但表格四中有 行政复议 / 结果纠正 1 件、"
                               "行政诉讼 / 未经复议直接起诉 / 尚未审结 1 件；请改正正文的说法")
    assert finding.values == {"reconsideration.corrected": 1, "litigation.pending": 1}


# ---------------------------------------------------------------------------
# Warnings: the tables' plausibility


@pytest.mark.parametrize("agency, kind", [
    ("遂宁市安居区某某镇人民政府", "township"),
    ("某某县某某乡人民政府", "township"),
    ("某某区某某街道办事处", "township"),
    ("淮安市洪泽区人民政府", "county"),
    ("某某自治县人民政府", "county"),
    ("淮安市人民政府", "city"),
    ("江苏省人民政府", "city"),
    ("某某县某某镇政府", "township"),
    ("某某县政府", "county"),
    ("淮安市人民政府办公室", "city"),  # a government's office reports its government's 规章
        ("某某县人民政府办公室", "county"),
    ("某某市某某区数据局", "department"),
    ("江苏省教育厅", "department"),
    ("教育部", "other"),
    ("国家市场监督管理总局", "other"),
])
def test_agency_kind_from_its_name(agency, kind):
    assert agency_kind(agency) == kind


@pytest.mark.parametrize("agency, what", [("某某县某某镇人民政府", "乡镇（街道）"), ("某某县人民政府", "县（区）政府"),
                                          ("某某县教育局", "政府部门")])
def test_p1_rules_of_an_agency_that_cannot_make_them(base, agency, what):
    base["agency"] = agency
    base["proactive"]["rules"] = {"in_force": 6}
    finding = only(api.check(base))
    assert (finding.rule, finding.path, finding.labels) == ("P1", "proactive.rules", ("第二十条第（一）项 规章",))
    assert finding.message.startswith(f"“{agency}”是{what}，无权制定规章，但规章一行填了 本年制发件数 0、本年废止件数 0、现行有效件数 6；")


def test_p1_passes_for_a_city_government(base):
    base["agency"] = "淮安市人民政府"
    base["proactive"]["rules"] = {"issued": 1, "in_force": 11}
    assert api.check(base) == []


@pytest.mark.parametrize("fee", [25000, "25000.00", Decimal("10000")])
def test_p2_fee_that_looks_like_yuan(base, fee):
    base["proactive"]["fees"] = fee
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("P2", "proactive.fees")
    assert "万元" in finding.message and finding.values["fees"] == Decimal(fee)


@pytest.mark.parametrize("fee", [9999, Decimal("24252.311082"), "96171.6", Decimal("0")])
def test_p2_passes_amounts_in_wan_yuan(base, fee):
    base["proactive"]["fees"] = fee
    assert api.check(base) == []


# ---------------------------------------------------------------------------
# Warnings: dates, years, the format cited


@pytest.mark.parametrize("agency, date, words", [
    ("某某县某某镇人民政府", "2024-02-01", "晚于 2024年1月31日"),
    ("某某县某某镇人民政府", "2023-12-30", "早于统计期结束（2023年12月31日）"),
    ("某某县人民政府", "2024-04-01", "晚于 2024年3月31日；县级以上人民政府的年度报告"),
    ("某某县某某镇人民政府", "2024-07-15", "晚于 2024年1月31日"),
])
def test_y1_date_outside_the_publication_window(base, agency, date, words):
    base["agency"], base["date"] = agency, date
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("Y1", "date")
    assert words in finding.message and finding.values["date"] == date


@pytest.mark.parametrize("agency, date", [("某某县某某镇人民政府", "2024-01-01"), ("某某县某某镇人民政府", "2024-01-31"),
                                          ("某某县人民政府", "2024-03-31")])
def test_y1_passes_inside_the_window(base, agency, date):
    base["agency"], base["date"] = agency, date
    assert api.check(base) == []


def test_y2_year_later_than_the_next(base):
    base["problems"].append("2026年，本镇完成全部整改，2024年开展回头看。")
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("Y2", "problems[2]")
    assert finding.message.startswith("出现了 2026年，晚于报告年度的次年（2024年）")
    assert finding.values == {"years": [2026], "year": 2023}


@pytest.mark.parametrize("sentence", [
    "到2025年，基本建成全覆盖的政务公开标准体系。",
    "2026年前完成全部整改。",
    "对照2035年远景目标纲要推进工作。",
    "落实三年行动计划（2024—2026年）。",
    "2024年开展回头看。",
])
def test_y2_passes_targets_and_plans(base, sentence):
    base["problems"].append(sentence)
    assert api.check(base) == []


def test_y3_title_year(base):
    base["title"] = "某某县某某镇人民政府2022年政府信息公开工作年度报告"
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("Y3", "title")
    assert finding.message.startswith("标题中的年份是 2022 年，报告年度是 2023 年")


@pytest.mark.parametrize("citation", ["国办公开办函〔2019〕60号", "国办公开办函[2019]60号", "国办公开办函（2019）60 号"])
def test_f1_citing_the_2019_format(base, citation):
    base["preamble"] = [f"本报告按照《关于印发……年度报告格式的通知》（{citation}）要求编制。"]
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("F1", "preamble[0]")
    assert "国办公开办函〔2021〕30号" in finding.message


@pytest.mark.parametrize("text", ["本报告按照国办公开办函〔2021〕30号要求编制。",
                                  "根据《某某县人民政府办公室关于……的通知》（某政办发〔2019〕60号）。"])
def test_f1_passes_the_2021_notice_and_other_documents(base, text):
    base["preamble"] = [text]
    assert api.check(base) == []


# ---------------------------------------------------------------------------
# Warnings: the sections


@pytest.mark.parametrize("problems, shown", [(None, "缺失"), (["无。"], "只写了“无”"), (["暂无"], "只写了“暂无”"),
                                             (["本年度无。"], "只写了“本年度无”"), (["无明显问题。"], "只写了“无明显问题”")])
def test_s1_problems_missing_or_none(base, problems, shown):
    if problems is None:
        del base["problems"]
    else:
        base["problems"] = problems
    finding = only(api.check(base))
    assert (finding.rule, finding.path, finding.labels) == ("S1", "problems", ("五、存在的主要问题及改进情况",))
    assert finding.message.startswith(shown + "；")


def test_s2_no_information_fee(base):
    base["other_matters"] = ["本年度无其他需要报告的事项。"]
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("S2", "other_matters")
    assert "本年度未收取信息处理费。" in finding.message


def test_s2_only_from_2021(base):
    base.update(year=2020, format=2021, date="2021-01-20", other_matters=["无。"])
    assert all(f.rule != "S2" for f in api.check(base))


def test_s3_missing_topics_are_named(base):
    del base["overview"][4]  # 监督保障
    del base["overview"][2]  # 政府信息管理
    finding = only(api.check(base))
    assert (finding.rule, finding.path) == ("S3", "overview")
    assert finding.message.startswith("缺少政府信息管理、监督保障方面的内容；")
    assert finding.values == {"missing": ["政府信息管理", "监督保障"]}


def test_s3_prose_overview_is_read_when_there_are_no_headings(base):
    base["overview"] = ["本镇做好主动公开和依申请公开，加强政府信息管理和平台建设，强化监督保障。"]
    assert api.check(base) == []


def test_findings_list_errors_first_then_warnings_in_rule_order(base):
    base["title"] = "某某县某某镇人民政府2022年政府信息公开工作年度报告"
    base["other_matters"] = ["无。"]
    base["reviews"]["reconsideration"]["total"] = 3
    assert [f.rule for f in api.check(base)] == ["B1", "Y3", "S2"]


# ---------------------------------------------------------------------------
# The 2019 format: the same rules on its rows and labels

FULL_2019 = read_yaml(FIXTURES / "full-2020.yaml")


@pytest.fixture
def y2020() -> dict:
    return copy.deepcopy(FULL_2019)


def test_2019_fixture_passes(y2020):
    assert api.check(y2020) == []


def test_2019_a2_counts_other_handling_as_one_row(y2020):
    y2020["applications"]["total"] = {"natural": 40, "total": 75}  # computed: 40 and 76
    finding = only(api.check(y2020))
    assert (finding.rule, finding.path, finding.values) == ("A2", "applications.total.total", {"given": 75, "computed": 76})


def test_2019_a3_on_the_other_handling_row(y2020):
    y2020["applications"]["other_handling"]["total"] = 3  # 2 + 1 + 1 = 4
    finding = only(api.check(y2020))
    assert (finding.rule, finding.path, finding.labels) == (
        "A3", "applications.other_handling.total", ("三、本年度办理结果（六）其他处理 / 总计",))


def test_2019_p1_names_the_2019_columns(y2020):
    y2020["proactive"]["rules"] = {"created": 1}
    finding = only(api.check(y2020))
    assert finding.rule == "P1"
    assert "规章一行填了 本年新制作数量 1、本年新公开数量 0、对外公开总数量 0" in finding.message
    assert "请填在“规范性文件”一行" in finding.message


def test_2019_has_no_fee_amount_and_no_information_fee_rule(y2020):
    y2020["proactive"]["fees"] = {"previous_items": 20000}
    y2020["other_matters"] = ["无。"]
    assert api.check(y2020) == []


def test_2021_report_against_a_2019_format_previous_year(base, y2020):
    y2021 = copy.deepcopy(base)
    y2021.update(year=2021, date="2022-01-20", title=None)
    del y2021["title"]
    y2021["applications"]["carried_over"] = {"natural": 2}  # 2020's 结转 is natural 2
    y2021["applications"]["received"] = {"natural": 4, "business": 1}
    y2021["overview"][1]["paragraphs"] = ["本年度收到申请5件。"]
    assert api.check(y2021) == []
    assert api.check(y2021, previous=y2020) == []  # C1 across formats; C2 only between 2021 reports
    y2020["applications"]["carried_forward"] = {"natural": 1}
    y2020["applications"]["granted"]["natural"] = 21
    assert [f.rule for f in api.check(y2021, previous=y2020)] == ["C1"]


# ---------------------------------------------------------------------------
# The narrative check takes time linear in a paragraph's length, not quadratic

def with_paragraphs(data: dict, *texts: str) -> Report:
    """`data` as a Report whose 六 is the fee sentence, then `texts` as other_matters[1], [2]…
    The texts go in after the data is read, so no limit on a paragraph's length applies."""
    data["other_matters"] = ["本年度未收取信息处理费。"] + ["（正文）"] * len(texts)
    report = build_report(data)
    fee, *others = report.narrative["other_matters"]
    paragraphs = (fee,) + tuple(dataclasses.replace(p, text=text) for p, text in zip(others, texts))
    return dataclasses.replace(report, narrative=dict(report.narrative, other_matters=paragraphs))


def within(seconds: int, run):
    """run(), failing with TimeoutError rather than hanging when it takes over `seconds`."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        pytest.skip("needs signal.alarm (POSIX, main thread)")

    def timeout(signum, frame):
        raise TimeoutError(f"took over {seconds} s: quadratic?")

    before = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        return run()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


@pytest.mark.parametrize("claims", [
    "收到申请1件，" * 100_000,
    "收到申请1件" * 100_000,  # one sentence, one clause, no punctuation at all
    "收到申请1件，" * 100_000 + "。",
    "2022年，" + "收到申请1件，" * 100_000 + "本年" * 1000,  # all 2022's: the 本年 after them does not count
], ids=["commas", "no-punctuation", "one-full-stop", "another-year"])
def test_narrative_numbers_of_100000_claims(base, claims):
    findings = within(20, lambda: check_report(with_paragraphs(base, claims, claims)))
    if claims.startswith("2022年"):
        assert findings == []
    else:  # the same claim text is reported once a paragraph
        assert [(f.rule, f.path, f.values) for f in findings] == [
            ("N1", f"other_matters[{i}]", {"text": 1, "table": 6}) for i in (1, 2)]


def test_narrative_numbers_of_100000_different_claims(base):
    claims = "".join(f"收到申请{i % 1000}件，" for i in range(100_000))
    findings = within(20, lambda: check_report(with_paragraphs(base, claims)))
    # each of 0…999 once, but 6 and 7: the table's 新收 6, or 6 + 上年结转 1
    assert [f.values["text"] for f in findings] == [n for n in range(1000) if n not in (6, 7)]
    assert {f.rule for f in findings} == {"N1"}


@pytest.mark.parametrize("sentence", [sentence for sentence, *_ in NARRATIVE] + PASSING)
def test_narrative_numbers_in_a_long_paragraph_as_alone(base, sentence):
    """A sentence after 5,000 claims that agree with the table (and before more) is read as alone."""
    alone = check_report(with_paragraphs(copy.deepcopy(base), sentence))
    filler = "收到申请6件，"
    long = within(20, lambda: check_report(with_paragraphs(base, filler * 5000 + "。" + sentence + filler * 100)))
    assert len(alone) == (0 if sentence in PASSING else 1)
    assert [(f.rule, f.values, f.message) for f in long] == [(f.rule, f.values, f.message) for f in alone]


@pytest.mark.parametrize("before, after, rule, stated, table", [
    ("收到" + "共计" * 40, "申请9件", "N1", 9, 6),  # 2⁴⁰ ways to read 「共计」 as one word or two
    ("办结" + "的" * 100_000, "9件", "N4", 9, 6),  # every split of the run between two runs of fill words
    ("行政诉讼" + "的" * 100_000, "3件", "N7", 3, 1),
    ("收到" + "依申请公开" * 20_000, "9件", "N1", 9, 6),  # each 「依申请公开」 tried as the middle word
], ids=["gongji", "banjie", "susong", "yishenqing"])
def test_claim_patterns_are_linear_in_a_run_of_fill_words(base, before, after, rule, stated, table):
    assert within(20, lambda: check_report(with_paragraphs(copy.deepcopy(base), before + "。"))) == []
    finding = only(within(20, lambda: check_report(with_paragraphs(base, before + after + "。"))))
    assert (finding.rule, finding.values) == (rule, {"text": stated, "table": table})
