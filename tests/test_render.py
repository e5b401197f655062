"""The rendered report, opened and read as a reader sees it."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from openxml_audit import OpenXmlValidator

from xxgk_report import api, spec
from xxgk_report.model import build_report

from . import docx_reader as dr
from .conftest import FIXTURES
from .tables import assert_tables_match

HEADINGS = [h for _, h in spec.SECTIONS]


# --- the three tables -----------------------------------------------------


def test_full_data_every_cell_and_span(full_docx, full_data):
    assert_tables_match(full_docx, full_data)


def test_full_data_spot_checks_by_official_position(full_docx):
    proactive, applications, reviews = dr.tables(full_docx)
    assert proactive.at(13, 1).text == "12.35"  # 行政事业性收费, decimal kept
    assert proactive.at(2, 3).text == "3"  # 规章 / 现行有效件数
    assert applications.at(3, 9).text == "620"  # 一、本年新收 / 总计 = 104+103+102+101+100+110
    assert applications.at(26, 3).text == str(sum([9, 1, 4, 7, 10, 2, 5, 8, 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 0, 3]))
    assert applications.at(26, 0).text == "三、本年度办理结果"
    assert reviews.at(3, 4).text == "10" and reviews.at(3, 14).text == "42"


def test_example_tables_are_the_official_layout_with_zeros(example_docx):
    from .conftest import EXAMPLE, read_yaml
    assert_tables_match(example_docx, read_yaml(EXAMPLE))


# --- the text --------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def seed_prose() -> list[str]:
    """The seed report's prose lines (its flattened tables left out)."""
    lines, in_table = [], False
    for line in (FIXTURES / "seed-2022-town-report.txt").read_text(encoding="utf-8").splitlines():
        if line in HEADINGS:
            lines.append(line)
            in_table = line in HEADINGS[1:4]
        elif not in_table and line.strip():
            lines.append(line)
    return lines


def test_example_text_is_the_seed_report(example_docx):
    paragraphs = [p for p in dr.paragraphs(example_docx) if p.text and p.style not in ("Title", "Signoff")]
    assert [_normal(p.text) for p in paragraphs] == [_normal(line) for line in seed_prose()]


def test_example_title_and_signoff(example_docx):
    paragraphs = [p for p in dr.paragraphs(example_docx) if p.text]
    assert [(p.style, p.runs) for p in paragraphs[:1]] == [  # one paragraph, broken after the agency
        ("Title", (("", "遂宁市安居区某某镇人民政府"), ("", ""), ("", "2022年政府信息公开工作年度报告")))]
    assert title_breaks(example_docx) == [1]
    assert [(p.style, p.text) for p in paragraphs[-2:]] == [
        ("Signoff", "遂宁市安居区某某镇人民政府"), ("Signoff", "2023年1月16日")]


def test_paragraph_order_styles_and_numbering(full_docx):
    seen = [(p.style, p.runs) for p in dr.paragraphs(full_docx) if p.text]
    expected = [
        ("Title", (("", "某某市某某区数据局"), ("", ""), ("", "2023年度政府信息公开工作年度报告"))),
        ("Normal", (("", "本报告依据《中华人民共和国政府信息公开条例》编制。"),)),
        ("Normal", (("", "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"),)),
        ("Heading1", (("", "一、总体情况"),)),
        ("Heading2", (("", "（一）主动公开"),)),
        ("Normal", (("", "全年主动公开政府信息120条。"),)),
        ("Normal", (("", "其中规范性文件3件。"),)),
        ("Normal", (("RunInHeading", "（二）依申请公开。"), ("", "全年收到申请620件"))),
        ("Normal", (("", "这是一段没有标题的正文。"),)),
        ("Heading2", (("", "（三）政府信息管理"),)),
        ("Heading2", (("", "（四）政府信息公开平台建设"),)),
        ("Normal", (("", "平台运行平稳。"),)),
        ("Normal", (("RunInHeading", "（五）监督保障。"), ("", "开展培训2次。"))),
        ("Heading1", (("", "二、主动公开政府信息情况"),)),
        ("Normal", (("", "表中行政事业性收费单位为万元。"),)),
        ("Heading1", (("", "三、收到和处理政府信息公开申请情况"),)),
        ("Normal", (("", "本年度申请情况如下表。"),)),
        ("Heading1", (("", "四、政府信息公开行政复议、行政诉讼情况"),)),
        ("Normal", (("", "复议、诉讼情况如下表。"),)),
        ("Heading1", (("", "五、存在的主要问题及改进情况"),)),
        ("Normal", (("", "存在的问题是……"),)),
        ("Normal", (("RunInHeading", "（一）加强培训。"), ("", "每季度开展一次培训。"))),
        ("Normal", (("RunInHeading", "（二）完善制度。"), ("", "修订工作规则"))),
        ("Heading1", (("", "六、其他需要报告的事项"),)),
        ("Normal", (("", "本年度未收取信息处理费。"),)),
        ("Signoff", (("", "某某市某某区数据局"),)),
        ("Signoff", (("", "2024年1月8日"),)),
    ]
    assert seen == expected


