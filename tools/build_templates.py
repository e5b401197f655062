"""Write the shipped docxtpl templates (templates/*.docx) from the spec.

    python tools/build_templates.py            # (re)write every template
    python tools/build_templates.py --check    # exit 1 if a committed file differs

Variants: report.docx (`default`, the 2021 format), letterhead.docx (the same under a red
发文机关标志 and separator line, GB/T 9704 7.2.4/7.2.6) and format-2019.docx (the 2019 format).
Each carries its one-line description in the 「备注」 document property.

Typography follows GB/T 9704-2012 (see ../shared/format/typesetting.md): A4, margins
37/26/35/28 mm, 22 lines × 28 characters, body 3号仿宋_GB2312, title 2号方正小标宋简体,
一、 headings 黑体, （一） headings 楷体_GB2312, page numbers 「— 1 —」 in 4号宋体.
The tables are drawn from `spec.FormatSpec.tables()` with placeholders in the value cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

import docx
from docx.opc.oxml import parse_xml
from docx.opc.oxml import serialize_part_xml as serialize_part
from docx.shared import Twips

from xxgk_report import spec
from xxgk_report.ooxml import (
    element,
    field_runs,
    paragraph,
    paragraph_properties,
    run,
    run_properties,
    style_element,
    table_element,
)
from xxgk_report.package import deterministic_zip

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"

LINE = 579  # 28.95 pt: 22 lines in the 225 mm 版心
RED = "FF0000"
LETTERHEAD_SIZE = 72  # 小初 (36 pt); the renderer shrinks it for a long name
LETTERHEAD_TOP = 1984  # 35 mm from the top of the 版心 to the top of the 发文机关标志
BODY_SIZE = 32  # 3号, half-points
TABLE_SIZE = 21  # 五号
PAGE_NUMBER_SIZE = 28  # 4号
CHAR_SPACING = -5  # −0.25 pt: 28 characters of 3号 in the 156 mm 版心

#: Fonts declared in fontTable, with the name Word substitutes when one is missing.
FONTS = (
    ("Times New Roman", "", "00", "roman", "variable"),
    (FANGSONG, "仿宋", "86", "modern", "fixed"),
    (KAITI, "楷体", "86", "modern", "fixed"),
    (HEITI, "SimHei", "86", "modern", "fixed"),
    (SONGTI, "SimSun", "86", "auto", "variable"),
    (XIAOBIAOSONG, "宋体", "86", "script", "fixed"),
)

DROPPED_RELATIONSHIPS = ("stylesWithEffects", "customXml", "numbering", "webSettings", "thumbnail")


# --- package ----------------------------------------------------------------


def drop_unused_parts(document) -> None:
    """Remove python-docx's default extras (thumbnail, stylesWithEffects, …) from the package."""
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in DROPPED_RELATIONSHIPS:
                del rels[r_id]


def write_styles(document) -> None:
    """Replace python-docx's Japanese-flavoured styles with the GB/T 9704 set."""
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    styles.append(element("w:docDefaults", children=[
        element("w:rPrDefault", children=[run_properties(FANGSONG, BODY_SIZE)]),
        element("w:pPrDefault", children=[element("w:pPr")]),
    ]))
    for style in style_elements():
        styles.append(style)


def style_elements() -> list:
    """The template's styles; every one names its East-Asian font."""
    no_indent = {"w:firstLineChars": 0, "w:firstLine": 0}
    return [
        style_element("paragraph", "Normal", "Normal", default=True,
                      ppr=paragraph_properties(jc="both", line=LINE, first_line_chars=200),
                      rpr=run_properties(FANGSONG, BODY_SIZE, spacing=CHAR_SPACING)),
        style_element("paragraph", "Title", "Title", based_on="Normal", next_style="Normal",
                      ppr=paragraph_properties(jc="center", line=700, snap_to_grid=False, ind=no_indent),
                      rpr=run_properties(XIAOBIAOSONG, 44)),
        style_element("paragraph", "Heading1", "heading 1", based_on="Normal", next_style="Normal",
                      ppr=paragraph_properties(line=LINE, first_line_chars=200, keep_next=True, outline=0),
                      rpr=run_properties(HEITI, BODY_SIZE, spacing=CHAR_SPACING), ui_priority=9),
        style_element("paragraph", "Heading2", "heading 2", based_on="Normal", next_style="Normal",
                      ppr=paragraph_properties(line=LINE, first_line_chars=200, keep_next=True, outline=1),
                      rpr=run_properties(KAITI, BODY_SIZE, spacing=CHAR_SPACING), ui_priority=9),
        style_element("character", "RunInHeading", "（一）标题（段内）",
                      rpr=run_properties(KAITI, BODY_SIZE, spacing=CHAR_SPACING)),
        style_element("paragraph", "TableText", "表格文字",
                      ppr=paragraph_properties(jc="center", line=240, line_rule="auto", snap_to_grid=False, ind=no_indent),
                      rpr=run_properties(FANGSONG, TABLE_SIZE)),
        # GB/T 9704 7.3.5.2 (no seal): 署名 and 成文日期 右空二字.
        style_element("paragraph", "Signoff", "落款", based_on="Normal",
                      ppr=paragraph_properties(jc="right", line=LINE, ind={**no_indent, "w:rightChars": 200, "w:right": 640}),
                      rpr=run_properties(FANGSONG, BODY_SIZE, spacing=CHAR_SPACING)),
        # GB/T 9704 7.2.4 and 7.2.6: 发文机关标志 red, 小标宋, centred, 35 mm below the top of
        # the 版心; a red separator line as wide as the 版心 under it.
        style_element("paragraph", "Letterhead", "发文机关标志", based_on="Normal", next_style="Normal",
                      ppr=letterhead_properties(),
                      rpr=run_properties(XIAOBIAOSONG, LETTERHEAD_SIZE, color=RED)),
        style_element("paragraph", "Footer", "footer",
                      ppr=paragraph_properties(line=240, line_rule="auto", snap_to_grid=False, ind=no_indent),
                      rpr=run_properties(SONGTI, PAGE_NUMBER_SIZE, latin=SONGTI)),
        style_element("character", "DefaultParagraphFont", "Default Paragraph Font", default=True, ui_priority=1),
        style_element("table", "TableNormal", "Normal Table", default=True, ui_priority=99),
        style_element("numbering", "NoNumbering", "No List", default=True, ui_priority=99),
    ]


