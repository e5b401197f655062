"""`make-report template check` and the check every render runs first: templates edited the
way Word edits them pass; each kind of broken template gives its named problem."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from lxml import etree

from xxgk_report import api
from xxgk_report.errors import TemplateError
from xxgk_report.model import load_report
from xxgk_report.render import render_docx
from xxgk_report.template_check import inspect_template
from xxgk_report.variants import template_path, variants

from . import docx_reader as dr
from .conftest import EXAMPLE, FULL, read_yaml
from .tables import assert_tables_match

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture
def edited(tmp_path) -> Callable[..., Path]:
    """A copy of a shipped template with its document.xml changed by `change(xml) -> xml`."""
    def make(change: Callable[[str], str], base: str = "default", name: str = "edited.docx") -> Path:
        parts = dr.parts(template_path(base).read_bytes())
        parts["word/document.xml"] = change(parts["word/document.xml"].decode("utf-8")).encode("utf-8")
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, blob in parts.items():
                archive.writestr(part, blob)
        return path
    return make


def problems(path: Path, fmt=None) -> list[tuple[str, str, str]]:
    return [(p.rule, p.path, p.message) for p in inspect_template(path, fmt).problems]


def rules(path: Path) -> list[str]:
    return [p.rule for p in inspect_template(path).problems]


@pytest.mark.parametrize("variant", [v.name for v in variants()])
def test_every_shipped_template_is_clean(variant):
    info = inspect_template(template_path(variant))
    assert info.problems == ()
    assert info.format == (2019 if variant == "format-2019" else 2021)


# --- edited as Word edits -----------------------------------------------------

_RUN_TAG = re.compile(r'<w:r><w:t xml:space="preserve">({{ [^<]*? }}|{%p [^<]*? %})</w:t></w:r>')


def word_split(xml: str) -> str:
    """Every tag split over three runs the way Word leaves it after typing and spell-checking:
    rsid attributes, w:proofErr between the pieces, run properties on the middle piece."""
    def split(m: re.Match) -> str:
        tag = m.group(1)
        a, b = len(tag) // 3, 2 * len(tag) // 3
        return (f'<w:r w:rsidRPr="00A1B2C3"><w:t>{tag[:a]}</w:t></w:r><w:proofErr w:type="spellStart"/>'
                f'<w:r w:rsidR="00D4E5F6"><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t>{tag[a:b]}</w:t></w:r>'
                f'<w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve">{tag[b:]}</w:t></w:r>')
    return _RUN_TAG.sub(split, xml)


def curly_quotes(xml: str) -> str:
    """Word's AutoFormat turns "heading" into “heading” as it is typed."""
    return re.sub(r'"(heading|runin)"', "“\\1”", xml)


def test_word_edits_leave_a_template_that_checks_clean_and_renders_the_same(edited):
    path = edited(lambda xml: word_split(curly_quotes(xml)))
    text = dr.parts(path.read_bytes())["word/document.xml"].decode()
    assert "applications.received.natural" not in text and "“" in text and "”" in text  # really split
    assert inspect_template(path).problems == ()
    blob = api.render_report(FULL, template=str(path))
    assert_tables_match(blob, read_yaml(FULL))
    original = api.render_report(FULL)
    assert [(p.style, p.text) for p in dr.paragraphs(blob)] == [(p.style, p.text) for p in dr.paragraphs(original)]


def test_a_fixed_paragraph_and_other_fonts_are_fine(edited):
    contact = ('<w:p><w:r><w:rPr><w:rFonts w:eastAsia="宋体"/></w:rPr>'
               '<w:t>联系电话：0825-1234567</w:t></w:r></w:p>')
    path = edited(lambda xml: xml.replace("<w:sectPr", contact + "<w:sectPr", 1))
    assert inspect_template(path).problems == ()
    assert dr.paragraphs(api.render_report(EXAMPLE, template=str(path)))[-1].text == "联系电话：0825-1234567"


# --- broken ---------------------------------------------------------------------


def test_m1_xml_not_well_formed(edited):
    path = edited(lambda xml: xml.replace("</w:body>", "", 1))
    ((rule, where, message),) = problems(path)
    assert (rule, where) == ("M1", "word/document.xml")
    assert message.startswith("XML 不合法（第 ") and "请用 Word 或 WPS 重新保存" in message


def test_m1_not_a_docx(tmp_path):
    path = tmp_path / "not.docx"
    path.write_text("hello")
    assert rules(path) == ["M1"]


def test_m2_a_tag_that_does_not_parse_is_named(edited):
    path = edited(lambda xml: xml.replace("{{ applications.received.natural }}",
                                          "{{ applications.received.natural + }}", 1))
    found = [p for p in problems(path) if p[0] == "M2"]
    assert found == [("M2", "word/document.xml",
                      "标签 {{ applications.received.natural + }} 无法解析（unexpected 'end of print statement'）")]