def test_tables_follow_their_section_text(full_docx):
    body = dr.xml(full_docx).find(dr.w("body"))
    order = [("table" if el.tag == dr.w("tbl") else dr.text_of(el)) for el in body if el.tag in (dr.w("p"), dr.w("tbl"))]
    order = [x for x in order if x]
    assert order[order.index("表中行政事业性收费单位为万元。") + 1] == "table"
    assert order[order.index("本年度申请情况如下表。") + 1] == "table"
    assert order[order.index("复议、诉讼情况如下表。") + 1] == "table"


def test_last_paragraph_keeps_with_the_signoff(full_docx):
    paragraphs = [p for p in dr.paragraphs(full_docx)]
    last_text = [p for p in paragraphs if p.text == "本年度未收取信息处理费。"][0]
    assert last_text.keep_next
    assert not [p for p in paragraphs if p.text == "这是一段没有标题的正文。"][0].keep_next


def test_no_date_means_no_signoff(full):
    del full["date"]
    blob = api.render_report(full)
    assert [p for p in dr.paragraphs(blob) if p.style == "Signoff"] == []
    assert dr.paragraphs(blob)[-1].text == "本年度未收取信息处理费。"


def test_default_title_is_agency_and_year(full):
    del full["title"]
    blob = api.render_report(full)
    paragraphs = [p.text for p in dr.paragraphs(blob) if p.style == "Title"]
    assert paragraphs == ["某某市某某区数据局2023年政府信息公开工作年度报告"] and title_breaks(blob) == [1]


def test_short_title_stays_on_one_line(full):
    full["title"] = "某局2023年年报"
    blob = api.render_report(full)
    assert [p.text for p in dr.paragraphs(blob) if p.style == "Title"] == ["某局2023年年报"]
    assert title_breaks(blob) == [0]


def title_breaks(blob: bytes) -> list[int]:
    """The line breaks (w:br) in each title paragraph."""
    body = dr.xml(blob).find(dr.w("body"))
    return [len(p.findall(f"{dr.w('r')}/{dr.w('br')}")) for p in body.findall(dr.w("p"))
            if p.find(f"{dr.w('pPr')}/{dr.w('pStyle')}").get(dr.w("val")) == "Title"]


HOSTILE = ["{{ 7*7 }}", "{% if x %}甲{% endif %}", "<w:p>乙</w:p>", "A&B &amp;", "\"双引号\" '单引号' “中文引号”",
           "emoji 😀🇨🇳", "{_{ 不是标签 }_}", "{%p endfor %}", "]]> <![CDATA[", "{# 注释 #}"]


def test_hostile_text_is_printed_literally(full):
    full["agency"] = "A&B<局>{{ agency }}"
    full["title"] = "{{ title }}<标题>"
    full["overview"] = HOSTILE + [{"title": "{{ 7*7 }}&", "text": "{% raw %}<b>"}]
    full["problems"] = [{"title": "<w:t>", "paragraphs": HOSTILE}]
    blob = api.render_report(full)
    texts = [p.text for p in dr.paragraphs(blob)]
    assert texts[0] == "{{ title }}<标题>"
    start = texts.index("一、总体情况") + 1
    assert texts[start: start + len(HOSTILE) + 1] == HOSTILE + ["（一）{{ 7*7 }}&。{% raw %}<b>"]
    start = texts.index("五、存在的主要问题及改进情况") + 1
    assert texts[start: start + len(HOSTILE) + 1] == ["（一）<w:t>"] + HOSTILE
    assert texts[-2] == "A&B<局>{{ agency }}"
    assert_parts_are_strict_xml(blob)