def letterhead_properties():
    """Centred, 35 mm below the top of the 版心, the red line 11 pt (4 mm) under the name."""
    return paragraph_properties(jc="center", before=LETTERHEAD_TOP, after=0, line=240, line_rule="auto",
                                snap_to_grid=False, ind={"w:firstLineChars": 0, "w:firstLine": 0},
                                bottom_border={"w:val": "single", "w:sz": 18, "w:space": 11, "w:color": RED})


def write_font_table(document) -> None:
    """Declare the fonts the styles use (with Word's fallback names), and only those."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(part.blob)
    for child in list(root):
        root.remove(child)
    for name, alt, charset, family, pitch in FONTS:
        children = [element("w:altName", {"w:val": alt})] if alt else []
        children += [element("w:charset", {"w:val": charset}), element("w:family", {"w:val": family}),
                     element("w:pitch", {"w:val": pitch})]
        root.append(element("w:font", {"w:name": name}, children))
    part._blob = serialize_part(root)


def write_settings(document) -> None:
    """Chinese theme font language; odd and even page footers."""
    settings = document.settings
    settings.odd_and_even_pages_header_footer = True
    lang = settings.element.find(docx.oxml.ns.qn("w:themeFontLang"))
    lang.set(docx.oxml.ns.qn("w:val"), "en-US")
    lang.set(docx.oxml.ns.qn("w:eastAsia"), "zh-CN")


def write_page_setup(document) -> None:
    """A4, GB/T 9704 margins, 22-line grid, page numbers odd right / even left."""
    section = document.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = Twips(2098), Twips(1984)
    section.left_margin, section.right_margin = Twips(1587), Twips(1474)
    section.header_distance, section.footer_distance, section.gutter = Twips(851), Twips(1247), Twips(0)
    grid = section._sectPr.find(docx.oxml.ns.qn("w:docGrid"))
    grid.set(docx.oxml.ns.qn("w:type"), "lines")
    grid.set(docx.oxml.ns.qn("w:linePitch"), str(LINE))
    write_page_number(section.footer, jc="right", ind={"w:right": 280, "w:rightChars": 100})
    write_page_number(section.even_page_footer, jc="left", ind={"w:left": 280, "w:leftChars": 100})


def write_page_number(footer, jc: str, ind: dict) -> None:
    """Fill a footer with 「— PAGE —」 in 4号宋体, one character in from the edge."""
    p = footer.paragraphs[0]._p
    for child in list(p):
        p.remove(child)
    def rpr():
        return run_properties(SONGTI, PAGE_NUMBER_SIZE, latin=SONGTI)
    p.append(element("w:pPr", children=[element("w:pStyle", {"w:val": "Footer"}),
                                        element("w:ind", ind), element("w:jc", {"w:val": jc})]))
    for r in [run("— ", rpr=rpr()), *field_runs("PAGE", rpr), run(" —", rpr=rpr())]:
        p.append(r)


def write_core_properties(document, description: str, fmt: spec.FormatSpec) -> None:
    """Fixed document properties: the variant's description in 「备注」, its format in
    「类别」 (the renderer replaces them all from the data)."""
    props = document.core_properties
    props.author = props.last_modified_by = "xxgk-report"
    props.comments = description
    props.category = str(fmt.year)
    props.title = props.subject = props.keywords = ""
    props.created = props.modified = dt.datetime(2021, 9, 26)
    props.revision = 1


# --- body -------------------------------------------------------------------


def control(tag: str):
    """A paragraph holding only a docxtpl paragraph-level tag ({%p … %})."""
    return paragraph("Normal", [run(tag)])


def narrative(variable: str, keep_last: bool = False) -> list:
    """The paragraphs that print a narrative list: headings, run-in headings, body text.

    With `keep_last`, the list's last paragraph keeps with the next one, so that the 落款
    never stands alone on a page."""
    def runin(keep: bool = False):
        return paragraph("Normal", [run("{{ p.heading }}", char_style="RunInHeading"), run("{{ p.text }}")],
                         [element("w:keepNext")] if keep else [])

    def body(keep: bool = False):
        return paragraph("Normal", [run("{{ p.text }}")], [element("w:keepNext")] if keep else [])

    last = ([control('{%p elif p.kind == "runin" and loop.last %}'), runin(True),
             control('{%p elif loop.last %}'), body(True)] if keep_last else [])
    return [
        control(f"{{%p for p in {variable} %}}"),
        control('{%p if p.kind == "heading" %}'),
        paragraph("Heading2", [run("{{ p.heading }}")]),
        *last,
        control('{%p elif p.kind == "runin" %}'),
        runin(),
        control("{%p else %}"),
        body(),
        control("{%p endif %}"),
        control("{%p endfor %}"),
    ]


def table_cell_content(cell) -> object:
    """A table cell's paragraph: its label, a value placeholder, or empty (merge continuation)."""
    if cell is None:
        return paragraph("TableText")
    if cell.field is not None:
        return paragraph("TableText", [run("{{ " + ".".join(cell.field) + " }}")])
    return paragraph("TableText", [run(cell.text)])


