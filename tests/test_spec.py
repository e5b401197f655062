"""The spec against the official formats, transcribed here independently from
国办公开办函〔2021〕30号 and 〔2019〕60号 (../shared/format/official-format.md §2–§4, §6)."""

from xxgk_report import spec
from xxgk_report.ooxml import cell_map

FMT = spec.FORMAT_2021_SPEC
PROACTIVE, APPLICATIONS, REVIEWS = FMT.tables()

# (row, col, rowspan, colspan, text) of every label cell, as printed in the official format.
OFFICIAL_PROACTIVE = [
    (0, 0, 1, 4, "第二十条第（一）项"),
    (1, 0, 1, 1, "信息内容"), (1, 1, 1, 1, "本年制发件数"), (1, 2, 1, 1, "本年废止件数"), (1, 3, 1, 1, "现行有效件数"),
    (2, 0, 1, 1, "规章"), (3, 0, 1, 1, "行政规范性文件"),
    (4, 0, 1, 4, "第二十条第（五）项"), (5, 0, 1, 1, "信息内容"), (5, 1, 1, 3, "本年处理决定数量"),
    (6, 0, 1, 1, "行政许可"),
    (7, 0, 1, 4, "第二十条第（六）项"), (8, 0, 1, 1, "信息内容"), (8, 1, 1, 3, "本年处理决定数量"),
    (9, 0, 1, 1, "行政处罚"), (10, 0, 1, 1, "行政强制"),
    (11, 0, 1, 4, "第二十条第（八）项"), (12, 0, 1, 1, "信息内容"), (12, 1, 1, 3, "本年收费金额（单位：万元）"),
    (13, 0, 1, 1, "行政事业性收费"),
]

_ITEMS = {
    "（三）不予公开": ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"],
    "（四）无法提供": ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"],
    "（五）不予处理": ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                "5.要求行政机关确认或重新出具已获取信息"],
    "（六）其他处理": ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"],
}