# --- the package ------------------------------------------------------------


def assert_parts_are_strict_xml(blob: bytes) -> None:
    for name, content in dr.parts(blob).items():
        if name.endswith((".xml", ".rels")):
            dr.etree.fromstring(content, dr.STRICT)  # raises on any XML error


def test_every_part_parses_strictly_and_no_tag_is_left(full_docx, example_docx):
    for blob in (full_docx, example_docx):
        assert_parts_are_strict_xml(blob)
        for name, content in dr.parts(blob).items():
            text = content.decode("utf-8", "replace")
            assert "{{" not in text and "{%" not in text and "}}" not in text, name
            assert "hMerge" not in text, name


def test_same_input_gives_identical_bytes(full):
    assert api.render_report(full) == api.render_report(dict(full))


def test_zip_entries_have_fixed_times(full_docx):
    with zipfile.ZipFile(io.BytesIO(full_docx)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_report_is_the_templates_unchanged_parts_then_its_own(full_docx):
    # the parts every report shares are zipped once per template; appending the report's own
    # parts gives exactly the bytes of zipping them all in one go
    from xxgk_report.package import zip_parts
    from xxgk_report.variants import template_path
    with zipfile.ZipFile(template_path("default")) as template:
        shared = [n for n in template.namelist() if n not in ("docProps/core.xml", "word/document.xml")]
        unchanged = {n: template.read(n) for n in shared}
    with zipfile.ZipFile(io.BytesIO(full_docx)) as archive:
        assert archive.namelist() == shared + ["docProps/core.xml", "word/document.xml"]
        assert {n: archive.read(n) for n in shared} == unchanged
        own = {n: archive.read(n) for n in ("docProps/core.xml", "word/document.xml")}
    assert zip_parts(own, after=zip_parts(unchanged)) == zip_parts(unchanged | own) == full_docx


def test_document_properties_come_from_the_data(full_docx):
    core = dr.parts(full_docx)["docProps/core.xml"].decode()
    assert "<dc:title>某某市某某区数据局2023年度政府信息公开工作年度报告</dc:title>" in core
    assert "<dc:creator>某某市某某区数据局</dc:creator>" in core
    assert ">2024-01-08T00:00:00Z</dcterms:created>" in core


def test_page_numbers_in_footers(full_docx):
    parts = dr.parts(full_docx)
    footers = sorted(n for n in parts if n.startswith("word/footer"))
    assert len(footers) == 2
    texts = {dr.etree.fromstring(parts[n], dr.STRICT).find(f".//{dr.w('jc')}").get(dr.w("val")):
             dr.text_of(dr.etree.fromstring(parts[n], dr.STRICT)) for n in footers}
    assert texts == {"right": "— 1 —", "left": "— 1 —"}
    assert all("PAGE" in parts[n].decode() for n in footers)
    assert b"<w:evenAndOddHeaders/>" in parts["word/settings.xml"]


def _schema_errors(path: Path) -> list[str]:
    result = OpenXmlValidator().validate(path)
    return [str(e) for e in result.errors if e.error_type.value == "schema"]


def test_openxml_audit_finds_no_schema_errors(full_docx, example_docx, tmp_path):
    for name, blob in (("full.docx", full_docx), ("example.docx", example_docx)):
        (tmp_path / name).write_bytes(blob)
        assert _schema_errors(tmp_path / name) == []
        assert [str(e) for e in OpenXmlValidator().validate(tmp_path / name).errors] == []  # no finding of any kind


def test_openxml_audit_would_catch_a_schema_error(full_docx, tmp_path):
    # The check above can fail: a misplaced element is reported.
    parts = dr.parts(full_docx)
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body><w:tblGrid/>", 1)
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert _schema_errors(broken) != []


def test_render_accepts_a_validated_report(full):
    assert api.render_report(build_report(full)) == api.render_report(full)


def test_very_long_title_and_agency_render(full):
    full["agency"] = "某" * 300
    full["title"] = "题" * 300
    paragraphs = dr.paragraphs(api.render_report(full))
    assert paragraphs[0].text == "题" * 300 and paragraphs[-2].text == "某" * 300
