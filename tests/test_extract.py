"""`make-report extract`: reports read back into data files, from .docx, .html and .txt."""

from __future__ import annotations

import copy
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk_report import api, spec
from xxgk_report.errors import DataError
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
    for attr in ("year", "agency", "format", "title", "date", "values"):
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
    assert found.tables["proactive"] == expected.tables["proactive"] and found.tables["applications"] == expected.tables["applications"]
    assert found.tables["reviews"] == expected.tables["reviews"]
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
    assert warnings[:2] == ["「行政规范性文件」有空白的格子，按 0 读取", "「行政处罚」有「-」的格子，按 0 读取"]
    blank_rows = [r for r in spec.FORMAT_2021_SPEC.application_rows
                  if r.path not in (("received",), ("granted",), (spec.TOTAL_KEY,))]
    assert warnings[2:] == [f"「{''.join(r.labels)}」有空白的格子，按 0 读取" for r in blank_rows]
    assert all(p.rule == "X1" and p.severity == "警告" for p in result.problems)
    assert [p for p in api.check(build_report(data)) if p.is_error] == []  # its numbers hold together
    assert data["overview"] == [{"title": "主动公开", "paragraphs": ["全年主动公开信息 30 条。"]}]


def test_a_label_with_a_small_typo_is_read(tmp_path):
    page = render_html(load_report(FULL)).replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    result = extract(write(tmp_path, "r.html", page))
    assert result.problems == []
    assert build_report(result.data).tables["applications"] == load_report(FULL).tables["applications"]


def test_an_unmapped_row_is_listed_not_guessed_and_never_checked_as_0(tmp_path):
    page = render_html(load_report(FULL)).replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "")
    result = extract(write(tmp_path, "r.html", page))
    row = [f.key for f in spec.FORMAT_2021_SPEC.row(("applications", "partially_granted")).fields]
    assert list(result.unread) == row and result.coverage == "读出 193/200 格"
    assert [p.message for p in result.problems][:2] == [
        "找不到「三、本年度办理结果（二）部分公开（区分处理的，只计这一情形，不计其他情形）」这一行，未读出",
        "「1.属于国家秘密」之前有 7 个数字对应不到任何一行，未读取：1 2 3 4 5 6 21",
    ]
    assert result.data["unread"] == row
    report = build_report(result.data)
    findings = api.check(report)
    # the balance A1 would fail with the row as 0: it is not checked, and not passed either
    assert [p.rule for p in findings] == [p.rule for p in api.check(FULL)] + ["X1"]
    assert "已核对 193/200 格" in findings[-1].message and "A1" in findings[-1].message
    text = data_file_text(result, Path("r.html"))
    assert "# 读出 193/200 格。" in text and "#   applications.partially_granted.natural「" in text
    with pytest.raises(DataError) as refused:  # never printed as 0 in a final report
        api.render_report(report)
    assert refused.value.problems[0].rule == "X2"
    assert api.render_report(report, draft=True)


@pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not here")
@pytest.mark.parametrize("name, rules", [("05_huaian_szf_2024", []), ("06_hongze_2024", ["N1"]),
                                         ("07_hongze_2023", ["B1", "B1"])])
def test_published_reports_give_their_numbers_and_their_real_defects(name, rules):
    result = extract(REAL / f"{name}.txt")
    found, published = build_report(result.data), load_report(REAL / f"{name}.yaml")
    for attr in ("year", "agency", "values", "given_totals"):
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


# --- pages as government websites publish them ------------------------------------


def cms_page(report: Report) -> str:
    """The report the way a CMS publishes it: navigation, breadcrumb, publishing line, bold
    headings, cells wrapped in <p><span>, &nbsp; and full-width spaces, a footer."""
    tables = []
    for table in spec.FORMATS[report.format].tables():
        rows: list[list[str]] = [[] for _ in range(table.n_rows)]
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            if cell.field is None:
                text = (cell.text or "").replace("（", "(").replace("）", ")")
                text = text[:2] + "&nbsp;" + text[2:] if len(text) > 4 else text
            else:
                node: Any = report.values[".".join(cell.field)]
                text = format(node, "f") if isinstance(node, Decimal) else str(node)
            rows[cell.row].append(f'<td rowspan="{cell.rowspan}" colspan="{cell.colspan}"><p style="text-align:center">'
                                  f'<span style="font-family:仿宋">{text}</span></p></td>')
        tables.append("<table><tbody>" + "".join(f"<tr>{''.join(r)}</tr>" for r in rows) + "</tbody></table>")

    def paragraphs(key: str) -> str:
        out = []
        for p in report.narrative[key]:
            if p.kind == "runin":
                out.append(f"<p>　　<strong>{p.heading}</strong>{p.text}</p>".replace("　　<strong>", "<strong>"))
            elif p.kind == "heading":
                out.append(f"<p><strong>{p.heading}</strong></p>")
            else:
                out.append(f"<p>　　{p.text}</p>")
        return "".join(out)
    body = [paragraphs("preamble")]
    for key, heading in spec.SECTIONS:
        body.append(f"<p><strong>{heading}</strong></p>")
        body.append(paragraphs(f"{key}.text") + tables.pop(0) if key in ("proactive", "applications", "reviews")
                    else paragraphs(key))
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>{report.title}_某某县人民政府</title></head><body>"
            '<div class="nav"><a href="/">首页</a> <a href="/xxgk">政府信息公开</a> 2023 年 12 月</div>'
            f'<div class="crumb">当前位置：首页>政府信息公开>年报>{report.title}</div>'
            f'<div class="article"><h1>{report.title}</h1>'
            '<div class="info">发布时间：2024-01-20 10:00　来源：某某县　浏览次数：1234</div>'
            f'<div class="content">{"".join(body)}'
            f'<p style="text-align:right">{report.agency}</p><p style="text-align:right">2024年1月20日</p></div></div>'
            '<div class="footer"><p>分享到：微信 微博</p><p>主办单位：某某县人民政府办公室　网站标识码：5100000001</p>'
            "<p>蜀ICP备12345678号-1</p></div></body></html>")