def official_applications(other_handling_items: bool = True):
    cells = [
        (0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
        (0, 3, 1, 7, "申请人情况"), (1, 3, 2, 1, "自然人"), (1, 4, 1, 5, "法人或其他组织"), (1, 9, 2, 1, "总计"),
        (2, 4, 1, 1, "商业企业"), (2, 5, 1, 1, "科研机构"), (2, 6, 1, 1, "社会公益组织"),
        (2, 7, 1, 1, "法律服务机构"), (2, 8, 1, 1, "其他"),
        (3, 0, 1, 3, "一、本年新收政府信息公开申请数量"), (4, 0, 1, 3, "二、上年结转政府信息公开申请数量"),
        (5, 0, 22, 1, "三、本年度办理结果"),
        (5, 1, 1, 2, "（一）予以公开"), (6, 1, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ]
    row = 7
    for group, items in _ITEMS.items():
        if group == "（六）其他处理" and not other_handling_items:  # 2019: one row across cols 2–3
            cells.append((row, 1, 1, 2, group))
            row += 1
            continue
        cells.append((row, 1, len(items), 1, group))
        cells += [(row + i, 2, 1, 1, item) for i, item in enumerate(items)]
        row += len(items)
    results = row - 5 + 1
    cells[cells.index((5, 0, 22, 1, "三、本年度办理结果"))] = (5, 0, results, 1, "三、本年度办理结果")
    cells += [(row, 1, 1, 2, "（七）总计"), (row + 1, 0, 1, 3, "四、结转下年度继续办理")]
    return cells


def official_reviews():
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼"),
             (1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    cells += [(1, i, 2, 1, r) for i, r in enumerate(results)]
    cells += [(2, 5 + i, 1, 1, r) for i, r in enumerate(results)]
    cells += [(2, 10 + i, 1, 1, r) for i, r in enumerate(results)]
    return cells


def labels(table):
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells if c.field is None)


def test_proactive_labels_and_spans_match_official_format():
    assert labels(PROACTIVE) == sorted(OFFICIAL_PROACTIVE)
    assert PROACTIVE.n_cols == 4 and PROACTIVE.n_rows == 14


def test_applications_labels_and_spans_match_official_format():
    assert labels(APPLICATIONS) == sorted(official_applications())
    assert APPLICATIONS.n_cols == 10 and APPLICATIONS.n_rows == 28 and APPLICATIONS.header_rows == 3


def test_reviews_labels_and_spans_match_official_format():
    assert labels(REVIEWS) == sorted(official_reviews())
    assert REVIEWS.n_cols == 15 and REVIEWS.n_rows == 4


def test_value_cells_name_the_data_keys():
    fields = {c.field: (c.row, c.col, c.colspan) for t in FMT.tables() for c in t.value_cells()}
    assert fields[("proactive", "rules", "issued")] == (2, 1, 1)
    assert fields[("proactive", "fees")] == (13, 1, 3)
    assert fields[("applications", "received", "natural")] == (3, 3, 1)
    assert fields[("applications", "withheld", "state_secret", "total")] == (7, 9, 1)
    assert fields[("applications", "total", "total")] == (26, 9, 1)
    assert fields[("reviews", "litigation_after_reconsideration", "total")] == (3, 14, 1)
    assert len(fields) == 10 + 25 * 7 + 15


def test_every_table_is_a_partition_of_its_grid_within_the_text_width():
    for table in FMT.tables():
        cell_map(table)  # raises on gaps and overlaps
        assert sum(table.widths) <= spec.TEXT_WIDTH


def test_section_headings_in_official_order():
    assert [h for _, h in spec.SECTIONS] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_a_data_key_may_shadow_a_dict_method():
    # 2019's procurement.items is a data key; the renderer reads keys before attributes
    # (tests/test_variants.py shows the rendered cell), so the spec may keep the schema's name.
    keys = {k for t in FMT_2019.tables() for c in t.value_cells() for k in c.field}
    assert keys & set(dir(dict)) == {"items"}


def test_field_labels_join_row_and_column_labels():
    found = spec.table_field_labels()
    assert found[("applications", "withheld", "state_secret", "natural")] == "三、本年度办理结果（三）不予公开 1.属于国家秘密 / 自然人"
    assert found[("applications", "total", "natural")] == "三、本年度办理结果（七）总计 / 自然人"
    assert found[("applications", "received", "business")] == "一、本年新收政府信息公开申请数量 / 法人或其他组织 / 商业企业"
    assert found[("reviews", "litigation", "pending")] == "行政诉讼 / 未经复议直接起诉 / 尚未审结"
    assert found[("proactive", "fees")] == "第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元）"


# --- the 2019 format (official-format.md §6) ---------------------------------

FMT_2019 = spec.FORMAT_2019_SPEC
PROACTIVE_2019, APPLICATIONS_2019, REVIEWS_2019 = FMT_2019.tables()


def official_proactive_2019():
    items = ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
    cells = [
        (0, 0, 1, 4, "第二十条第（一）项"),
        (1, 0, 1, 1, "信息内容"), (1, 1, 1, 1, "本年新制作数量"), (1, 2, 1, 1, "本年新公开数量"),
        (1, 3, 1, 1, "对外公开总数量"), (2, 0, 1, 1, "规章"), (3, 0, 1, 1, "规范性文件"),
        (4, 0, 1, 4, "第二十条第（五）项"), *[(5, i, 1, 1, t) for i, t in enumerate(items)],
        (6, 0, 1, 1, "行政许可"), (7, 0, 1, 1, "其他对外管理服务事项"),
        (8, 0, 1, 4, "第二十条第（六）项"), *[(9, i, 1, 1, t) for i, t in enumerate(items)],
        (10, 0, 1, 1, "行政处罚"), (11, 0, 1, 1, "行政强制"),
        (12, 0, 1, 4, "第二十条第（八）项"), (13, 0, 1, 1, "信息内容"), (13, 1, 1, 1, "上一年项目数量"),
        (13, 2, 1, 2, "本年增/减"), (14, 0, 1, 1, "行政事业性收费"),
        (15, 0, 1, 4, "第二十条第（九）项"), (16, 0, 1, 1, "信息内容"), (16, 1, 1, 1, "采购项目数量"),
        (16, 2, 1, 2, "采购总金额"), (17, 0, 1, 1, "政府集中采购"),
    ]
    return cells


def test_2019_proactive_labels_and_spans_match_official_format():
    assert labels(PROACTIVE_2019) == sorted(official_proactive_2019())
    assert PROACTIVE_2019.n_cols == 4 and PROACTIVE_2019.n_rows == 18
    fields = {c.field: (c.row, c.col, c.colspan) for c in PROACTIVE_2019.value_cells()}
    assert fields[("proactive", "fees", "change")] == (14, 2, 2)  # the last value spans 2 columns
    assert fields[("proactive", "procurement", "amount")] == (17, 2, 2)
    assert fields[("proactive", "licensing", "decisions")] == (6, 3, 1)


def test_2019_applications_other_handling_is_one_row():
    assert labels(APPLICATIONS_2019) == sorted(official_applications(other_handling_items=False))
    assert APPLICATIONS_2019.n_rows == 3 + 23
    assert next(c for c in APPLICATIONS_2019.cells if c.text == "三、本年度办理结果").rowspan == 20
    assert ("applications", "other_handling", "natural") in {c.field for c in APPLICATIONS_2019.value_cells()}


def test_2019_reviews_are_the_same_table():
    assert labels(REVIEWS_2019) == sorted(official_reviews())


def test_2019_tables_are_partitions_within_the_text_width():
    for table in FMT_2019.tables():
        cell_map(table)
        assert sum(table.widths) <= spec.TEXT_WIDTH
