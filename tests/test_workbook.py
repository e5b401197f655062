"""The fill-in workbook: what `init -o x.xlsx` writes (opened as a clerk's program opens it),
what every command reads from one (filled, edited, damaged, hostile), and `convert`."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk_report import spec
from xxgk_report.datafile import report_data
from xxgk_report.errors import DataError
from xxgk_report.model import build_report, load_report
from xxgk_report.workbook import layout
from xxgk_report.workbook.write import workbook_bytes

from .conftest import EXAMPLE, FIXTURES, FULL
from .tables import assert_tables_match
from .test_extract import reports, same_report

FULL_2019 = FIXTURES / "full-2020.yaml"
SOFFICE = shutil.which("soffice")


def workbook_of(source: Path, tmp_path: Path, name: str = "w.xlsx") -> Path:
    """The workbook `convert` makes of a data file."""
    report = load_report(source)
    path = tmp_path / name
    path.write_bytes(workbook_bytes(report_data(report), report.spec))
    return path


def edit(path: Path, change) -> Path:
    """Open a workbook as another program would (openpyxl), change it, save it."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def sheet_table(fmt: spec.FormatSpec, key: str) -> layout.SheetTable:
    return next(s for s in layout.sheet_tables(fmt) if s.key == key)


def cell_of(fmt: spec.FormatSpec, key: str) -> str:
    """The cell (E14) of a value field in its sheet."""
    table = sheet_table(fmt, key.split(".")[0])
    (r, c), = [at for f, at in table.fields if f.key == key]
    return layout.ref(r, c)


# --- what init writes --------------------------------------------------------------------