def test_a_cms_page_in_gbk(tmp_path):
    data = copy.deepcopy(read_yaml(FULL))
    data["agency"], data["title"], data["date"] = "某某县某某镇人民政府", None, "2024-01-20"
    del data["title"]
    report = build_report(data)
    page = tmp_path / "page.html"
    page.write_bytes(cms_page(report).encode("gb18030"))
    result = extract(page)
    found = build_report(result.data)
    assert (found.agency, found.year, found.date) == ("某某县某某镇人民政府", 2023, report.date)
    assert found.values == report.values
    same = ("overview", "problems", "other_matters", "preamble")
    assert all([(p.kind, p.heading, p.text) for p in found.narrative[k]] ==
               [(p.kind, p.heading, p.text) for p in report.narrative[k]] for k in same)
    messages = [p.message for p in result.problems]
    assert messages[0].startswith("标题前后 2 行像是网页的导航或发布信息，未读取：")
    assert messages[1].startswith("报告末尾的 3 行像是网页的页脚，未读取：分享到")


def test_cells_that_are_not_plain_numbers_never_shift_a_row(tmp_path):
    report = load_report(FULL)
    page = render_html(report)
    assert "<td colspan=\"3\">70</td>" in page
    page = page.replace("<td colspan=\"3\">70</td>", "<td colspan=\"3\">1,070</td>", 1)  # 行政许可, thousands
    granted = report.tables["applications"]["granted"]
    row = "".join(f"<td>{granted[k]}</td>" for k in [c.key for c in spec.APPLICANT_COLUMNS])
    odd = row.replace(f"<td>{granted['natural']}</td>", "<td>9件</td>", 1).replace(
        f"<td>{granted['research']}</td>", "<td>―</td>", 1).replace(f"<td>{granted['total']}</td>", "<td></td>", 1)
    assert row in page
    page = page.replace(row, odd, 1)
    result = extract(write(tmp_path, "r.html", page))
    assert result.data["proactive"]["licensing"] == 1070
    assert result.data["applications"]["granted"] == {**{k: granted[k] for k in spec.APPLICANT_KEYS}, "research": 0}
    assert [p.message for p in result.problems] == ["「三、本年度办理结果（一）予以公开」有「―」的格子，按 0 读取；有空白的格子，按 0 读取"]


def test_tab_separated_text_keeps_its_blank_cells(tmp_path):
    lines = ["某某镇人民政府2022年政府信息公开工作年度报告", "一、总体情况", "（一）主动公开", "略。",
             "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
             "一、本年新收政府信息公开申请数量\t1\t0\t0\t\t-\t0\t1",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    result = extract(write(tmp_path, "r.txt", "\n".join(lines)))
    assert result.data["applications"]["received"] == {"natural": 1, "business": 0, "research": 0, "nonprofit": 0,
                                                       "legal": 0, "other": 0, "total": 1}
    assert "「一、本年新收政府信息公开申请数量」有空白的格子，按 0 读取；有「-」的格子，按 0 读取" in \
        [p.message for p in result.problems]


def test_text_that_mentions_the_table_stays_text(tmp_path):
    data = copy.deepcopy(read_yaml(FULL))
    data["reviews"]["text"] = ["本年度共发生政府信息公开行政复议案件5件，其中第二十条规定的事项2件。"]
    data["proactive"]["text"] = ["第二十条第（一）项规定的规章本年无变化。"]
    report = build_report(data)
    for name, content in (("r.docx", render_docx(report, template_path("default"))), ("r.html", render_html(report))):
        result = extract(write(tmp_path, name, content))
        same_report(report, build_report(result.data))


def test_a_page_that_is_not_a_report(run, tmp_path):
    write(tmp_path, "news.html", "<html><body><h1>新闻</h1><p>今天召开会议，共 3 人参加。</p></body></html>")
    result = run("extract", tmp_path / "news.html")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：无法读回 {tmp_path / 'news.html'}：这不像一份政府信息公开工作年度报告")
    assert not (tmp_path / "news.yaml").exists()


def test_a_2019_report_without_its_proactive_table(tmp_path):
    report = load_report(FULL_2019)
    page = render_html(report)
    start = page.index('<table class="xxgk-table xxgk-proactive"')
    page = page[:start] + '<p><img alt="表格"></p>' + page[page.index("</table>", start) + 8:]
    result = extract(write(tmp_path, "r.html", page))
    assert result.data["format"] == 2019  # from the year, as 二's columns are not there
    assert build_report(result.data).tables["applications"] == report.tables["applications"]


@pytest.mark.parametrize("name, content", [
    ("x.html", '<?xml version="1.0" encoding="utf-8"?><html><body><p>新闻</p></body></html>'.encode()),
    ("x.txt", b"\xff\xfe\x41"),  # a UTF-16 BOM and an odd byte count
    ("x.docx", None),  # a package whose document has no body
])
def test_odd_files_are_refused_with_a_message(run, tmp_path, name, content):
    import zipfile
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                                  'wordprocessingml/2006/main"/>')
    else:
        path.write_bytes(content)
    result = run("extract", path)
    assert result.exit_code == 1 and result.stderr.startswith(f"错误：无法读回 {path}：")
    assert "Traceback" not in result.stderr


def test_an_xhtml_report_with_its_xml_declaration(tmp_path):
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + render_html(load_report(FULL))
    result = extract(write(tmp_path, "r.xhtml.html", page))
    same_report(load_report(FULL), build_report(result.data))