def test_m2_an_unclosed_block(edited):
    path = edited(lambda xml: re.sub(r"<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr><w:r>"
                                     r"<w:t xml:space=\"preserve\">{%p endfor %}</w:t></w:r></w:p>", "", xml, count=1))
    ((rule, where, message),) = [p for p in problems(path) if p[0] == "M2"]
    assert message.startswith("标签结构有误（")


def test_m3_unknown_field_with_a_suggestion(edited):
    path = edited(lambda xml: xml.replace("applications.received.natural", "applications.recieved.natural"))
    found = problems(path)
    assert ("M3", "模板标签", "字段 applications.recieved.natural 不存在（“applications” 下没有 “recieved”）；"
                          "是否应为 applications.received.natural？") in found
    assert ("M4", "applications.received.natural",
            "缺少标签 {{ applications.received.natural }}，这一格的数字不会印出") in found


def test_m3_unknown_field_of_a_paragraph(edited):
    path = edited(lambda xml: xml.replace("{{ p.text }}", "{{ p.txt }}", 1))
    assert ("M3", "模板标签", "字段 p.txt 不存在：循环中的每一段只有 kind、heading、text") in problems(path)


def test_m4_a_value_cell_left_empty(edited):
    path = edited(lambda xml: xml.replace("{{ reviews.litigation.pending }}", "", 1))
    found = problems(path)
    assert [p[0] for p in found] == ["M4", "M6"]
    assert found[0][1] == "reviews.litigation.pending"
    assert found[1][2] == "第 4 行第 9 列：应为「{{reviews.litigation.pending}}」，模板中为空单元格"


def test_m4_a_section_not_printed(edited):
    path = edited(lambda xml: xml.replace("{%p for p in problems %}", "{%p for p in [] %}", 1))
    assert ("M4", "problems", "没有印出这部分正文（应有 {%p for p in problems %} … {%p endfor %}）") in problems(path)


def test_m5_a_heading_changed(edited):
    path = edited(lambda xml: xml.replace("五、存在的主要问题及改进情况", "五、存在的问题", 1))
    assert problems(path) == [("M5", "problems", "缺少标题「五、存在的主要问题及改进情况」（应单独成段，与官方格式一字不差）")]


def _delete_row(xml: str, label: str) -> str:
    rows = re.findall(r"<w:tr>.*?</w:tr>", xml, flags=re.DOTALL)
    row = next(r for r in rows if f">{label}<" in r)
    return xml.replace(row, "", 1)


def test_m6_a_table_row_deleted(edited):
    path = edited(lambda xml: _delete_row(xml, "2.重复申请"))
    found = [p for p in problems(path) if p[0] == "M6"]
    assert ("M6", "表格三", "缺少第 20 行（「2.重复申请」）；是否删掉了一行？") in found
    assert ("M6", "表格三", "第 6 行第 1 列：应为「三、本年度办理结果」（跨 22 行 1 列），"
                          "模板中为「三、本年度办理结果」（跨 21 行 1 列）（合并单元格被改动？）") in found
    assert {p[1] for p in problems(path) if p[0] == "M4"} >= {"applications.not_handled.repeated.natural"}


def test_m6_a_horizontal_merge_undone(edited):
    def unmerge(xml: str) -> str:
        cell = re.search(r'<w:tc><w:tcPr><w:tcW w:w="4205" w:type="dxa"/><w:gridSpan w:val="2"/>'
                         r'(?:(?!</w:tc>).)*（一）予以公开.*?</w:tc>', xml, flags=re.DOTALL).group(0)
        split = (cell.replace('<w:tcW w:w="4205" w:type="dxa"/><w:gridSpan w:val="2"/>', '<w:tcW w:w="1600" w:type="dxa"/>')
                 + '<w:tc><w:tcPr><w:tcW w:w="2605" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
        return xml.replace(cell, split, 1)
    found = problems(edited(unmerge))
    assert found == [
        ("M6", "表格三", "第 6 行第 2 列：应为「（一）予以公开」（跨 1 行 2 列），模板中为「（一）予以公开」（合并单元格被改动？）"),
        ("M6", "表格三", "第 6 行第 3 列：多出一个空单元格（合并单元格被拆开？）"),
    ]


def test_m6_a_vertical_merge_undone(edited):
    def unmerge(xml: str) -> str:
        root = etree.fromstring(xml.encode())
        cells = [tc for tc in root.iter(f"{{{W}}}tc") if "".join(tc.itertext()) == "（四）无法提供"]
        merge = cells[0].find(f"{{{W}}}tcPr/{{{W}}}vMerge")
        merge.getparent().remove(merge)
        return etree.tostring(root, encoding="unicode")
    found = problems(edited(unmerge))
    assert found[0] == ("M6", "表格三", "第 16 行第 2 列：应为「（四）无法提供」（跨 3 行 1 列），"
                                      "模板中为「（四）无法提供」（合并单元格被改动？）")
    assert all(p[0] == "M6" for p in found)


def test_m6_a_table_missing(edited):
    def drop_reviews(xml: str) -> str:
        tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, flags=re.DOTALL)
        return xml.replace(tables[2], "", 1)
    found = problems(edited(drop_reviews))
    assert ("M6", "表格四", "找不到这张表（第一格应为「行政复议」）") in found


