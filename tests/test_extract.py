"""`make-report extract`: reports read back into data files, from .docx, .html and .txt."""

from __future__ import annotations

import copy
import unicodedata
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk_report import api, spec
from xxgk_report.extract import data_file_text, extract
from xxgk_report.model import Report, build_report, load_report
from xxgk_report.render import render_docx
from xxgk_report.variants import template_path
from xxgk_report.webpage import render_html

from .conftest import EXAMPLE, FIXTURES, FULL, ROOT, read_yaml

FULL_2019 = FIXTURES / "full-2020.yaml"
SEED = FIXTURES / "seed-2022-town-report.txt"
REAL = ROOT.parent / "shared" / "real-reports"


def same_report(a: Report, b: Report, nfkc: bool = False) -> None:
    """Everything a reader sees is the same: the tables, the narrative, title, date."""
    for attr in ("year", "agency", "format", "title", "date", "proactive", "applications", "reviews"):
        assert getattr(a, attr) == getattr(b, attr), attr

    def text(value: str) -> str:
        return unicodedata.normalize("NFKC", value) if nfkc else value
    for key in a.narrative:
        assert [(p.kind, text(p.heading), text(p.text)) for p in a.narrative[key]] == \
               [(p.kind, text(p.heading), text(p.text)) for p in b.narrative[key]], key


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else lambda c: path.write_text(c, encoding="utf-8"))(content)
    return path


@pytest.mark.parametrize("source", [EXAMPLE, FULL, FULL_2019], ids=["example", "full", "2019"])
@pytest.mark.parametrize("kind", ["docx", "html", "fragment.html"])
def test_what_we_render_reads_back_the_same(tmp_path, source, kind):
    report = load_report(source)
    content = (render_docx(report, template_path("default" if report.format == 2021 else "format-2019"))
               if kind == "docx" else render_html(report, fragment=kind.startswith("fragment")))
    result = extract(write(tmp_path, f"r.{kind}", content))
    assert result.problems == []
    same_report(report, build_report(result.data))


# --- property: any tables, any narrative -------------------------------------------

_CHARS = "政府信息公开工作年度报告我镇区县主动依申请平台建设监督保障落实推进加强完善了的和与在，。；“”《》" \
         "abcXYZ <>&\"'{}%#|😀"
_text = st.text(alphabet=_CHARS, min_size=1, max_size=40).map(lambda s: s.strip()).filter(
    lambda s: s and s[0] not in "(（" and "  " not in s)
_title = st.text(alphabet="主动公开依申请平台建设监督保障提升质量水平", min_size=1, max_size=10)
_block = st.one_of(_text, st.builds(lambda t, x: {"title": t, "text": x}, _title, _text),
                   st.builds(lambda t, ps: {"title": t, "paragraphs": ps}, _title, st.lists(_text, max_size=3)))
_section = st.lists(_block, max_size=4)
_count = st.integers(min_value=0, max_value=99999)


