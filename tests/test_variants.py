"""Template variants: each renders the example and a non-zero data set cell-exact."""

from __future__ import annotations

import copy

import pytest

from xxgk_report import api, spec
from xxgk_report.errors import TemplateError
from xxgk_report.variants import template_path, variants

from . import docx_reader as dr
from .conftest import EXAMPLE, FIXTURES, FULL, read_yaml
from .tables import assert_tables_match

FULL_2019 = FIXTURES / "full-2020.yaml"
VARIANTS_2021 = ("default", "letterhead")


def test_shipped_variants_and_their_descriptions():
    found = {v.name: v.description for v in variants()}
    assert list(found) == ["default", "format-2019", "letterhead"]
    assert found["default"].startswith("官方 2021 格式（国办公开办函〔2021〕30号）")
    assert found["format-2019"].startswith("2019 格式（国办公开办函〔2019〕60号）")
    assert "红色发文机关标志" in found["letterhead"]
    assert template_path("default").name == "report.docx"


@pytest.mark.parametrize("variant", VARIANTS_2021)
@pytest.mark.parametrize("source", [EXAMPLE, FULL], ids=["example", "full"])
def test_2021_variants_render_every_cell(variant, source):
    data = read_yaml(source)
    assert_tables_match(api.render_report(source, template=variant), data)


def test_format_2019_renders_every_cell():
    blob = api.render_report(FULL_2019)  # year 2020: the 2019 format and its template by default
    assert_tables_match(blob, read_yaml(FULL_2019), spec.FORMAT_2019_SPEC)
    proactive, applications, _ = dr.tables(blob)
    assert proactive.at(6, 2).text == "-2"  # 行政许可 / 本年增/减, negative
    assert proactive.at(14, 2).text == "-3" and proactive.at(14, 2).colspan == 2  # 行政事业性收费 / 本年增/减
    assert proactive.at(17, 1).text == "6"  # 政府集中采购 / 采购项目数量 (the key `items`)
    assert proactive.at(17, 2).text == "251000元"  # 采购总金额, text as written
    assert applications.at(23, 1).text == "（六）其他处理" and applications.at(23, 1).colspan == 2
    assert applications.at(23, 9).text == "4"


def test_format_2019_cells_left_out_are_zero():
    data = {"year": 2019, "agency": "某某县某某镇人民政府", "problems": ["问题和改进。" * 3]}
    blob = api.render_report(data)
    proactive, applications, reviews = dr.tables(blob)
    assert proactive.at(17, 2).text == "0" and proactive.at(6, 2).text == "0"
    assert_tables_match(blob, {"applications": {}, "reviews": {}, **data}, spec.FORMAT_2019_SPEC)


def test_variant_text_is_the_same_under_the_letterhead():
    plain = dr.paragraphs(api.render_report(EXAMPLE))
    letterhead = dr.paragraphs(api.render_report(EXAMPLE, template="letterhead"))
    assert [(p.style, p.text) for p in letterhead[:3]] == [
        ("Letterhead", "遂宁市安居区某某镇人民政府"), ("Normal", ""), ("Normal", "")]
    assert [(p.style, p.text) for p in letterhead[3:]] == [(p.style, p.text) for p in plain]


def _letterhead_style(blob: bytes):
    styles = dr.xml(blob, "word/styles.xml")
    return next(s for s in styles.findall(dr.w("style")) if s.get(dr.w("styleId")) == "Letterhead")


def test_letterhead_is_red_xiaobiaosong_over_a_red_line():
    blob = api.render_report(EXAMPLE, template="letterhead")
    style = _letterhead_style(blob)
    rpr, ppr = style.find(dr.w("rPr")), style.find(dr.w("pPr"))
    assert rpr.find(dr.w("rFonts")).get(dr.w("eastAsia")) == "方正小标宋简体"
    assert rpr.find(dr.w("color")).get(dr.w("val")) == "FF0000"
    bottom = ppr.find(f"{dr.w('pBdr')}/{dr.w('bottom')}")
    assert (bottom.get(dr.w("val")), bottom.get(dr.w("color"))) == ("single", "FF0000")
    assert ppr.find(dr.w("jc")).get(dr.w("val")) == "center"
    assert ppr.find(dr.w("spacing")).get(dr.w("before")) == "1984"  # 35 mm below the top of the 版心


def _letterhead_sizes(blob: bytes) -> list:
    p = dr.xml(blob).find(f"{dr.w('body')}/{dr.w('p')}")
    return [r.find(f"{dr.w('rPr')}/{dr.w('sz')}") for r in p.findall(dr.w("r"))]


def test_a_short_agency_keeps_the_letterhead_size():
    data = copy.deepcopy(read_yaml(EXAMPLE))
    data["agency"] = "某某县人民政府"
    data["title"] = "某某县人民政府2022年政府信息公开工作年度报告"
    sizes = _letterhead_sizes(api.render_report(data, template="letterhead"))
    assert sizes and all(s is None for s in sizes)  # the style's 小初 (36 pt)


def test_a_long_agency_name_is_shrunk_to_the_text_width():
    blob = api.render_report(EXAMPLE, template="letterhead")  # 13 characters: too wide at 36 pt
    sizes = {int(s.get(dr.w("val"))) for s in _letterhead_sizes(blob)}
    assert sizes == {68}  # 442 pt of 版心 / 13 characters = 34 pt
    assert 13 * 68 / 2 <= 8845 / 20


def test_template_in_the_data_file_picks_the_variant(write_data):
    data = read_yaml(EXAMPLE)
    data["template"] = "letterhead"
    blob = api.render_report(write_data(data))
    assert dr.paragraphs(blob)[0].style == "Letterhead"
    assert dr.paragraphs(api.render_report(write_data(data), template="default"))[0].style == "Title"


def test_a_template_of_the_other_format_is_refused():
    with pytest.raises(TemplateError) as info:
        api.render_report(FULL_2019, template="default")
    assert str(info.value) == ("模板 default 是 2021 格式的模板，数据是 2019 格式（2020 年度）；"
                               "请换用 2019 格式的模板，如 --template format-2019")
    with pytest.raises(TemplateError, match="模板 format-2019 是 2019 格式的模板，数据是 2021 格式"):
        api.render_report(FULL, template="format-2019")