HOSTILE = {
    "class": ("{{ ''.__class__.__mro__ }}", "不允许访问内部属性 .__mro__"),
    "attribute of data": ("{{ agency.__class__ }}", "不允许访问内部属性 __class__"),
    "include": ("{% include 'word/styles.xml' %}", "不允许 {% include %}：模板不能读取其他文件"),
    "import": ("{% import 'x' as x %}", "不允许 {% import %}：模板不能读取其他文件"),
    "extends": ("{% extends 'x' %}", "不允许 {% extends %}：模板不能读取其他文件"),
}


def _add_paragraph(tag: str):
    def change(xml: str) -> str:
        return xml.replace("<w:sectPr", f'<w:p><w:r><w:t xml:space="preserve">{tag}</w:t></w:r></w:p><w:sectPr', 1)
    return change


@pytest.mark.parametrize("case", HOSTILE)
def test_m7_reaching_outside_the_sandbox_is_refused(edited, case):
    tag, message = HOSTILE[case]
    path = edited(_add_paragraph(tag))
    assert ("M7", "模板标签", message) in problems(path)
    with pytest.raises(TemplateError) as info:
        api.render_report(EXAMPLE, template=str(path))
    assert "M7" in [p.rule for p in info.value.problems]


@pytest.mark.parametrize("case", HOSTILE)
def test_the_sandbox_refuses_even_without_the_check(edited, case):
    # render_docx is the layer under the check: it must hold by itself.
    path = edited(_add_paragraph(HOSTILE[case][0]))
    with pytest.raises(TemplateError) as info:
        render_docx(load_report(EXAMPLE), path)
    assert str(info.value).startswith("模板试图做不允许的事，已拒绝")


def test_m8_fields_of_both_formats(edited):
    path = edited(_add_paragraph("{{ proactive.procurement.items }}"))
    info = inspect_template(path)
    assert info.format is None
    assert [p.rule for p in info.problems][:1] == ["M8"]


def test_checking_against_the_other_format():
    found = problems(template_path("format-2019"), fmt=2021)
    assert any(p[:2] == ("M3", "模板标签") and p[2].startswith(
        "字段 proactive.rules.created 不存在（“proactive.rules” 下没有 “created”）；是否应为 proactive.rules.") for p in found)


# --- rendering runs the check ---------------------------------------------------


def test_render_with_a_broken_template_lists_its_problems(edited, tmp_path):
    path = edited(lambda xml: _delete_row(xml, "2.重复申请"))
    with pytest.raises(TemplateError) as info:
        api.build_report_file(EXAMPLE, tmp_path / "out.docx", template=str(path))
    assert str(info.value) == (f"模板 {path} 有 {len(info.value.problems)} 处问题，未生成报告"
                               "（make-report template check 可单独检查模板）。")
    assert {p.rule for p in info.value.problems} == {"M4", "M6"}
    assert not (tmp_path / "out.docx").exists()


def test_check_result_is_cached_but_follows_edits(edited):
    path = edited(lambda xml: xml)
    assert inspect_template(path).problems == ()
    edited(lambda xml: xml.replace("五、存在的主要问题及改进情况", "五、问题", 1))  # same path, new content
    assert rules(path) == ["M5"]


# --- after review: what a hostile or odd template must not do ------------------


@pytest.mark.parametrize("tag, message", [
    ("{{ 9**(9**9) }}", "不允许乘方运算（**）"),
    ("{{ agency|center(1000000000) }}", "不允许过滤器 |center"),
    ("{{ agency|safe }}", "不允许过滤器 |safe"),
])
def test_m7_what_could_exhaust_the_machine_or_unescape_is_refused(edited, tag, message):
    found = [p for p in problems(edited(_add_paragraph(tag))) if p[0] == "M7"]
    assert len(found) == 1 and found[0][2].startswith(message)


