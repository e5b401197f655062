"""The committed template: produced by tools/build_templates.py, typeset per GB/T 9704."""

from __future__ import annotations

import importlib.util

import pytest

from . import docx_reader as dr
from .conftest import ROOT

TEMPLATE = ROOT / "templates" / "report.docx"
SHIPPED = ("report.docx", "letterhead.docx", "format-2019.docx")


@pytest.fixture(scope="module")
def builder():
    path = ROOT / "tools" / "build_templates.py"
    module_spec = importlib.util.spec_from_file_location("build_templates", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def template() -> bytes:
    return TEMPLATE.read_bytes()


@pytest.mark.parametrize("name", SHIPPED)
def test_committed_templates_are_what_the_script_builds(builder, name):
    assert set(builder.TEMPLATE_BUILDERS) == set(SHIPPED)
    built = builder.TEMPLATE_BUILDERS[name]()
    assert built == (ROOT / "templates" / name).read_bytes(), "run: python tools/build_templates.py"


def test_builder_check_mode_passes(builder):
    assert builder.main(["--check"]) == 0


def _style(styles, style_id):
    for style in styles.findall(dr.w("style")):
        if style.get(dr.w("styleId")) == style_id:
            return style
    raise KeyError(style_id)


def _font(style):
    fonts = style.find(f"{dr.w('rPr')}/{dr.w('rFonts')}")
    size = style.find(f"{dr.w('rPr')}/{dr.w('sz')}")
    return fonts.get(dr.w("eastAsia")), (int(size.get(dr.w("val"))) if size is not None else None)


def test_styles_set_the_east_asian_font_everywhere(template):
    styles = dr.xml(template, "word/styles.xml")
    fonts = {s.get(dr.w("styleId")): _font(s) for s in styles.findall(dr.w("style"))
             if s.find(f"{dr.w('rPr')}/{dr.w('rFonts')}") is not None}
    assert fonts == {
        "Normal": ("仿宋_GB2312", 32), "Title": ("方正小标宋简体", 44), "Heading1": ("黑体", 32),
        "Heading2": ("楷体_GB2312", 32), "RunInHeading": ("楷体_GB2312", 32), "TableText": ("仿宋_GB2312", 21),
        "Signoff": ("仿宋_GB2312", 32), "Footer": ("宋体", 28), "Letterhead": ("方正小标宋简体", 72),
    }
    text = dr.parts(template)["word/styles.xml"].decode()
    assert "Theme" not in text  # no theme fonts (asciiTheme, eastAsiaTheme, …)
    for rfonts in styles.iter(dr.w("rFonts")):
        assert rfonts.get(dr.w("hint")) == "eastAsia"
    assert "zh-CN" in dr.parts(template)["word/settings.xml"].decode()


def test_body_style_is_3hao_fangsong_on_the_22_line_grid(template):
    normal = _style(dr.xml(template, "word/styles.xml"), "Normal")
    spacing = normal.find(f"{dr.w('pPr')}/{dr.w('spacing')}")
    assert (spacing.get(dr.w("line")), spacing.get(dr.w("lineRule"))) == ("579", "exact")
    assert normal.find(f"{dr.w('pPr')}/{dr.w('ind')}").get(dr.w("firstLineChars")) == "200"
    assert normal.find(f"{dr.w('pPr')}/{dr.w('jc')}").get(dr.w("val")) == "both"
    assert normal.find(f"{dr.w('rPr')}/{dr.w('spacing')}").get(dr.w("val")) == "-5"  # 28 characters a line


def test_page_is_a4_with_gbt9704_margins(template):
    sect = dr.xml(template).find(f"{dr.w('body')}/{dr.w('sectPr')}")
    size = sect.find(dr.w("pgSz"))
    margins = sect.find(dr.w("pgMar"))
    assert (size.get(dr.w("w")), size.get(dr.w("h"))) == ("11906", "16838")
    assert {k: margins.get(dr.w(k)) for k in ("top", "right", "bottom", "left")} == {
        "top": "2098", "right": "1474", "bottom": "1984", "left": "1587"}
    grid = sect.find(dr.w("docGrid"))
    assert (grid.get(dr.w("type")), grid.get(dr.w("linePitch"))) == ("lines", "579")


def test_template_has_placeholders_in_every_value_cell(template):
    from xxgk_report import spec
    found = dr.tables(template)
    for table, read in zip(spec.FORMAT_2021_SPEC.tables(), found, strict=True):
        for cell in table.value_cells():
            assert read.at(cell.row, cell.col).text == "{{ " + ".".join(cell.field) + " }}"


def test_template_declares_only_its_fonts_with_fallbacks(template):
    fonts = dr.xml(template, "word/fontTable.xml")
    names = {f.get(dr.w("name")): (f.find(dr.w("altName")).get(dr.w("val")) if f.find(dr.w("altName")) is not None else "")
             for f in fonts.findall(dr.w("font"))}
    assert names == {"Times New Roman": "", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei",
                     "宋体": "SimSun", "方正小标宋简体": "宋体"}


def test_signoff_is_right_aligned_two_characters_in(template):
    signoff = _style(dr.xml(template, "word/styles.xml"), "Signoff")
    assert signoff.find(f"{dr.w('pPr')}/{dr.w('jc')}").get(dr.w("val")) == "right"
    assert signoff.find(f"{dr.w('pPr')}/{dr.w('ind')}").get(dr.w("rightChars")) == "200"


def test_header_rows_repeat_and_rows_never_split(template):
    for table in dr.xml(template).iter(dr.w("tbl")):
        for tr in table.findall(dr.w("tr")):
            assert tr.find(f"{dr.w('trPr')}/{dr.w('cantSplit')}") is not None
    proactive, applications, reviews = dr.tables(template)
    assert (proactive.header_rows, applications.header_rows, reviews.header_rows) == (0, 3, 3)