def letterhead() -> list:
    """发文机关标志 (the agency's name) over its separator line, then two blank lines."""
    return [paragraph("Letterhead", [run("{{ agency }}")]), paragraph("Normal"), paragraph("Normal")]


def body_elements(fmt: spec.FormatSpec, with_letterhead: bool = False) -> list:
    """Everything between the start of the document and its section properties."""
    tables = {t.key: t for t in fmt.tables()}
    items = letterhead() if with_letterhead else []
    items += [
        # one paragraph, broken after the agency's name when it is too long for one line
        paragraph("Title", [run("{% for line in title_lines %}{% if not loop.first %}"),
                            element("w:r", children=[element("w:br")]),
                            run("{% endif %}{{ line }}{% endfor %}")]),
        paragraph("Normal"),  # 标题下空一行
        *narrative("preamble"),
    ]
    for key, heading in spec.SECTIONS:
        items.append(paragraph("Heading1", [run(heading)]))
        if key in tables:
            items += narrative(f"{key}.text")
            items.append(table_element(tables[key], table_cell_content))
        else:
            items += narrative(key, keep_last=key == spec.SECTIONS[-1][0])
    items += [
        control("{%p if date %}"),
        paragraph("Normal", ppr_children=[element("w:keepNext")]),
        paragraph("Signoff", [run("{{ agency }}")], [element("w:keepNext")]),
        paragraph("Signoff", [run("{{ date }}")]),
        control("{%p endif %}"),
    ]
    return items


def build_report_template(fmt: spec.FormatSpec = spec.FORMAT_2021_SPEC, with_letterhead: bool = False,
                          description: str = "") -> bytes:
    """Return the bytes of a template for `fmt`, optionally under a letterhead."""
    document = docx.Document()
    drop_unused_parts(document)
    write_styles(document)
    write_font_table(document)
    write_settings(document)
    write_page_setup(document)
    write_core_properties(document, description, fmt)
    sect_pr = document.element.body.sectPr
    for item in body_elements(fmt, with_letterhead):
        sect_pr.addprevious(item)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


#: template file name → builder
TEMPLATE_BUILDERS = {
    "report.docx": lambda: build_report_template(
        description=f"官方 2021 格式（{spec.NOTICE_2021}），GB/T 9704 版式；2021 年度起的报告默认使用"),
    "letterhead.docx": lambda: build_report_template(
        with_letterhead=True,
        description="2021 格式，文首加红色发文机关标志（机关名称，方正小标宋）和红色分隔线"),
    "format-2019.docx": lambda: build_report_template(
        spec.FORMAT_2019_SPEC,
        description=f"2019 格式（{spec.NOTICE_2019}）；2019、2020 年度的报告默认使用"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args(argv)
    stale = []
    for name, build in TEMPLATE_BUILDERS.items():
        target = TEMPLATES / name
        blob = build()
        if args.check:
            if not target.exists() or target.read_bytes() != blob:
                stale.append(name)
        else:
            target.write_bytes(blob)
            print(target.relative_to(ROOT))
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python tools/build_templates.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