@pytest.mark.parametrize("tag, message", [
    ("{{ agency * 100000 }}", "模板中的重复（*）会产生超过 10000 个字符或项"),
    ("{% for a in title_lines * 100000 %}{% endfor %}", "模板中的重复（*）会产生超过 10000 个字符或项"),
    ("{{ range(10) }}", "模板引用了数据中不存在的字段（'range' is undefined）"),
])
def test_runtime_limits_of_the_sandbox(edited, tag, message):
    path = edited(_add_paragraph(tag))
    with pytest.raises(TemplateError) as info:
        render_docx(load_report(EXAMPLE), path)
    assert message in str(info.value)


def test_a_template_cannot_change_the_numbers_it_prints(edited):
    tag = "{% set g = applications.granted %}{% if g.update(natural=99) %}{% endif %}"
    path = edited(_add_paragraph(tag))
    with pytest.raises(TemplateError, match="模板试图做不允许的事"):
        render_docx(load_report(FULL), path)


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in dr.parts(template_path("default").read_bytes()).items():
            archive.writestr(name, blob)
        archive.writestr("word/media/image1.bin", bytes(51 * 2**20))
    assert path.stat().st_size < 2**20
    ((rule, _, message),) = problems(path)
    assert rule == "M1" and "解压后有 51.1 MB（单个部分最大 51.0 MB），超过 50.0 MB（单个部分 20.0 MB）的上限" in message


def test_a_word_template_file_is_not_a_document(tmp_path):
    parts = dr.parts(template_path("default").read_bytes())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    path = tmp_path / "mine.dotx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    assert problems(path) == [("M1", "[Content_Types].xml", "这是Word 模板文件（.dotx），不是 .docx 文档；"
                                                             "请在 Word 或 WPS 中“另存为” Word 文档（.docx）")]


def test_footnotes_are_checked_like_the_body(tmp_path):
    parts = dr.parts(template_path("default").read_bytes())
    parts["word/footnotes.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="1"><w:p><w:r><w:t>{{{{ agnecy }}}}</w:t></w:r></w:p>'
        '</w:footnote></w:footnotes>').encode()
    path = tmp_path / "fn.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    assert problems(path) == [("M3", "模板标签", "字段 agnecy 不存在（数据中没有 “agnecy”）；是否应为 agency？")]


def test_one_broken_tag_is_one_problem_not_two_hundred(edited):
    path = edited(lambda xml: xml.replace("{{ proactive.licensing }}", "{{ proactive.licensing }", 1))
    assert rules(path) == ["M2", "M6"]  # the tag, and the cell that no longer holds it


def test_a_single_typo_in_a_table_tag_is_not_a_format_question(edited):
    path = edited(lambda xml: xml.replace("{{ proactive.licensing }}", "{{ proactive.licencing }}", 1))
    info = inspect_template(path)
    assert info.format == 2021
    assert [p.rule for p in info.problems] == ["M3", "M4", "M6"]


def test_with_blocks_macros_and_lists(edited):
    tags = ("{% with n = agency %}{{ n }}{% endwith %}"
            "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(agency) }}"
            "{{ overview.append }}")
    assert problems(edited(_add_paragraph(tags))) == [
        ("M3", "模板标签", "overview 是段落列表，没有 “append”；请在循环中使用：{%p for p in overview %} … {%p endfor %}")]


def test_a_grid_column_split_by_dragging_one_border_is_the_same_table(edited):
    def split_first_column(xml: str) -> str:
        root = etree.fromstring(xml.encode())
        table = next(root.iter(f"{{{W}}}tbl"))
        first = table.find(f"{{{W}}}tblGrid/{{{W}}}gridCol")
        first.set(f"{{{W}}}w", "2345")
        extra = etree.SubElement(table.find(f"{{{W}}}tblGrid"), f"{{{W}}}gridCol")
        extra.set(f"{{{W}}}w", "500")
        first.addnext(extra)
        for tr in table.findall(f"{{{W}}}tr"):
            tc = tr.find(f"{{{W}}}tc")
            pr = tc.find(f"{{{W}}}tcPr")
            span = pr.find(f"{{{W}}}gridSpan")
            if span is None:
                span = etree.Element(f"{{{W}}}gridSpan")
                pr.find(f"{{{W}}}tcW").addnext(span)
                span.set(f"{{{W}}}val", "1")
            span.set(f"{{{W}}}val", str(int(span.get(f"{{{W}}}val")) + 1))
        return etree.tostring(root, encoding="unicode")
    assert problems(edited(split_first_column)) == []


def test_odd_parts_that_word_may_write_do_not_crash_the_check(tmp_path):
    parts = dr.parts(template_path("default").read_bytes())
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = xml.replace('<w:gridSpan w:val="3"/>', '<w:gridSpan w:val="x"/>', 1).encode()
    parts["word/footer1.xml"] = parts["word/footer1.xml"].decode().replace(
        "encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16")
    path = tmp_path / "odd.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    assert {p.rule for p in inspect_template(path).problems} <= {"M6"}  # the odd span, read as 1