@pytest.mark.parametrize("year", [2023, 2020])
def test_init_writes_the_official_tables_labels_locked_inputs_open_and_validated(run, tmp_path, year):
    result = run("init", "--year", year, "--agency", "某某县某某镇人民政府", "-o", "new.xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "new.xlsx")
    assert book.sheetnames == ["基本信息", "表二", "表三", "表四", "正文"]
    fmt = spec.FORMATS[2021 if year >= 2021 else 2019]
    for sheet in layout.sheet_tables(fmt):
        ws = book[sheet.sheet]
        assert ws.protection.sheet and not ws.protection.password, sheet.sheet
        assert ws["A1"].value == spec.TOP_LEVEL_LABELS[sheet.key]
        merged = {str(m) for m in ws.merged_cells.ranges}
        for cell, (r, c) in sheet.labels:  # every label verbatim, where the official table has it, locked
            at = ws.cell(r + 1, c + 1)
            assert at.value == cell.text and at.protection.locked, (sheet.sheet, at.coordinate)
            assert at.border.left.style and at.border.top.style
            if cell.rowspan > 1 or cell.colspan > 1:
                assert f"{at.coordinate}:{layout.ref(r + cell.rowspan - 1, c + cell.colspan - 1)}" in merged
        prompts = {str(rng): dv for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
        for field, (r, c) in sheet.fields:
            at = ws.cell(r + 1, c + 1)
            if field.computed:
                assert at.value == sheet.formula(field) and at.protection.locked
                continue
            assert not at.protection.locked and at.fill.fgColor.rgb.endswith("FFF5CC"), at.coordinate
            dv = prompts[at.coordinate]
            assert field.label in dv.prompt and dv.showErrorMessage and dv.errorStyle in (None, "stop")
            assert dv.type == {spec.COUNT: "whole", spec.SIGNED: "whole", spec.DECIMAL: "decimal",
                               spec.TEXT: "textLength"}[field.kind]
            if field.kind == spec.COUNT:
                assert dv.operator in (None, "between") and (dv.formula1, dv.formula2) == ("0", "999999999999")
            assert at.value == (0 if field.kind != spec.TEXT else "0")
        assert ws.freeze_panes == layout.ref(layout.TABLE_TOP + sheet.table.header_rows, 0)
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.orientation == ("landscape" if sheet.key == "reviews" else "portrait")
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) in ((None, None), (1, 1))  # one page
    info = book["基本信息"]
    assert [info.cell(layout.INFO_TOP + 1 + i, 1).value for i in range(len(layout.INFO_ROWS))] == \
           [row.label for row in layout.INFO_ROWS]
    assert info.cell(layout.INFO_TOP + 1, 2).value == year
    assert info.cell(layout.INFO_TOP + 3, 2).value == "某某县某某镇人民政府"
    assert not info.cell(layout.INFO_TOP + 3, 2).protection.locked
    assert info.cell(layout.INFO_TOP + 2, 2).protection.locked  # 年报格式


def test_the_totals_are_written_with_their_values_for_programs_that_do_not_recalculate(tmp_path):
    path = workbook_of(FULL, tmp_path)
    report = load_report(FULL)
    cached = openpyxl.load_workbook(path, data_only=True)
    for sheet in layout.sheet_tables(report.spec):
        for field, (r, c) in sheet.fields:
            value = cached[sheet.sheet].cell(r + 1, c + 1).value
            assert (Decimal(str(value)) if field.kind == spec.DECIMAL else value) == report.values[field.key]
    assert sum(f.computed for f in report.spec.fields) == 34


def test_the_same_data_gives_the_same_bytes(tmp_path):
    assert workbook_of(FULL, tmp_path, "a.xlsx").read_bytes() == workbook_of(FULL, tmp_path, "b.xlsx").read_bytes()


def test_a_new_workbook_reads_as_the_new_yaml_file_does(run, tmp_path):
    assert run("init", "--from", FULL, "-o", "a.yaml").exit_code == 0
    assert run("init", "--from", FULL, "-o", "a.xlsx").exit_code == 0
    from_yaml, from_workbook = load_report(tmp_path / "a.yaml"), load_report(tmp_path / "a.xlsx")
    assert from_workbook.values == from_yaml.values and from_workbook.year == 2024
    assert from_workbook.values["applications.carried_over.natural"] == load_report(FULL).values[
        "applications.carried_forward.natural"]
    for key, paragraphs in from_yaml.narrative.items():
        assert [(p.kind, p.heading, p.text) for p in from_workbook.narrative[key]] == \
               [(p.kind, p.heading, p.text) for p in paragraphs], key
    text = openpyxl.load_workbook(tmp_path / "a.xlsx")["正文"]
    reminder = [text.cell(r, layout.REFERENCE_COL + 1).value for r in range(layout.TEXT_TOP + 1, 40)]
    problems = load_report(FULL).narrative["problems"]
    assert any(v and problems[0].text in v for v in reminder)  # last year's 五, beside this year's
    notes = openpyxl.load_workbook(tmp_path / "a.xlsx")["表三"]
    assert any("取自2023年度报告" in str(c.value) for row in notes.iter_rows() for c in row if c.value)


# --- round trip ----------------------------------------------------------------------------

_HOSTILE = st.sampled_from(["=SUM(A1:B2)", "_x0041_文字", "'引号开头", "+1", "-2", "@提及", "{{ agency }}",
                            "{% if x %}", "<b>&amp;</b>", "😀𠀀", "TRUE", "1e3", "0012", "#REF!", "a\u00a0b"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(report=reports(), hostile=st.lists(_HOSTILE, max_size=4), fees=st.decimals(0, 10**6, places=3))
def test_any_report_reads_back_from_its_workbook(tmp_path, report, hostile, fees):
    data = report_data(report)
    data["preamble"] = data["preamble"] + hostile
    if report.format == 2021:
        data["proactive"]["fees"] = fees
    expected = build_report(data)
    path = tmp_path / "r.xlsx"
    path.write_bytes(workbook_bytes(report_data(expected), expected.spec))
    back = load_report(path)
    same_report(expected, back)
    assert back.warnings == () and back.given_totals == {}


@pytest.mark.parametrize("source", [EXAMPLE, FULL, FULL_2019], ids=["example", "full", "2019"])
def test_convert_keeps_everything_through_every_kind(run, tmp_path, source):
    report = load_report(source)
    for a, b in (("yaml", "xlsx"), ("xlsx", "json"), ("json", "yaml"), ("yaml", "xlsx")):
        first = source if a == "yaml" and not (tmp_path / "d.yaml").exists() else tmp_path / f"d.{a}"
        result = run("convert", first, "-o", tmp_path / f"d.{b}", "--force")
        assert result.exit_code == 0, result.output
        same_report(report, load_report(tmp_path / f"d.{b}"))


def test_a_total_written_in_the_data_stays_a_typed_total(run, tmp_path, full):
    full["applications"]["received"]["total"] = 999
    source = tmp_path / "t.yaml"
    source.write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    assert run("convert", source, "-o", "t.xlsx").exit_code == 0
    back = load_report(tmp_path / "t.xlsx")
    assert back.given_totals == {"applications.received.total": 999}
    result = run("check", "t.xlsx")
    assert result.exit_code == 1
    assert f"错误 A3 表三!{cell_of(back.spec, 'applications.received.total')}" in result.output


def test_convert_refuses_its_input_and_other_kinds(run, tmp_path):
    path = workbook_of(FULL, tmp_path)
    before = path.read_bytes()
    result = run("convert", path, "-o", path)
    assert result.exit_code == 1 and path.read_bytes() == before
    result = run("convert", path, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1 and not (tmp_path / "x.docx").exists()


# --- filled by a clerk, and recalculated ------------------------------------------------------


def fill(path: Path, values: dict[str, object]) -> Path:
    """Type values into the input cells by their field keys."""
    fmt = load_report(path).spec

    def change(book):
        for key, value in values.items():
            table = sheet_table(fmt, key.split(".")[0])
            (r, c), = [at for f, at in table.fields if f.key == key]
            book[table.sheet].cell(r + 1, c + 1).value = value
    return edit(path, change)


def every_input(fmt: spec.FormatSpec, seed: int = 7) -> dict[str, object]:
    """A value in every input, the applications balanced (一 + 二 = （七）总计 + 四 in each column)."""
    import random
    rng = random.Random(seed)
    values = {f.key: (rng.randint(0, 99) if f.kind in (spec.COUNT, spec.SIGNED) else 12.5 if f.kind == spec.DECIMAL
                      else "251000元") for f in fmt.fields if not f.computed}
    for column in spec.APPLICANT_KEYS:
        results = sum(values[f"applications.{'.'.join(r.path)}.{column}"] for r in fmt.result_rows)
        values[f"applications.carried_over.{column}"] = rng.randint(0, 9)
        values[f"applications.received.{column}"] = results + values[f"applications.carried_forward.{column}"] \
            - values[f"applications.carried_over.{column}"]
    return values


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
@pytest.mark.parametrize("year", [2023, 2020])
def test_libreoffice_recalculating_a_filled_workbook_shows_the_totals_the_report_prints(run, tmp_path, year):
    assert run("init", "--year", year, "--agency", "某镇人民政府", "-o", "w.xlsx").exit_code == 0
    fmt = spec.FORMATS[2021 if year >= 2021 else 2019]
    path = fill(tmp_path / "w.xlsx", every_input(fmt))  # openpyxl keeps no cached totals: LibreOffice must compute
    subprocess.run([SOFFICE, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=180)
    report = load_report(path)
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "lo" / "w.xlsx"))
    for sheet in layout.sheet_tables(fmt):
        rows = book.get_sheet_by_name(sheet.sheet).to_python(skip_empty_area=False)
        for field, (r, c) in sheet.fields:
            if field.computed:
                assert rows[r][c] == report.values[field.key], field.key
    result = run(path, "-o", "w.docx")
    assert result.exit_code == 0, result.output  # every number in its place, every total as computed here
    assert_tables_match((tmp_path / "w.docx").read_bytes(), report_data(report), fmt)


# --- edited as people edit ----------------------------------------------------------------------


def test_numbers_typed_as_text_are_numbers_and_blanks_are_0_listed_in_one_warning(tmp_path):
    path = workbook_of(FULL, tmp_path)
    fmt = load_report(path).spec
    keys = ["applications.received.natural", "applications.received.business", "applications.received.research",
            "proactive.licensing", "reviews.litigation.upheld"]
    fill(path, {keys[0]: " 12 ", keys[1]: "１２", keys[2]: "1,006", keys[3]: None, keys[4]: None})
    report = load_report(path)
    assert [report.values[k] for k in keys] == [12, 12, 1006, 0, 0]
    blanks, texts = [w for w in report.warnings if w.rule == "W1"]
    assert f"表二!{cell_of(fmt, keys[3])}" in blanks.message and f"表四!{cell_of(fmt, keys[4])}" in blanks.message
    assert "2 个输入格是空白的" in blanks.message
    # a sheet's SUM leaves text out: the clerk is told, or the workbook's totals and the report's differ
    assert "3 个输入格填的是文字" in texts.message and f"表三!{cell_of(fmt, keys[1])}（“１２”）" in texts.message


def test_a_word_in_a_count_names_the_sheet_the_cell_and_the_official_label(run, tmp_path):
    path = fill(workbook_of(FULL, tmp_path), {"applications.withheld.state_secret.business": "三"})
    result = run(path, "-o", "out.docx")
    cell = cell_of(spec.FORMAT_2021_SPEC, "applications.withheld.state_secret.business")
    assert result.exit_code == 1 and not (tmp_path / "out.docx").exists()
    assert (f"错误 V1 表三!{cell}「三、本年度办理结果（三）不予公开 1.属于国家秘密 / 法人或其他组织 / 商业企业」："
            "应为非负整数，实际为 文字 “三”") in result.output


@pytest.mark.parametrize("value, shown", [(-1, "-1"), (2.5, "2.5"), ("=1+2", "公式 “=1+2”"), (True, "true")])
def test_every_bad_cell_kind_is_an_error_at_its_cell(run, tmp_path, value, shown):
    key = "reviews.reconsideration.corrected"
    path = fill(workbook_of(FULL, tmp_path), {key: value})
    result = run("check", path)
    assert result.exit_code == 1
    assert f"表四!{cell_of(spec.FORMAT_2021_SPEC, key)}「行政复议 / 结果纠正」" in result.output and shown in result.output


def test_a_total_typed_over_is_checked_and_one_left_as_a_formula_is_computed(run, tmp_path):
    key = "applications.granted.total"
    path = workbook_of(FULL, tmp_path)
    right = load_report(path).values[key]
    fill(path, {key: right})
    assert run("check", path).exit_code == 0
    fill(path, {key: right + 1})
    result = run("check", path)
    assert result.exit_code == 1 and f"错误 A3 表三!{cell_of(spec.FORMAT_2021_SPEC, key)}" in result.output
    assert "填报表中清空这一格" in result.output


def test_a_column_that_does_not_balance_names_its_four_cells(run, tmp_path):
    key = "applications.carried_forward.business"
    path = fill(workbook_of(FULL, tmp_path), {key: 999})
    result = run("check", path)
    cells = [cell_of(spec.FORMAT_2021_SPEC, f"applications.{row}.business")
             for row in ("received", "carried_over", "total", "carried_forward")]
    assert f"错误 A1 表三!{'、'.join(cells)}「" in result.output


def test_a_renamed_sheet_and_a_table_moved_as_a_whole_read_right(tmp_path):
    path = workbook_of(FULL, tmp_path)

    def change(book):
        book["表三"].title = "依申请公开"
        book["表二"].insert_rows(1, 2)  # the whole table two rows down
    edit(path, change)
    same_report(load_report(FULL), load_report(path))


@pytest.mark.parametrize("change, where", [
    (lambda book: book["表三"].insert_rows(12), "表三!"),
    (lambda book: book["表四"].delete_cols(3), "表四!"),
    (lambda book: book["表三"].cell(10, 3).__setattr__("value", "1.属于商业秘密"), "表三!C10"),
], ids=["row inserted", "column deleted", "label typed over"])
def test_a_table_whose_rows_moved_is_an_error_naming_the_cell_and_nothing_is_written(run, tmp_path, change, where):
    path = edit(workbook_of(FULL, tmp_path), change)
    result = run(path, "-o", "out.docx")
    assert result.exit_code == 1 and not (tmp_path / "out.docx").exists()
    assert "错误 W2 " + where in result.output and "未读取" in result.output
    assert "Traceback" not in result.output


def test_the_narrative_sheet_reads_every_kind_of_block(tmp_path):
    path = workbook_of(FULL, tmp_path)
    top = layout.TEXT_TOP + 1

    def change(book):
        ws = book["正文"]
        for r in range(top, top + 60):
            for c in range(1, 5):
                ws.cell(r, c).value = None
        rows = [("前言", "", "", "第一段。\n第二段。"), ("一、总体情况", "", "主动公开", "甲。\n乙。"),
                ("", "小标题在段首", "提升质量", "正文。\n另起一段。"), ("六、其他需要报告的事项", "段落", "", "无。")]
        for i, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.cell(top + i, c + 1).value = value or None
    report = load_report(edit(path, change))
    assert [p.text for p in report.narrative["preamble"]] == ["第一段。", "第二段。"]
    assert [(p.kind.value, p.heading, p.text) for p in report.narrative["overview"]] == [
        ("heading", "（一）主动公开", ""), ("body", "", "甲。"), ("body", "", "乙。"),
        ("runin", "（二）提升质量。", "正文。"), ("body", "", "另起一段。")]
    assert [p.text for p in report.narrative["other_matters"]] == ["无。"]
    assert report.locations["overview[1]"] == f"正文!D{top + 2}"
    assert report.locations["overview[1].title"] == f"正文!C{top + 2}"


def test_a_bad_row_of_narrative_names_its_cell(run, tmp_path):
    path = workbook_of(FULL, tmp_path)

    def change(book):
        ws = book["正文"]
        ws.cell(layout.TEXT_TOP + 1, 1).value = "七、其他"
        ws.cell(layout.TEXT_TOP + 2, 2).value = "段落"
        ws.cell(layout.TEXT_TOP + 2, 3).value = "多出的小标题"
    result = run("check", edit(path, change))
    assert result.exit_code == 1
    assert f"错误 W2 正文!A{layout.TEXT_TOP + 1}：“部分”应为 前言" in result.output
    assert f"错误 W2 正文!B{layout.TEXT_TOP + 2}：写法为“段落”时不写小标题" in result.output


# --- files that are not a fill-in workbook --------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return out.getvalue()


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def other_workbook() -> bytes:
    import xlsxwriter
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("Sheet1").write(0, 0, "别的表格")
    book.close()
    return out.getvalue()


def far_corner(path: Path) -> bytes:
    parts = parts_of(path)
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData>')
    return zipped(parts)


def with_doctype(path: Path) -> bytes:
    parts = parts_of(path)
    parts["xl/worksheets/sheet3.xml"] = parts["xl/worksheets/sheet3.xml"].replace(
        b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1)
    return zipped(parts)


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as entry:
            for _ in range(60):
                entry.write(b" " * (1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("name, content, said", [
    ("old.xls", _OLE, "旧版 Excel 工作簿（.xls）"),
    ("wps.et", _OLE, "WPS 表格文件（.et）"),
    ("locked.xlsx", _OLE, "设置了打开密码"),
    ("broken.xlsx", b"PK\x03\x04 broken", "不是 .xlsx 文件"),
    ("other.xlsx", other_workbook(), "不是本工具的填报表"),
    ("bomb.xlsx", bomb(), "压缩炸弹"),
    ("corner.xlsx", "far", "超出了填报表的范围"),
    ("doctype.xlsx", "doctype", "文档类型声明"),
    ("macro.xlsm", b"PK", "含宏的工作簿"),
], ids=lambda v: v if isinstance(v, str) and v.isascii() and "." in v else None)
def test_a_file_that_is_not_a_fill_in_workbook_is_refused_with_a_message(run, tmp_path, name, content, said):
    if content in ("far", "doctype"):
        content = (far_corner if content == "far" else with_doctype)(workbook_of(FULL, tmp_path, "base.xlsx"))
    path = tmp_path / name
    path.write_bytes(content)
    for command in ((path, "-o", "out.docx"), ("check", path), ("convert", path, "-o", "out.yaml")):
        result = run(*command)
        assert result.exit_code == 1, command
        assert said in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.docx").exists() and not (tmp_path / "out.yaml").exists()


def test_a_locked_file_excel_leaves_beside_a_workbook_is_not_a_unit(run, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    workbook_of(FULL, folder, "某镇.xlsx")
    (folder / "~$某镇.xlsx").write_bytes(b"\x06owner")
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["某镇.docx"]


# --- a county's 300 units --------------------------------------------------------------------------


def test_init_a_roster_of_300_units_then_build_the_folder(run, tmp_path):
    names = [f"某某县第{i}镇人民政府" for i in range(1, 301)] + ["某某县住房和城乡建设局（人防办）"]
    (tmp_path / "名单.txt").write_text("\n".join(names), encoding="utf-8")
    result = run("init", "--year", 2023, "--roster", "名单.txt", "-o", "各单位")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "各单位").iterdir())
    assert len(files) == 301 and {p.suffix for p in files} == {".xlsx"}
    assert load_report(tmp_path / "各单位" / "某某县第7镇人民政府.xlsx").agency == "某某县第7镇人民政府"
    result = run("build", "各单位", "-o", "out", "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.docx"))) == 301
    assert "共 301 个" in result.output


def test_a_roster_carries_over_each_units_own_last_year(run, tmp_path, full):
    last = tmp_path / "上年"
    last.mkdir()
    for name, agency in (("a.yaml", "某某镇人民政府"), ("b.yaml", "某某县住房和城乡建设局(人防办)")):
        data = copy.deepcopy(full)
        data["agency"] = agency
        (last / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    names = ["某某镇人民政府", "某某县住房和城乡建设局（人防办）", "新设的某某街道办事处"]
    (tmp_path / "名单.txt").write_text("\n".join(names), encoding="utf-8")
    result = run("init", "--roster", "名单.txt", "--from", last, "-o", "各单位")
    assert result.exit_code == 0, result.output
    assert "新设的某某街道办事处 在" in result.output and "没有上年的数据文件" in result.output
    carried = load_report(FULL).values["applications.carried_forward.natural"]
    for name, expected in ((names[0], carried), (names[1], carried), (names[2], 0)):
        report = load_report(tmp_path / "各单位" / f"{name}.xlsx")
        assert report.year == 2024 and report.agency == name
        assert report.values["applications.carried_over.natural"] == expected


def test_a_roster_never_overwrites_unasked_and_writes_all_or_nothing(run, tmp_path):
    (tmp_path / "名单.txt").write_text("甲镇\n乙镇\n", encoding="utf-8")
    (tmp_path / "各单位").mkdir()
    (tmp_path / "各单位" / "乙镇.xlsx").write_bytes(b"mine")
    result = run("init", "--year", 2023, "--roster", "名单.txt", "-o", "各单位")
    assert result.exit_code == 1 and "已有 1 个同名文件" in result.output
    assert sorted(p.name for p in (tmp_path / "各单位").iterdir()) == ["乙镇.xlsx"]
    assert (tmp_path / "各单位" / "乙镇.xlsx").read_bytes() == b"mine"


def test_an_amount_keeps_the_digits_written(tmp_path, full):
    for written in ("12.50", "5949.088667", "0", "1234567890123.123456789012"):
        data = copy.deepcopy(full)
        data["proactive"]["fees"] = written
        report = build_report(data)
        path = tmp_path / "a.xlsx"
        path.write_bytes(workbook_bytes(report_data(report), report.spec))
        assert format(load_report(path).values["proactive.fees"], "f") == written


def test_reading_a_workbook_never_leaves_a_traceback_for_a_damaged_sheet(tmp_path):
    path = workbook_of(FULL, tmp_path)
    parts = parts_of(path)
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"][:-40]
    path.write_bytes(zipped(parts))
    with pytest.raises(DataError) as caught:
        load_report(path)
    assert "已损坏" in str(caught.value.problems[0])


def test_values_are_decimal_where_the_spec_says(tmp_path):
    report = load_report(workbook_of(FULL, tmp_path))
    assert isinstance(report.values["proactive.fees"], Decimal)
    assert all(isinstance(report.values[f.key], int) for f in report.spec.fields if f.kind == spec.COUNT)