@st.composite
def reports(draw):
    fmt = spec.FORMATS[draw(st.sampled_from([2021, 2019]))]
    data = {"year": 2022 if fmt.year == 2021 else 2020, "agency": draw(st.sampled_from(
        ["某某县某某镇人民政府", "某某市某某区数据局", "某某街道办事处"])), "format": fmt.year}
    for key in ("preamble", "overview", "problems", "other_matters"):
        data[key] = draw(_section)
    proactive: dict = {"text": draw(_section)}
    for block in fmt.proactive:
        for row, _ in block.rows:
            values = {f.key: (draw(st.decimals(min_value=0, max_value=99999, places=2)) if f.kind == spec.DECIMAL
                              else draw(st.integers(-50, 50)) if f.kind == spec.SIGNED
                              else f"{draw(_count)}元" if f.kind == spec.TEXT else draw(_count))
                      for f in block.fields}
            proactive[row] = values[""] if "" in values else values
    applications: dict = {"text": draw(_section)}
    for row in fmt.application_rows:
        if not row.computed:
            node = applications
            for part in row.path[:-1]:
                node = node.setdefault(part, {})
            node[row.path[-1]] = {k: draw(_count) for k in spec.APPLICANT_KEYS}
    data["proactive"], data["applications"] = proactive, applications
    data["reviews"] = {"text": draw(_section), **{g.key: {k: draw(_count) for k in spec.REVIEW_KEYS}
                                                   for g in spec.REVIEW_GROUPS}}
    if draw(st.booleans()):
        data["date"] = "2023-01-20" if fmt.year == 2021 else "2021-01-20"
    return build_report(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_any_report_reads_back_from_docx_and_html(tmp_path, report):
    template = template_path("default" if report.format == 2021 else "format-2019")
    for name, content in (("r.docx", render_docx(report, template)), ("r.html", render_html(report))):
        result = extract(write(tmp_path, name, content))
        assert result.problems == [], name
        same_report(report, build_report(result.data))


# --- the seed, hand-made documents, published reports --------------------------------


def test_the_seed_web_text_gives_the_seed_numbers_and_sections(tmp_path):
    result = extract(SEED)
    assert [p.path for p in result.problems] == ["title", "year", "agency"]  # the web text has no title
    assert result.data["year"] == 2022
    result.data["agency"] = "遂宁市安居区某某镇人民政府"
    expected = load_report(EXAMPLE)
    found = build_report(result.data)
    assert found.proactive == expected.proactive and found.applications == expected.applications
    assert found.reviews == expected.reviews
    for key in expected.narrative:
        if key != "preamble":
            assert [(p.kind, unicodedata.normalize("NFKC", p.heading), unicodedata.normalize("NFKC", p.text))
                    for p in found.narrative[key]] == [
                (p.kind, unicodedata.normalize("NFKC", p.heading), unicodedata.normalize("NFKC", p.text))
                for p in expected.narrative[key]], key


def hand_made_docx(path: Path) -> None:
    """A report typed in Word: its own merges (none), spaces in labels, blank and 「-」 cells."""
    document = docx.Document()
    document.add_paragraph("某某县某某局")
    document.add_paragraph("2022 年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("（一）主动公开")
    document.add_paragraph("全年主动公开信息 30 条。")
    document.add_paragraph("二、主动公开政府信息情况")
    rows = [["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"], ["行政 规范性文件", "2", "", "7"],
            ["第二十条第（五）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""], ["行政许可", "15", "", ""],
            ["第二十条第（六）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""], ["行政处罚", "-", "", ""],
            ["行政强制", "1", "", ""], ["第二十条第（八）项", "", "", ""],
            ["信息内容", "本年收费金额（单位：万元）", "", ""], ["行政事业性收费", "3.20", "", ""]]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    apps = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]]
    for row in spec.FORMAT_2021_SPEC.application_rows:
        label = " ".join(row.labels)
        counts = ["1", "0", "0", "0", "0", "0", "1"] if row.path == ("received",) else [""] * 7
        if row.path in ((spec.TOTAL_KEY,), ("granted",)):
            counts = ["1", "0", "0", "0", "0", "0", "1"]
        apps.append([label, *counts])
    table = document.add_table(rows=len(apps), cols=8)
    for r, row in enumerate(apps):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    reviews = [["行政复议"] + [""] * 14, ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
               ["0"] * 15]
    table = document.add_table(rows=3, cols=15)
    for r, row in enumerate(reviews):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("人员不足。下一步加强培训。")
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("本年度未收取信息处理费。")
    document.add_paragraph("某某县某某局")
    document.add_paragraph("2023年1月20日")
    document.save(path)


def test_a_hand_made_docx_reads_with_warnings_for_its_blanks(tmp_path):
    path = tmp_path / "hand.docx"
    hand_made_docx(path)
    result = extract(path)
    data = result.data
    assert (data["year"], data["agency"], data["date"]) == (2022, "某某县某某局", "2023-01-20")
    assert data["proactive"]["normative_documents"] == {"issued": 2, "repealed": 0, "in_force": 7}
    assert data["proactive"]["penalties"] == 0 and data["proactive"]["fees"] == Decimal("3.20")
    assert data["applications"]["received"]["natural"] == 1 and data["applications"]["granted"]["total"] == 1
    warnings = [p.message for p in result.problems]
    assert warnings == ["「行政规范性文件」有空白的格子，按 0 读取", "「行政处罚」有「-」的格子，按 0 读取"] + [
        f"「三、本年度办理结果{label}」有空白的格子，按 0 读取" for label in []] + warnings[2:]
    assert all("有空白的格子" in w for w in warnings[2:])
    assert all(p.rule == "X1" and p.severity == "警告" for p in result.problems)
    assert api.check(build_report(data)) is not None  # it goes through the checks
    assert data["overview"] == [{"title": "主动公开", "paragraphs": ["全年主动公开信息 30 条。"]}]


def test_a_label_with_a_small_typo_is_read(tmp_path):
    page = render_html(load_report(FULL)).replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    result = extract(write(tmp_path, "r.html", page))
    assert result.problems == []
    assert build_report(result.data).applications == load_report(FULL).applications


def test_an_unmapped_row_is_listed_not_guessed(tmp_path):
    page = render_html(load_report(FULL)).replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "")
    result = extract(write(tmp_path, "r.html", page))
    assert [p.message for p in result.problems] == [
        "找不到「三、本年度办理结果（二）部分公开（区分处理的，只计这一情形，不计其他情形）」这一行，按 0 读取",
        "「1.属于国家秘密」之前有 7 个数字对应不到任何一行，未读取：1 2 3 4 5 6 21",
    ]


@pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not here")
@pytest.mark.parametrize("name, rules", [("05_huaian_szf_2024", []), ("06_hongze_2024", ["N1"]),
                                         ("07_hongze_2023", ["B1", "B1"])])
def test_published_reports_give_their_numbers_and_their_real_defects(name, rules):
    result = extract(REAL / f"{name}.txt")
    found, published = build_report(result.data), load_report(REAL / f"{name}.yaml")
    for attr in ("year", "agency", "proactive", "applications", "reviews", "given_totals"):
        assert getattr(found, attr) == getattr(published, attr), attr
    assert [p.rule for p in api.check(found)] == rules


def test_the_data_file_written_loads_and_lists_the_problems(tmp_path):
    result = extract(SEED)
    text = data_file_text(result, SEED)
    assert text.startswith("# 由 make-report extract 从 seed-2022-town-report.txt 读回。")
    assert "#   警告 X1 agency：标题和落款中都找不到机关名称，请填写 agency（或用 --agency）" in text
    data = yaml.safe_load(text)
    data["agency"] = "某镇"
    build_report(data)


def test_extract_command(run, tmp_path):
    result = run("extract", SEED, "--agency", "遂宁市安居区某某镇人民政府", "-o", "seed.yaml")
    assert result.exit_code == 0 and result.stdout == "seed.yaml\n"
    assert "agency" not in result.stderr
    assert run("check", "seed.yaml").exit_code == 0
    again = run("extract", SEED, "-o", "seed.yaml")
    assert again.exit_code == 1 and "已存在" in again.stderr
    assert run("extract", tmp_path / "seed.yaml").exit_code == 1  # not a report


def test_round_trip_keeps_hostile_text(tmp_path):
    data = copy.deepcopy(read_yaml(FULL))
    data["problems"] = ["{{ 7*7 }} {% raw %} <w:p> A&B \"q\" 'q' 😀"]
    report = build_report(data)
    result = extract(write(tmp_path, "r.docx", render_docx(report, template_path("default"))))
    assert build_report(result.data).narrative["problems"] == report.narrative["problems"]
